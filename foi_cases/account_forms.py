"""Forms for a person's own account and the managers' sign-in security page: shape only."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib.auth.forms import PasswordChangeForm

REASON_LENGTH = 300


class AccountPasswordForm(PasswordChangeForm):
    """Django's password change (old password, new twice, the validators), in GOV.UK style."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("old_password"),
            Field("new_password1"),
            Field("new_password2"),
            Button("submit", "Change password"),
        )


class UnlockForm(forms.Form):
    """Which lock to clear: a name at an address, or (no name) the address for everyone."""

    ip_address = forms.GenericIPAddressField(
        error_messages={
            "required": "Choose a lock to clear",
            "invalid": "Choose a lock from the list",
        }
    )
    username = forms.CharField(required=False, max_length=255, strip=False)


class RemoveDeviceForm(forms.Form):
    reason = forms.CharField(
        label="Why are you removing this device?",
        help_text="For example, the phone was lost. The person is told, with this reason",
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are removing the device",
            "max_length": f"The reason must be {REASON_LENGTH} characters or fewer",
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("reason"),
            Button("submit", "Remove two-factor device", css_class="govuk-button--warning"),
        )
