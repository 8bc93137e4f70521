"""Forms for the after-response pages: shape only; foi_cases.workflow says yes or no."""

from __future__ import annotations

from django import forms

from foi_cases.forms import GovukForm, IdChoiceField, IdMultipleChoiceField, date_field
from foi_cases.models import ICOComplaint, InternalReview, Redaction, Topic, TribunalAppeal

TEXT = 20_000
LONG_TEXT = 200_000


class ReviewRequestForm(GovukForm):
    requested_on = date_field(
        "Date the review was requested", help_text="The day the request reached us."
    )
    grounds = forms.CharField(
        label="Why the requester is dissatisfied",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=TEXT,
    )


class AssignReviewerForm(GovukForm):
    reviewer = IdChoiceField(
        label="Internal reviewer",
        queryset=None,
        empty_label="Choose someone",
        help_text="Only people who made and approved none of the original decisions are listed.",
        error_messages={"required": "Choose the internal reviewer"},
    )

    def __init__(self, *args, reviewers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.username


class ReviewDecisionForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=InternalReview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    reasons = forms.CharField(
        label="Reasons", widget=forms.Textarea(attrs={"rows": 6}), max_length=TEXT
    )
    reopen = IdMultipleChoiceField(
        label="Questions to reopen",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For an overturned decision, leave these empty to reopen every question.",
    )

    def __init__(self, *args, questions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reopen"].queryset = questions
        self.fields["reopen"].label_from_instance = lambda q: f"{q.number}. {q.text[:120]}"


class ICOComplaintForm(GovukForm):
    ico_reference = forms.CharField(label="ICO reference", max_length=40)
    notified_on = date_field("Date the ICO told us of the complaint")
    submissions_due_on = date_field("Date our submissions are due", required=False)


class DecisionNoticeForm(GovukForm):
    notice_on = date_field("Date of the decision notice")
    outcome = forms.ChoiceField(
        label="Outcome", choices=ICOComplaint.Outcome.choices, widget=forms.RadioSelect
    )
    steps_required = forms.CharField(
        label="Steps required",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TEXT,
    )
    steps_due_on = date_field(
        "Date the steps are due",
        required=False,
        help_text="Leave empty for 35 calendar days after the notice.",
    )


class StepsCompliedForm(GovukForm):
    on = date_field("Date we complied with the steps")


class TribunalAppealForm(GovukForm):
    appellant = forms.ChoiceField(
        label="Who appealed", choices=TribunalAppeal.Appellant.choices, widget=forms.RadioSelect
    )
    lodged_on = date_field("Date the appeal was lodged")
    tribunal_reference = forms.CharField(label="Tribunal reference", max_length=40, required=False)
    hearing_on = date_field("Date of the hearing", required=False)


class TribunalDecisionForm(GovukForm):
    decided_on = date_field("Date of the tribunal's decision")
    outcome = forms.CharField(label="Outcome", max_length=200)


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT
    )


class LegalHoldForm(ReasonForm):
    hold = forms.TypedChoiceField(
        label="Legal hold",
        choices=[("1", "Place the case on legal hold"), ("0", "Release the legal hold")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class EntryEditForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200)
    request_text = forms.CharField(
        label="Request", widget=forms.Textarea(attrs={"rows": 10}), max_length=LONG_TEXT
    )
    response_text = forms.CharField(
        label="Response",
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=LONG_TEXT,
        required=False,
    )
    disclosed_on = date_field("Date of disclosure")
    topics = IdMultipleChoiceField(
        label="Topics",
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exemptions = IdMultipleChoiceField(
        label="Exemptions applied",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        from exemptions.models import Exemption

        super().__init__(*args, **kwargs)
        self.fields["exemptions"].queryset = Exemption.objects.filter(active=True)


class RedactionForm(GovukForm):
    field = forms.ChoiceField(
        label="Text to redact from", choices=Redaction.Field.choices, widget=forms.RadioSelect
    )
    passage = forms.CharField(
        label="Passage to redact",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT,
        help_text="Copy it exactly; every occurrence is redacted.",
    )
    grounds = forms.CharField(label="Grounds", max_length=100, help_text="For example s31(1)(a)")
    naming_reveals = forms.BooleanField(
        label="Naming the exemption would itself disclose information",
        required=False,
    )
    reason = forms.CharField(
        label="Why this is redacted", widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT
    )


class PublishForm(GovukForm):
    warnings_checked = forms.BooleanField(
        label="I have checked each possible item of personal data listed", required=False
    )


class LetterRedactionForm(GovukForm):
    passage = RedactionForm.base_fields["passage"]
    grounds = RedactionForm.base_fields["grounds"]
    naming_reveals = RedactionForm.base_fields["naming_reveals"]
    reason = RedactionForm.base_fields["reason"]
