"""Forms check the shape of input only; business rules answer from foi_cases.workflow."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from foi_cases import deadlines, form_messages
from foi_cases.models import Case, Requester, Topic
from foi_cases.permissions import OFFICER

MAX_REQUEST_CHARACTERS = 100_000
MAX_QUESTION_CHARACTERS = 20_000
MAX_QUESTIONS = 100


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive: "
        "check Caps Lock is off.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Username"
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field("password"),
            Button("submit", "Sign in"),
        )


class GovukDateField(DateInputField):
    """crispy-forms-gds's date input, refusing absurd numbers instead of overflowing."""

    def compress(self, data_list: Any) -> dt.date | None:
        day, month, year = data_list
        if day and month and year:
            try:
                return dt.date(day=int(day), month=int(month), year=int(year))
            except (ValueError, OverflowError) as exc:
                raise ValidationError("Enter a real date, for example 17 3 2026") from exc
        return None


def date_field(label: str, *, help_text: str = "", required: bool = True) -> GovukDateField:
    """A GOV.UK date input (day, month, year) with messages that say what to fix."""
    field = GovukDateField(label=label, help_text=help_text, required=required)
    what = label[0].lower() + label[1:]
    field.error_messages["required"] = f"Enter the {what}"
    field.error_messages["incomplete"] = f"Enter the {what} as a day, month and year"
    return field


def _real_date_errors(form: forms.Form) -> None:
    """DateInputField reports impossible dates as Python's ValueError text; reword them."""
    for name, field in form.fields.items():
        if isinstance(field, DateInputField) and name in form.errors:
            form.errors[name] = form.error_class(
                [
                    "Enter a real date, for example 17 3 2026"
                    if "range" in message or "must be in" in message
                    else message
                    for message in form.errors[name]
                ]
            )


class GovukForm(forms.Form):
    """Shared behaviour: messages that say what to do, and clear date messages."""

    def full_clean(self) -> None:
        form_messages.say_what_to_do(self)
        super().full_clean()
        if self.is_bound and self._errors:
            _real_date_errors(self)


TIME_PATTERN = re.compile(r"^(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)$")
REFERENCE_PATTERN = r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"


class IntakeForm(GovukForm):
    """A new request as it arrived: who, how, when, what."""

    requester_name = forms.CharField(
        label="Requester's name",
        max_length=200,
        error_messages={"required": "Enter the requester's name"},
    )
    requester_email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address like name@example.com"},
    )
    requester_address = forms.CharField(
        label="Postal address",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    existing_requester = forms.IntegerField(
        label="Requester",
        required=False,
        min_value=1,
        error_messages={
            "invalid": "Choose one of the requesters offered, or a new requester",
            "min_value": "Choose one of the requesters offered, or a new requester",
        },
    )
    requester_type = forms.ChoiceField(
        label="Type of requester",
        choices=Requester.Type.choices,
        initial=Requester.Type.PUBLIC,
        error_messages={"required": "Select the type of requester"},
    )
    channel = forms.ChoiceField(
        label="How the request arrived",
        choices=Case.Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the request arrived"},
    )
    received_at = date_field(
        "Date received",
        help_text="The day it reached the authority, even a weekend or bank holiday",
    )
    received_time = forms.CharField(
        label="Time received (optional)",
        required=False,
        max_length=5,
        help_text="UK time, for example 14:30. Only the date counts for the deadline",
    )
    regime = forms.ChoiceField(
        label="Regime",
        choices=Case.Regime.choices,
        initial=Case.Regime.FOIA,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the regime"},
    )
    title = forms.CharField(
        label="Short title",
        max_length=200,
        help_text="What the request is about, for the case list.",
        error_messages={
            "required": "Enter a short title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    request_text = forms.CharField(
        label="Request text",
        max_length=MAX_REQUEST_CHARACTERS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Paste the request exactly as received, up to {MAX_REQUEST_CHARACTERS:,} "
        "characters. Splitting finds numbered, lettered and bulleted questions; text without "
        "them is one question.",
        error_messages={
            "required": "Paste the text of the request",
            "max_length": f"The request text must be {MAX_REQUEST_CHARACTERS:,} characters or "
            "fewer. Attach longer material to the case instead, and paste only the request.",
        },
    )
    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=40,
        help_text="Leave blank for the next number",
        validators=[
            RegexValidator(
                REFERENCE_PATTERN,
                "A reference can only contain letters, numbers, hyphens, full stops and "
                "underscores, and must contain a number",
            )
        ],
    )
    is_subject_access = forms.BooleanField(
        label="This is a request for the requester's own personal data (subject access)",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regime = self.fields["regime"]  # only the authority's regimes; small radios (gds/field)
        assert isinstance(regime, forms.ChoiceField)
        regime.choices = [
            (code, label) for code, label in Case.Regime.choices if code in settings.FOI_REGIMES
        ]
        regime.initial = settings.FOI_REGIMES[0]
        self.fields["channel"].govuk_inline = True  # type: ignore[attr-defined]
        self.fields["regime"].govuk_small = True  # type: ignore[attr-defined]
        # Most requests are logged the day they arrive.
        self.fields["received_at"].initial = timezone.localdate()

    def clean_request_text(self) -> str:
        text = self.cleaned_data["request_text"]
        if not text.strip():
            raise ValidationError("Paste the text of the request")
        return text

    def clean_received_time(self) -> dt.time | None:
        value = self.cleaned_data["received_time"].strip()
        if not value:
            return None  # not recorded: the deadline counts from the date alone
        match = TIME_PATTERN.match(value)
        if not match:
            raise ValidationError("Enter the time like 14:30, or leave it blank")
        return dt.time(int(match["hour"]), int(match["minute"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            "requester_email" in data
            and "requester_address" in data
            and not data["requester_email"].strip()
            and not data["requester_address"].strip()
        ):
            self.add_error(
                "requester_email",
                "Enter an e-mail address or a postal address, so the response can be sent",
            )
        if data.get("received_at") and "received_time" in data:
            time = data["received_time"]
            data["received_time_recorded"] = time is not None
            data["received_datetime"] = timezone.make_aware(
                dt.datetime.combine(data["received_at"], time or dt.time(0, 0))
            )
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        required=False,
        max_length=MAX_QUESTION_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": f"A question must be {MAX_QUESTION_CHARACTERS:,} characters or fewer"
        },
    )
    merge_with_next = forms.BooleanField(label="Merge with the next question", required=False)


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    extra=0,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    validate_max=True,
    absolute_max=MAX_QUESTIONS,
)


def question_formset(texts: list[str] | None = None, data: Any = None) -> forms.BaseFormSet:
    if data is not None:
        return QuestionFormSet(data, prefix="questions")
    return QuestionFormSet(initial=[{"text": text} for text in texts or []], prefix="questions")


def questions_from(formset: forms.BaseFormSet) -> list[str]:
    """The questions after the officer's merges and deletions, blanks dropped.

    The formset must be valid.
    """
    texts: list[str] = []
    merge_into_previous = False
    for form in formset.forms:
        data = form.cleaned_data
        if data.get("DELETE"):
            continue
        text = (data.get("text") or "").strip()
        if merge_into_previous and texts and text:
            texts[-1] = f"{texts[-1]}\n{text}"
        elif text:
            texts.append(text)
        merge_into_previous = bool(data.get("merge_with_next")) and bool(texts)
    return texts


MAX_ID = 2**63 - 1


def _plausible_id(value: Any) -> bool:
    """An id the database can look up: a huge number would overflow the query (a 500)."""
    text = str(value).strip()
    # isdigit() alone lets through digits int() refuses, such as superscripts ("²").
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not _plausible_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> QuerySet:
        for item in value or []:
            if not _plausible_id(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(item)[:50]},
                )
        return super()._check_values(value)


class OfficerChoiceField(IdChoiceField):
    def label_from_instance(self, user: Any) -> str:
        name = user.get_full_name() or user.get_username()
        return f"{name} ({user.open_cases} open)"


def officers_with_caseload() -> QuerySet:
    # A count of each officer's open cases (the open-cases index), not a join to every case.
    open_cases = (
        Case.objects.open()
        .filter(assigned_to=OuterRef("pk"))
        .order_by()
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        get_user_model()
        .objects.filter(groups__name=OFFICER, is_active=True)
        .annotate(open_cases=Coalesce(Subquery(open_cases, output_field=IntegerField()), 0))
        .order_by("first_name", "last_name", "username")
    )


class AssignForm(forms.Form):
    assignee = OfficerChoiceField(
        label="Assign to",
        queryset=get_user_model().objects.none(),
        empty_label="Choose an officer",
        error_messages={"required": "Choose the officer to assign"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers_with_caseload()


class TopicsForm(forms.Form):
    topics = IdMultipleChoiceField(
        label="Topics",
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RestrictionForm(forms.Form):
    restricted = forms.BooleanField(
        label="Restricted: only the assigned officer, the case team and managers can see it",
        required=False,
    )
    reason = forms.CharField(
        label="Reason for restricting",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: names a threat against a Member.",
    )


class CostEstimateForm(GovukForm):
    hours_kwargs: dict[str, Any] = {
        "min_value": Decimal(0),
        "max_value": Decimal(9999),
        "max_digits": 6,
        "decimal_places": 2,
        "error_messages": {
            "invalid": "Enter a number of hours, like 2.5",
            "min_value": "Hours cannot be negative",
            "max_value": "Enter fewer than 10,000 hours",
            "max_decimal_places": "Give hours to at most two decimal places",
            "max_digits": "Enter fewer than 10,000 hours",
        },
    }
    determining = forms.DecimalField(label="Determining whether it is held (hours)", **hours_kwargs)
    locating = forms.DecimalField(label="Locating it (hours)", **hours_kwargs)
    retrieving = forms.DecimalField(label="Retrieving it (hours)", **hours_kwargs)
    extracting = forms.DecimalField(label="Extracting it (hours)", **hours_kwargs)
    notes = forms.CharField(
        label="How the estimate was reached",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Sampling done, records searched. Redaction and considering exemptions "
        "do not count.",
    )


class EventDateForm(GovukForm):
    """A clock event on a day, with an optional note."""

    date_label = "Date"
    on = date_field("Date")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = date_field(self.date_label, help_text="For example, 17 3 2026")
        self.fields["on"].initial = timezone.localdate()  # usually recorded on the day


class ClarificationRequestForm(EventDateForm):
    date_label = "Date the clarification was asked for"


class ClarificationReceivedForm(EventDateForm):
    date_label = "Date the clarification arrived"


class FeeNoticeForm(EventDateForm):
    date_label = "Date the fees notice was given"
    amount = forms.DecimalField(
        label="Fee (£)",
        min_value=Decimal("0.01"),
        max_value=Decimal("100000"),
        max_digits=8,
        decimal_places=2,
        error_messages={
            "required": "Enter the fee",
            "invalid": "Enter the fee in pounds, like 12.50",
            "min_value": "The fee must be more than £0",
        },
    )


class FeeReceivedForm(EventDateForm):
    date_label = "Date the fee arrived"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note"]


class PublicInterestExtensionForm(GovukForm):
    notice_on = date_field("Date the s17(2) notice was sent")
    estimated_on = date_field("Estimated date of the public interest decision")
    exemptions_cited = forms.CharField(
        label="Exemptions relied on",
        max_length=300,
        help_text="The qualified exemptions engaged, for example s31(1)(a), s38(1)(b).",
        error_messages={"required": "Name the qualified exemptions relied on"},
    )
    reason = forms.CharField(
        label="Why more time is needed",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EirExtensionForm(GovukForm):
    notice_on = date_field("Date the applicant was told")
    reason = forms.CharField(
        label="Why the complexity and volume make 20 working days impracticable",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why 20 working days are impracticable"},
    )


class VariationForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which variation applies?",
        choices=[("", "None: the standard 20 working days"), *deadlines.VARIATION_CHOICES],
        widget=forms.RadioSelect,
        required=False,
    )
    twentieth_school_day = date_field(
        "Date of the 20th school day (schools only)",
        help_text="Count only days the school holds a session. Leave blank until known: the "
        "60th working day applies meanwhile.",
        required=False,
    )
    working_days = forms.IntegerField(
        label="Working day the ICO specified (armed forces, outside the UK)",
        min_value=21,
        max_value=deadlines.VARIATION_MAX_WORKING_DAYS,
        required=False,
        error_messages={
            "min_value": "The ICO's day must be after the 20th working day",
            "max_value": "The ICO's day can be no later than the 60th working day",
        },
    )
    reference = forms.CharField(
        label="ICO reference (armed forces, outside the UK)", max_length=100, required=False
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Why is the case closing?",
        choices=[
            (Case.Outcome.WITHDRAWN, Case.Outcome.WITHDRAWN.label),
            (Case.Outcome.LAPSED, Case.Outcome.LAPSED.label),
            (Case.Outcome.SUBJECT_ACCESS, Case.Outcome.SUBJECT_ACCESS.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the case is closing"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CaseFilterForm(forms.Form):
    """The case list's filters, read from the query string."""

    OPEN = "open"
    ANY = "any"

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="A reference, the requester's name or e-mail, or words from the request",
        error_messages={"max_length": "Search for 200 characters or fewer"},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[(OPEN, "Open cases"), (ANY, "Any status"), *Case.Status.choices],
    )
    topic = IdChoiceField(
        label="Topic", required=False, queryset=Topic.objects.all(), empty_label="Any topic"
    )
    officer = IdChoiceField(
        label="Officer",
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label="Any officer",
    )
    restricted = forms.ChoiceField(
        label="Restricted",
        required=False,
        choices=[("", "Restricted or not"), ("yes", "Restricted only"), ("no", "Not restricted")],
    )
    due_within = forms.IntegerField(
        label="Due within (working days)",
        required=False,
        min_value=0,
        max_value=250,
        error_messages={
            "invalid": "Enter a whole number of working days",
            "min_value": "Enter 0 or more working days",
            "max_value": "Enter 250 working days or fewer",
        },
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = (
            get_user_model()
            .objects.filter(groups__name=OFFICER, is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["officer"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )
