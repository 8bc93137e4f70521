"""The form for a message to the requester: its shape only (the sending rules are in
foi_cases.mail.outbound)."""

from __future__ import annotations

from django import forms

from foi_cases.models import Letter


class MessageForm(forms.Form):
    subject = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter a subject", "max_length": "Enter a shorter subject"},
    )
    body = forms.CharField(
        label="Message",
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Plain text, sent as it is typed.",
        error_messages={
            "required": "Enter the message",
            "max_length": "Enter a message of at most 50,000 characters",
        },
    )
    # The notice the message was started from (a clarification request stops the clock).
    notice = forms.ChoiceField(
        choices=[("", "None"), *Letter.Kind.choices], required=False, widget=forms.HiddenInput
    )
