"""The security code form for two-factor set-up and sign-in: the shape of the code only.

Whether the code is right is the device's call (foi_cases.two_factor), which also throttles.
At sign-in the same box also takes a recovery code (8 letters and digits, as
django-otp's StaticToken.random_token makes them).
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout
from django import forms
from django.core.exceptions import ValidationError

RECOVERY_CODE_LENGTH = 8
RECOVERY_CODE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz234567")  # base32, lower case


def is_recovery_code(code: str) -> bool:
    """Whether a cleaned code has a recovery code's shape (a security code is 6 digits)."""
    return len(code) == RECOVERY_CODE_LENGTH and set(code) <= RECOVERY_CODE_CHARACTERS


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

    def __init__(
        self,
        *args: object,
        button: str = "Continue",
        recovery_codes: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.recovery_codes = recovery_codes
        if recovery_codes:
            code = self.fields["code"]
            code.help_text = (
                "The 6-digit code your authenticator app shows now, or one of your recovery codes"
            )
            code.error_messages["required"] = (
                "Enter the 6-digit security code from your authenticator app, or a recovery code"
            )
            code.widget.attrs.pop("inputmode", None)  # recovery codes have letters
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", field_width=Fixed.TEN if recovery_codes else Fixed.FIVE),
            Button("submit", button),
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())  # people type "123 456"
        if len(code) == 6 and code.isascii() and code.isdigit():
            return code
        if self.recovery_codes:
            recovery_code = code.replace("-", "").lower()  # shown as "abcd-efgh"
            if is_recovery_code(recovery_code):
                return recovery_code
            raise ValidationError(
                "Enter the security code as 6 digits, like 123456, "
                "or a recovery code as 8 letters and numbers, like abcd-efgh"
            )
        raise ValidationError("Enter the security code as 6 digits, like 123456")
