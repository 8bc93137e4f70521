"""Forms for notes, links, reopening and bulk reassignment: shape only; the workflow decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from foi_cases.forms import GovukForm, IdChoiceField, IdMultipleChoiceField
from foi_cases.models import CaseLink
from foi_cases.permissions import OFFICER
from foi_cases.workflow.casework import NOTE_MAX_LENGTH, REASON_MAX_LENGTH


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class NoteForm(GovukForm):
    text = forms.CharField(
        label="Note",
        help_text="For the case team only: notes never appear in letters or the disclosure log.",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the note"},
    )


class LinkForm(GovukForm):
    reference = forms.CharField(
        label="Reference of the related case",
        max_length=40,
        error_messages={"required": "Enter the reference of the related case"},
    )
    kind = forms.ChoiceField(
        label="How are the cases related?",
        choices=CaseLink.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the cases are related"},
    )


class ReopenForm(GovukForm):
    reason = forms.CharField(
        label="Why is the case being reopened?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the case is being reopened"},
    )


def _officers() -> Any:
    return (
        get_user_model()
        .objects.filter(groups__name=OFFICER)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ReassignChooseForm(GovukForm):
    """Step one: whose cases, and to whom."""

    from_officer = IdChoiceField(
        label="Officer whose cases are handed over",
        queryset=None,
        empty_label="Choose an officer",
        error_messages={"required": "Choose the officer whose cases are handed over"},
    )
    to_officer = IdChoiceField(
        label="Officer who takes them",
        queryset=None,
        empty_label="Choose an officer",
        error_messages={"required": "Choose the officer who takes the cases"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_officer"].queryset = _officers()
        self.fields["to_officer"].queryset = _officers().filter(is_active=True)
        for name in ("from_officer", "to_officer"):
            self.fields[name].label_from_instance = _name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("from_officer") and data.get("from_officer") == data.get("to_officer"):
            self.add_error("to_officer", "Choose a different officer to hand the cases to")
        return data


class ReassignConfirmForm(ReassignChooseForm):
    """Step two: which of the officer's open cases (all ticked at first)."""

    cases = IdMultipleChoiceField(
        label="Cases to reassign",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one case to reassign"},
    )

    def __init__(self, *args: Any, open_cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = open_cases
        self.fields["cases"].label_from_instance = lambda case: f"{case.reference}: {case.title}"
