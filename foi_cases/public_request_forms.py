"""The steps of the public request form: who you are, your request, the form of response."""

from __future__ import annotations

from typing import Any

from django import forms

from foi_cases.forms import GovukForm
from foi_cases.models import Case

MAX_PUBLIC_REQUEST_CHARACTERS = 20_000


class AboutYouForm(GovukForm):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        help_text="A request under the Act must give a real name.",
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="We will send the acknowledgement and our response here.",
        error_messages={
            "invalid": "Enter an e-mail address like name@example.com",
            "max_length": "The e-mail address must be 254 characters or fewer",
        },
    )
    postal_address = forms.CharField(
        label="Postal address (if you have no e-mail address)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The postal address must be 1,000 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["postal_address"].widget.attrs["autocomplete"] = "street-address"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            "email" in data
            and "postal_address" in data
            and not data["email"].strip()
            and not data["postal_address"].strip()
        ):
            self.add_error(
                "email", "Enter an e-mail address or a postal address, so we can reply to you"
            )
        return data


class RequestTextForm(GovukForm):
    request_text = forms.CharField(
        label="Your request",
        max_length=MAX_PUBLIC_REQUEST_CHARACTERS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Describe the information you want as clearly as you can. Number your "
        f"questions if you have more than one. Up to {MAX_PUBLIC_REQUEST_CHARACTERS:,} "
        "characters.",
        error_messages={
            "required": "Enter your request",
            "max_length": f"Your request must be {MAX_PUBLIC_REQUEST_CHARACTERS:,} characters "
            "or fewer. Shorten it, or send longer material by e-mail or post.",
        },
    )
    # A honeypot: hidden from people (and screen readers), filled in by form-filling robots.
    website = forms.CharField(label="Leave this blank", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_request_text(self) -> str:
        text = self.cleaned_data["request_text"]
        if not text.strip():
            raise forms.ValidationError("Enter your request")
        return text

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                "We could not accept the form as sent. Clear the field labelled "
                "“Leave this blank” and continue, or write to us by e-mail or post."
            )
        return ""


NO_PREFERENCE = "none"


class FormatForm(GovukForm):
    preferred_format = forms.ChoiceField(
        label="How would you like to receive the information?",
        choices=[*Case.ResponseFormat.choices, (NO_PREFERENCE, "No preference")],
        widget=forms.RadioSelect,
        help_text="We will give you the information this way if it is reasonably practicable.",
        error_messages={"required": "Select how you would like to receive the information"},
    )
