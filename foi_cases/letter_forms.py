"""Forms for letters: they check the shape of input; foi_cases.workflow says yes or no."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from foi_cases.forms import GovukForm, date_field
from foi_cases.letters.text import MAX_BODY_CHARACTERS
from foi_cases.models import Letter

TIME_PATTERN = re.compile(r"^(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)$")


class LetterEditForm(GovukForm):
    dated = date_field("Date on the letter", help_text="For example, 17 3 2026")
    body = forms.CharField(
        label="Text of the letter",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "true"}),
        max_length=MAX_BODY_CHARACTERS,
        strip=False,
        help_text='Leave a blank line between paragraphs. Start a line with "## " for a '
        'heading, "> " to quote the request and "- " for a bullet. Text in [[double '
        "brackets]] must be replaced before approval.",
        error_messages={
            "required": "Enter the text of the letter",
            "max_length": f"The letter must be at most {MAX_BODY_CHARACTERS:,} characters",
        },
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_dated(self) -> dt.date:
        dated: dt.date = self.cleaned_data["dated"]
        today = timezone.localdate()
        if dated > today + dt.timedelta(days=31):
            raise ValidationError("The date on the letter must be within a month from today")
        if dated.year < 2005:
            raise ValidationError("The date on the letter must be in 2005 or later")
        return dated


class LetterApproveForm(forms.Form):
    seen_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    override_reason = forms.CharField(
        label="Reason to approve despite the completeness check (only if it lists problems)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the approval, for the ICO and internal review.",
    )


class LetterReturnForm(forms.Form):
    seen_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)
    comments = forms.CharField(
        label="What needs redrafting",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what needs redrafting"},
    )


class LetterSentForm(GovukForm):
    sent_on = date_field("Date sent", help_text="For example, 17 3 2026")
    sent_time = forms.CharField(
        label="Time sent (optional)",
        required=False,
        max_length=5,
        help_text="24-hour clock, UK time, for example 14:30.",
    )
    via = forms.ChoiceField(
        label="How it was sent",
        choices=Letter.Via.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the letter was sent"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="For example the WhatDoTheyKnow request page or the recorded-delivery number.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()  # usually recorded on the day

    def clean_sent_time(self) -> dt.time | None:
        value = self.cleaned_data["sent_time"].strip()
        if not value:
            return None
        match = TIME_PATTERN.match(value)
        if not match:
            raise ValidationError("Enter the time as hours and minutes, for example 14:30")
        return dt.time(int(match["hour"]), int(match["minute"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        sent_on = data.get("sent_on")
        if sent_on and "sent_time" not in self.errors:
            sent_time = data.get("sent_time")
            now = timezone.localtime()
            if sent_time is None:
                # Without a time, today means now and an earlier day means the end of it.
                sent_time = now.time() if sent_on == now.date() else dt.time(23, 59)
            data["sent_at"] = timezone.make_aware(dt.datetime.combine(sent_on, sent_time))
        return data
