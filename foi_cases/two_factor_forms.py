"""The security code form for two-factor set-up and sign-in: the shape of the code only.

Whether the code is right is the device's call (foi_cases.two_factor), which also throttles.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms
from django.core.exceptions import ValidationError


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now",
        max_length=20,
        error_messages={"required": "Enter the 6-digit security code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: object, button: str = "Continue", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", field_width=Fixed.FIVE), Button("submit", button)
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())  # people type "123 456"
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise ValidationError("Enter the security code as 6 digits, like 123456")
        return code
