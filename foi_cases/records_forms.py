"""Forms for records, colleagues' searches and consultations: shape only; the workflow decides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from foi_cases.forms import GovukForm, IdChoiceField, IdMultipleChoiceField, date_field
from foi_cases.models import Case, Consultation
from foi_cases.permissions import CONTRIBUTOR

LONG_TEXT = 10_000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


class RecordUploadForm(GovukForm):
    files = MultipleFileField(
        label="Files",
        error_messages={
            "required": "Choose at least one file",
            "empty": "One of the files is empty",
            "invalid": "One of the files could not be read; try again",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = ", ".join(settings.FOI_RECORD_EXTENSIONS)
        self.fields["files"].help_text = (
            f"You can choose several files at once. Up to {settings.FOI_RECORD_MAX_MB} MB each; "
            f"accepted kinds: {kinds}."
        )


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class SearchRequestForm(GovukForm):
    assignee = IdChoiceField(
        label="Colleague to search",
        queryset=None,
        empty_label="Choose a colleague",
        error_messages={
            "required": "Choose the colleague to search",
            "invalid_choice": "Choose a colleague who has the Contributor role",
        },
    )
    questions = IdMultipleChoiceField(
        label="Questions to search for",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one question"},
    )
    instructions = forms.CharField(
        label="What to look for (optional)",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_on = date_field("Internal due date", required=False)

    def __init__(self, *args: Any, case: Case, default_due: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True, groups__name=CONTRIBUTOR)
        self.fields["assignee"].queryset = people.order_by("first_name", "last_name", "username")
        self.fields["assignee"].label_from_instance = _person
        self.fields["questions"].queryset = case.questions.all()
        self.fields["questions"].label_from_instance = lambda q: f"Question {q.number}: {q.text}"
        self.fields[
            "due_on"
        ].help_text = f"Leave blank for {default_due:%-d %B %Y} (working day 10 of the case)."


HOURS = {
    "min_value": Decimal(0),
    "max_value": Decimal(1000),
    "max_digits": 6,
    "decimal_places": 2,
    "error_messages": {
        "required": "Enter the time the search took, in hours",
        "invalid": "Enter a number of hours, like 2.5",
        "min_value": "The time taken cannot be negative",
        "max_value": "Enter at most 1,000 hours",
        "max_decimal_places": "Give hours to at most two decimal places",
        "max_digits": "Enter at most 1,000 hours",
    },
}


class SearchStatementForm(GovukForm):
    places_searched = forms.CharField(
        label="Where you searched",
        help_text="For example shared drives, e-mail folders, paper files, systems.",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say where you searched"},
    )
    search_terms = forms.CharField(
        label="Search terms used",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what terms you searched for"},
    )
    hours_searching = forms.DecimalField(label="Time taken (hours)", **HOURS)


class ConsultationForm(GovukForm):
    consultee_type = forms.ChoiceField(
        label="Who was consulted",
        choices=Consultation.Consultee.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who was consulted"},
    )
    consultee = forms.CharField(
        label="Name of the body or person",
        max_length=200,
        error_messages={"required": "Name the body or person consulted"},
    )
    about = forms.CharField(
        label="What they were asked about",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what they were asked about"},
    )
    questions = IdMultipleChoiceField(
        label="Questions concerned (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consulted_on = date_field("Date consulted")
    due_on = date_field("Date their reply is due", required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = case.questions.all()
        self.fields["questions"].label_from_instance = lambda q: f"Question {q.number}: {q.text}"


class AdviceForm(GovukForm):
    advice = forms.CharField(
        label="Their advice",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Summarise the advice given"},
    )
    received_on = date_field("Date the advice was received")
    followed = forms.ChoiceField(
        label="Was the advice followed?",
        choices=Consultation.Followed.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the advice was followed"},
    )
    followed_note = forms.CharField(
        label="Why (required unless followed in full)",
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
