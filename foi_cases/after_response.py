"""After the response: internal review, ICO complaints and appeals, the disclosure log,
redaction, legal hold, anonymisation and deletion.

Like `foi_cases.workflow`, every function here takes the acting user, is atomic, checks the
state it starts from, changes the rows with conditional UPDATEs where two people could race,
and writes exactly one CaseEvent. Business refusals are ValidationErrors for the view to show.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from foi_cases import redaction, retention, team
from foi_cases.bank_holidays import calendar_for
from foi_cases.deadlines import receipt_date, review_due_dates
from foi_cases.models import (
    Case,
    CaseEvent,
    ClockEvent,
    DisclosureLogEntry,
    ICOComplaint,
    InternalReview,
    Letter,
    Question,
    Redaction,
    Requester,
    Topic,
    TribunalAppeal,
)
from foi_cases.permissions import (
    INTERNAL_REVIEW,
    can_manage_disclosure_log,
    can_record_after_response,
    is_manager,
    is_reviewer,
    may_review,
)
from foi_cases.workflow import ConcurrentUpdate, InvalidTransition, _move, _record

User = AbstractBaseUser
Verb = CaseEvent.Verb
Status = Case.Status
EntryStatus = DisclosureLogEntry.Status

audit_log = logging.getLogger("foi_cases.audit")

LATE_REVIEW_WORKING_DAYS = 40
ICO_STEPS_DAYS = 35
TRIBUNAL_APPEAL_DAYS = 28
REMOVED_TEXT = "[Removed under the retention policy]"
ANONYMISED_NAME = "Anonymised requester"


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _check_not_future(on: dt.date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future."})


def _response_date(case: Case) -> dt.date | None:
    return timezone.localtime(case.responded_at).date() if case.responded_at else None


# --- Internal review ---------------------------------------------------------------------------


def original_decision_makers(case: Case) -> set[int]:
    """Everyone who made or approved the original decisions: they cannot review them.

    The officer the case was assigned to; the authors and editors of exemption decisions,
    public interest tests and internal held statuses; whoever submitted, reviewed or
    approved the decisions; and whoever composed, edited or approved a letter other than a
    review outcome.
    """
    from exemptions.models import (
        ExemptionCitation,
        InternalHeldStatus,
        PublicInterestTest,
        Review,
    )

    people: set[int | None] = {case.assigned_to_id}
    for row in ExemptionCitation.objects.filter(question__case=case).values_list(
        "created_by_id", "updated_by_id"
    ):
        people.update(row)
    people.update(
        PublicInterestTest.objects.filter(question__case=case).values_list(
            "recorded_by_id", flat=True
        )
    )
    people.update(
        InternalHeldStatus.objects.filter(question__case=case).values_list(
            "recorded_by_id", flat=True
        )
    )
    for row in Review.objects.filter(case=case).values_list(
        "submitted_by_id", "reviewed_by_id", "manager_approved_by_id"
    ):
        people.update(row)
    for row in (
        Letter.objects.filter(case=case)
        .exclude(kind=Letter.Kind.INTERNAL_REVIEW)
        .values_list("composed_by_id", "edited_by_id", "reviewed_by_id", "approved_by_id")
    ):
        people.update(row)
    people.discard(None)
    return {pk for pk in people if pk is not None}


def check_reviewer_independent(case: Case, reviewer: User) -> None:
    if not (is_reviewer(reviewer) or is_manager(reviewer)):
        raise ValidationError({"reviewer": "The internal reviewer must be a reviewer or manager."})
    if not may_review(reviewer, case, work=INTERNAL_REVIEW):
        raise ValidationError(
            {
                "reviewer": f"{reviewer.get_username()} made or approved part of the original "
                "decision, so cannot review it. Choose someone who was not involved."
            }
        )


@transaction.atomic
def request_internal_review(
    case: Case, *, actor: User, requested_on: dt.date, grounds: str = ""
) -> InternalReview:
    """Log a requester's request for internal review, with its own deadline.

    A request made more than 40 working days after the response is flagged: the EIR (reg 11)
    and FOISA (s20) make that the limit, and under FOIA an authority may decline it.
    """
    _require(can_record_after_response(actor), "Only FOI staff can log a review request.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    responded_on = _response_date(case)
    if responded_on is None or case.status not in (Status.RESPONDED, Status.CLOSED):
        raise InvalidTransition("An internal review can only follow a response.")
    _check_not_future(requested_on, "requested_on")
    if requested_on < responded_on:
        raise ValidationError({"requested_on": "The date cannot be before the response."})
    if case.internal_reviews.open().exists():
        raise InvalidTransition("An internal review of this case is already open.")
    calendar = calendar_for(case.regime)
    elapsed = calendar.working_days_between(responded_on, receipt_date(requested_on))
    target, latest = review_due_dates(requested_on, case.regime, calendar)
    try:
        with transaction.atomic():
            review = InternalReview.objects.create(
                case=case,
                requested_on=requested_on,
                grounds=grounds.strip(),
                working_days_after_response=elapsed,
                requested_late=elapsed > LATE_REVIEW_WORKING_DAYS,
                target_due_on=target,
                due_on=latest,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ConcurrentUpdate("Someone logged a review of this case a moment ago.") from exc
    _record(
        case,
        Verb.REVIEW_REQUESTED,
        actor=actor,
        review=review.pk,
        requested_on=requested_on.isoformat(),
        working_days_after_response=elapsed,
        late=review.requested_late,
        target_due_on=target.isoformat(),
        due_on=latest.isoformat(),
    )
    return review


def _locked_review(review: InternalReview) -> InternalReview:
    return InternalReview.objects.select_for_update().select_related("case").get(pk=review.pk)


@transaction.atomic
def assign_internal_reviewer(
    review: InternalReview, *, actor: User, reviewer: User
) -> InternalReview:
    """Give the review to someone who made and approved none of the original decisions."""
    _require(is_manager(actor), "Only a manager can assign an internal reviewer.")
    review = _locked_review(review)
    if not review.is_open:
        raise InvalidTransition("This internal review has already been decided.")
    check_reviewer_independent(review.case, reviewer)
    review.reviewer = reviewer
    review.save(update_fields=["reviewer"])
    _record(
        review.case,
        Verb.REVIEWER_ASSIGNED,
        actor=actor,
        review=review.pk,
        reviewer=reviewer.get_username(),
        added_to_team=team.join_if_restricted(review.case, reviewer),
    )
    return review


@transaction.atomic
def decide_internal_review(
    review: InternalReview,
    *,
    actor: User,
    outcome: str,
    reasons: str,
    reopen: Sequence[Question] = (),
) -> InternalReview:
    """Record the reviewer's outcome; an overturned decision reopens the affected questions.

    1. Only the assigned reviewer decides, and independence is checked again now, since
       they may have touched the case after being assigned.
    2. Overturned (all questions unless some are chosen) or upheld in part (the chosen
       questions) moves the case back into progress for new decisions.
    3. The outcome letter is composed by the letters pipeline (its own LETTER_COMPOSED
       event), for the reviewer to complete and another reviewer to approve.
    """
    from foi_cases import workflow

    review = _locked_review(review)
    case = review.case
    if not review.is_open:
        raise InvalidTransition("This internal review has already been decided.")
    if review.reviewer_id is None:
        raise InvalidTransition("Assign an internal reviewer first.")
    _require(actor.pk == review.reviewer_id, "Only the assigned internal reviewer can decide it.")
    check_reviewer_independent(case, actor)
    if outcome not in InternalReview.Outcome.values:
        raise ValidationError({"outcome": "Choose upheld, upheld in part or overturned."})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the outcome."})
    questions = [q for q in reopen if q.case_id == case.pk]
    if outcome == InternalReview.Outcome.OVERTURNED and not questions:
        questions = list(case.questions.all())
    if outcome == InternalReview.Outcome.UPHELD:
        questions = []
    updated = InternalReview.objects.filter(pk=review.pk, outcome="").update(
        outcome=outcome, outcome_reasons=reasons.strip(), decided_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentUpdate("Someone decided this review a moment ago. Reload the page.")
    review.refresh_from_db()
    review.reopened_questions.set(questions)
    if questions and case.status != Status.IN_PROGRESS:
        _move(case, Status.IN_PROGRESS, action="reopen")
    _record(
        case,
        Verb.REVIEW_DECIDED,
        actor=actor,
        review=review.pk,
        outcome=outcome,
        reopened_questions=sorted(q.number for q in questions),
    )
    letter = workflow.compose_letter(case, actor=actor, kind=Letter.Kind.INTERNAL_REVIEW)
    InternalReview.objects.filter(pk=review.pk).update(letter=letter)
    review.letter = letter
    return review


# --- ICO complaints and tribunal appeals ----------------------------------------------------


def _locked_complaint(complaint: ICOComplaint) -> ICOComplaint:
    return ICOComplaint.objects.select_for_update().select_related("case").get(pk=complaint.pk)


@transaction.atomic
def record_ico_complaint(
    case: Case,
    *,
    actor: User,
    ico_reference: str,
    notified_on: dt.date,
    submissions_due_on: dt.date | None = None,
) -> ICOComplaint:
    _require(can_record_after_response(actor), "Only FOI staff can record a complaint.")
    if _response_date(case) is None and case.is_open and not case.is_overdue:
        raise InvalidTransition("An ICO complaint follows a response or a missed deadline.")
    if not ico_reference.strip():
        raise ValidationError({"ico_reference": "Enter the ICO's reference."})
    _check_not_future(notified_on, "notified_on")
    complaint = ICOComplaint.objects.create(
        case=case,
        ico_reference=ico_reference.strip(),
        notified_on=notified_on,
        submissions_due_on=submissions_due_on,
        created_by=actor,
    )
    _record(
        case,
        Verb.ICO_COMPLAINT,
        actor=actor,
        complaint=complaint.pk,
        ico_reference=complaint.ico_reference,
        notified_on=notified_on.isoformat(),
    )
    return complaint


@transaction.atomic
def record_decision_notice(
    complaint: ICOComplaint,
    *,
    actor: User,
    notice_on: dt.date,
    outcome: str,
    steps_required: str = "",
    steps_due_on: dt.date | None = None,
) -> ICOComplaint:
    """Record the decision notice; required steps are due 35 calendar days later by default."""
    _require(can_record_after_response(actor), "Only FOI staff can record a decision.")
    complaint = _locked_complaint(complaint)
    if complaint.decision_notice_on is not None:
        raise InvalidTransition("The decision notice for this complaint is already recorded.")
    if outcome not in ICOComplaint.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome of the decision notice."})
    _check_not_future(notice_on, "notice_on")
    if notice_on < complaint.notified_on:
        raise ValidationError({"notice_on": "The notice cannot be before the complaint."})
    steps_required = steps_required.strip()
    if steps_required and steps_due_on is None:
        steps_due_on = notice_on + dt.timedelta(days=ICO_STEPS_DAYS)
    if not steps_required:
        steps_due_on = None
    complaint.decision_notice_on = notice_on
    complaint.outcome = outcome
    complaint.steps_required = steps_required
    complaint.steps_due_on = steps_due_on
    complaint.closed_on = None if steps_required else notice_on
    complaint.save()
    _record(
        complaint.case,
        Verb.ICO_DECISION,
        actor=actor,
        complaint=complaint.pk,
        outcome=outcome,
        notice_on=notice_on.isoformat(),
        steps_due_on=steps_due_on.isoformat() if steps_due_on else None,
        appeal_due_on=complaint.appeal_due_on.isoformat(),
    )
    return complaint


def _close_if_finished(complaint: ICOComplaint, on: dt.date) -> None:
    steps_done = not complaint.steps_required or complaint.steps_complied_on is not None
    appeals_open = complaint.appeals.filter(decided_on__isnull=True).exists()
    decided = complaint.decision_notice_on is not None
    complaint.closed_on = on if decided and steps_done and not appeals_open else None
    complaint.save(update_fields=["closed_on"])


@transaction.atomic
def record_steps_complied(complaint: ICOComplaint, *, actor: User, on: dt.date) -> ICOComplaint:
    _require(can_record_after_response(actor), "Only FOI staff can record compliance.")
    complaint = _locked_complaint(complaint)
    if not complaint.steps_required:
        raise InvalidTransition("The decision notice required no steps.")
    if complaint.steps_complied_on is not None:
        raise InvalidTransition("Compliance with the steps is already recorded.")
    _check_not_future(on, "on")
    complaint.steps_complied_on = on
    complaint.save(update_fields=["steps_complied_on"])
    _close_if_finished(complaint, on)
    _record(
        complaint.case,
        Verb.ICO_STEPS_COMPLIED,
        actor=actor,
        complaint=complaint.pk,
        on=on.isoformat(),
        late=bool(complaint.steps_due_on and on > complaint.steps_due_on),
    )
    return complaint


@transaction.atomic
def record_tribunal_appeal(
    complaint: ICOComplaint,
    *,
    actor: User,
    appellant: str,
    lodged_on: dt.date,
    tribunal_reference: str = "",
    hearing_on: dt.date | None = None,
) -> TribunalAppeal:
    """Record an appeal to the First-tier Tribunal; one lodged after 28 days is flagged."""
    _require(can_record_after_response(actor), "Only FOI staff can record an appeal.")
    complaint = _locked_complaint(complaint)
    if complaint.decision_notice_on is None:
        raise InvalidTransition("An appeal follows the ICO's decision notice.")
    if appellant not in TribunalAppeal.Appellant.values:
        raise ValidationError({"appellant": "Choose who appealed."})
    _check_not_future(lodged_on, "lodged_on")
    if lodged_on < complaint.decision_notice_on:
        raise ValidationError({"lodged_on": "The appeal cannot be before the decision notice."})
    appeal = TribunalAppeal.objects.create(
        complaint=complaint,
        appellant=appellant,
        lodged_on=lodged_on,
        lodged_late=lodged_on > complaint.appeal_due_on,
        tribunal_reference=tribunal_reference.strip(),
        hearing_on=hearing_on,
        created_by=actor,
    )
    complaint.closed_on = None
    complaint.save(update_fields=["closed_on"])
    _record(
        complaint.case,
        Verb.TRIBUNAL_APPEAL,
        actor=actor,
        complaint=complaint.pk,
        appeal=appeal.pk,
        appellant=appellant,
        lodged_on=lodged_on.isoformat(),
        late=appeal.lodged_late,
    )
    return appeal


@transaction.atomic
def record_tribunal_decision(
    appeal: TribunalAppeal, *, actor: User, decided_on: dt.date, outcome: str
) -> TribunalAppeal:
    _require(can_record_after_response(actor), "Only FOI staff can record a decision.")
    appeal = TribunalAppeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.decided_on is not None:
        raise InvalidTransition("The tribunal's decision is already recorded.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Describe the tribunal's decision."})
    _check_not_future(decided_on, "decided_on")
    if decided_on < appeal.lodged_on:
        raise ValidationError({"decided_on": "The decision cannot be before the appeal."})
    appeal.decided_on, appeal.outcome = decided_on, outcome.strip()
    appeal.save(update_fields=["decided_on", "outcome"])
    complaint = _locked_complaint(appeal.complaint)
    _close_if_finished(complaint, decided_on)
    _record(
        complaint.case,
        Verb.TRIBUNAL_DECIDED,
        actor=actor,
        complaint=complaint.pk,
        appeal=appeal.pk,
        decided_on=decided_on.isoformat(),
    )
    return appeal


@dataclass(frozen=True)
class UpcomingDate:
    on: dt.date
    what: str
    case: Case
    complaint: ICOComplaint

    @property
    def overdue(self) -> bool:
        return self.on < timezone.localdate()


def upcoming_ico_dates(
    *, today: dt.date | None = None, days: int = 30, cases: Any = None
) -> list[UpcomingDate]:
    """Outstanding ICO and tribunal dates up to `days` ahead, overdue ones included.

    Submissions due to the ICO, steps required by a decision notice, the end of the 28-day
    appeal window, and tribunal hearings. Pass `cases` (e.g. cases_visible_to(user)) to
    limit them to what a person may see.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    complaints = ICOComplaint.objects.filter(
        Q(closed_on__isnull=True) | Q(decision_notice_on__gte=today - dt.timedelta(days=28))
    ).select_related("case")
    if cases is not None:
        complaints = complaints.filter(case__in=cases)
    items: list[UpcomingDate] = []
    for complaint in complaints.prefetch_related("appeals"):
        case = complaint.case
        appeals = list(complaint.appeals.all())
        if complaint.decision_notice_on is None and complaint.submissions_due_on:
            items.append(
                UpcomingDate(
                    complaint.submissions_due_on, "Submissions due to the ICO", case, complaint
                )
            )
        if complaint.steps_due_on and complaint.steps_complied_on is None:
            items.append(
                UpcomingDate(complaint.steps_due_on, "Decision notice steps due", case, complaint)
            )
        appeal_due = complaint.appeal_due_on
        if appeal_due and not appeals and appeal_due >= today:
            items.append(UpcomingDate(appeal_due, "Tribunal appeal window closes", case, complaint))
        for appeal in appeals:
            if appeal.decided_on is None and appeal.hearing_on:
                items.append(UpcomingDate(appeal.hearing_on, "Tribunal hearing", case, complaint))
    return sorted((i for i in items if i.on <= horizon), key=lambda i: (i.on, i.case.reference))


# --- Disclosure log ---------------------------------------------------------------------------


def _identity(case: Case) -> dict[str, str]:
    person = case.requester
    return {"name": person.name, "email": person.email, "address": person.postal_address}


def _clean(case: Case, text: str) -> str:
    return redaction.remove_identity(text, **_identity(case)).text


def _warnings(*texts: str) -> list[dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for text in texts:
        for finding in redaction.find_personal_data(text):
            found.setdefault(
                (finding.kind, finding.value.lower()),
                {"kind": finding.kind, "label": finding.label, "value": finding.value},
            )
    return list(found.values())


def naming_reveals_for(case: Case) -> bool:
    """Whether the case says stating an exemption would itself disclose information (s17(4))."""
    from exemptions.models import ExemptionCitation

    return ExemptionCitation.objects.filter(question__case=case, omit_reasons=True).exists()


def _public_exemptions(case: Case) -> list[Any]:
    """The exemptions applied, leaving out any the case says must not be named."""
    from exemptions.models import Exemption

    return list(
        Exemption.objects.filter(
            citations__question__case=case, citations__omit_reasons=False
        ).distinct()
    )


def _response_letter(case: Case) -> Letter | None:
    letters = Letter.objects.filter(case=case, kind=Letter.Kind.FINAL_RESPONSE)
    return letters.filter(sent_at__isnull=False).order_by("-version").first() or (
        letters.order_by("-version").first()
    )


def _answers_text(case: Case) -> str:
    parts = []
    for question in case.questions.order_by("number"):
        parts.append(f"{question.number}. {question.text}")
        if question.answer_text:
            parts.append(question.answer_text)
    return "\n\n".join(parts)


def _can_manage_log(actor: User) -> None:
    _require(
        can_manage_disclosure_log(actor),
        "Only a manager can prepare or publish disclosure log entries.",
    )


@transaction.atomic
def prepare_disclosure_entry(case: Case, *, actor: User, title: str = "") -> DisclosureLogEntry:
    """Draft a log entry from a responded case, with the requester's identity removed."""
    _can_manage_log(actor)
    if case.responded_at is None or case.status not in (Status.RESPONDED, Status.CLOSED):
        raise InvalidTransition("A disclosure log entry is prepared from a responded case.")
    if case.anonymised_at is not None:
        raise InvalidTransition("This case has been anonymised.")
    if DisclosureLogEntry.objects.filter(case=case).exists():
        raise InvalidTransition("This case already has a disclosure log entry.")
    letter = _response_letter(case)
    response = letter.body if letter else _answers_text(case)
    entry = DisclosureLogEntry(
        case=case,
        title=_clean(case, title.strip() or case.title)[:200],
        request_text=_clean(case, case.request_text),
        response_text=_clean(case, response),
        response_letter=letter,
        disclosed_on=_response_date(case) or timezone.localdate(),
        prepared_by=actor,
    )
    entry.warnings = _warnings(entry.title, entry.request_text, entry.response_text)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ConcurrentUpdate("Someone prepared an entry for this case a moment ago.") from exc
    entry.topics.set(case.topics.all())
    entry.exemptions.set(_public_exemptions(case))
    _record(
        case, Verb.DISCLOSURE_PREPARED, actor=actor, entry=entry.pk, warnings=len(entry.warnings)
    )
    return entry


def _locked_entry(entry: DisclosureLogEntry) -> DisclosureLogEntry:
    return (
        DisclosureLogEntry.objects.select_for_update()
        .select_related("case", "case__requester")
        .get(pk=entry.pk)
    )


def _editable(entry: DisclosureLogEntry) -> None:
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.AWAITING_VALIDATION):
        current = EntryStatus(entry.status).label.lower()
        raise InvalidTransition(f"This entry is {current}; return it to draft to change it.")


@transaction.atomic
def edit_disclosure_entry(
    entry: DisclosureLogEntry,
    *,
    actor: User,
    title: str,
    request_text: str,
    response_text: str,
    disclosed_on: dt.date,
    topics: Iterable[Topic],
    exemptions: Iterable[Any],
) -> DisclosureLogEntry:
    """Change an entry's texts; the requester's identity is removed again on every save.

    An edit to an entry awaiting validation returns it to draft.
    """
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    _editable(entry)
    case = entry.case
    if not title.strip():
        raise ValidationError({"title": "Enter a title."})
    if not request_text.strip():
        raise ValidationError({"request_text": "Enter the request."})
    _check_not_future(disclosed_on, "disclosed_on")
    entry.title = _clean(case, title.strip())[:200]
    entry.request_text = _clean(case, request_text.strip())
    entry.response_text = _clean(case, response_text.strip())
    entry.disclosed_on = disclosed_on
    entry.warnings = _warnings(entry.title, entry.request_text, entry.response_text)
    entry.edited_by = actor
    entry.status = EntryStatus.DRAFT
    entry.submitted_at = None
    entry.save()
    entry.topics.set(topics)
    entry.exemptions.set(exemptions)
    _record(case, Verb.DISCLOSURE_EDITED, actor=actor, entry=entry.pk, warnings=len(entry.warnings))
    return entry


@transaction.atomic
def redact_disclosure_text(
    entry: DisclosureLogEntry,
    *,
    actor: User,
    field: str,
    passage: str,
    grounds: str,
    reason: str,
    naming_reveals: bool = False,
) -> Redaction:
    """Burn a redaction into an entry's text and log who, what (by hash), when and why.

    Every occurrence of the passage is replaced by `[Redacted: <grounds>]`, or by
    `[Redacted]` where the case (or the redactor) says naming the exemption would itself
    disclose information. Neither the log row nor the audit event holds the passage.
    """
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    _editable(entry)
    if field not in Redaction.Field.values:
        raise ValidationError({"field": "Choose the request or the response text."})
    grounds = " ".join(grounds.split())
    if not grounds:
        raise ValidationError({"grounds": "Give the grounds, e.g. s31(1)(a)."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this is redacted."})
    if not passage.strip():
        raise ValidationError({"passage": "Enter the passage to redact."})
    hidden = naming_reveals or naming_reveals_for(entry.case)
    text, count = redaction.redact_passage(
        getattr(entry, field), passage, grounds=grounds, naming_reveals=hidden
    )
    if count == 0:
        raise ValidationError({"passage": "That passage is not in the text."})
    setattr(entry, field, text)
    entry.warnings = _warnings(entry.title, entry.request_text, entry.response_text)
    entry.edited_by = actor
    entry.status, entry.submitted_at = EntryStatus.DRAFT, None
    entry.save()
    row = Redaction.objects.create(
        entry=entry,
        field=field,
        content_sha256=redaction.content_hash(passage.strip()),
        length=len(passage.strip()),
        occurrences=count,
        grounds=grounds,
        naming_reveals=hidden,
        reason=reason.strip(),
        created_by=actor,
    )
    _record(
        entry.case,
        Verb.REDACTED,
        actor=actor,
        entry=entry.pk,
        redaction=row.pk,
        field=field,
        grounds=grounds,
        naming_reveals=hidden,
        occurrences=count,
        sha256=row.content_sha256,
    )
    return row


@transaction.atomic
def redact_letter(
    letter: Letter,
    *,
    actor: User,
    passage: str,
    grounds: str,
    reason: str,
    naming_reveals: bool = False,
) -> Redaction:
    """Burn a redaction into an unsent letter's text, so neither it nor its PDF holds it.

    The change goes through the letters pipeline's `edit_letter`, which withdraws any
    approval (the new text needs a reviewer's approval and a new PDF) and records the edit;
    this records the redaction: who, what (by hash), when and why.
    """
    from foi_cases import workflow
    from foi_cases.permissions import can_edit_case

    letter = Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)
    _require(can_edit_case(actor, letter.case), "Only the case's officer or a manager can redact.")
    if letter.is_sent:
        raise InvalidTransition("This letter has been sent. Compose a new version instead.")
    grounds = " ".join(grounds.split())
    if not grounds:
        raise ValidationError({"grounds": "Give the grounds, e.g. s31(1)(a)."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this is redacted."})
    if not passage.strip():
        raise ValidationError({"passage": "Enter the passage to redact."})
    hidden = naming_reveals or naming_reveals_for(letter.case)
    body, count = redaction.redact_passage(
        letter.body, passage, grounds=grounds, naming_reveals=hidden
    )
    if count == 0:
        raise ValidationError({"passage": "That passage is not in the letter."})
    workflow.edit_letter(
        letter, actor=actor, body=body, dated=letter.dated, seen_hash=letter.content_hash
    )
    row = Redaction.objects.create(
        letter=letter,
        field=Redaction.Field.BODY,
        content_sha256=redaction.content_hash(passage.strip()),
        length=len(passage.strip()),
        occurrences=count,
        grounds=grounds,
        naming_reveals=hidden,
        reason=reason.strip(),
        created_by=actor,
    )
    _record(
        letter.case,
        Verb.REDACTED,
        actor=actor,
        letter=letter.pk,
        redaction=row.pk,
        field=row.field,
        grounds=grounds,
        naming_reveals=hidden,
        occurrences=count,
        sha256=row.content_sha256,
    )
    return row


def identity_problems(entry: DisclosureLogEntry) -> list[str]:
    """What stops publication outright: any trace of the requester's identity."""
    if entry.case.anonymised_at is not None:
        return []
    who = _identity(entry.case)
    labels = {"title": "title", "request_text": "request", "response_text": "response"}
    return [
        f"The {label} still contains the requester's name, e-mail address or address."
        for name, label in labels.items()
        if redaction.identity_remaining(getattr(entry, name), **who)
    ]


def _move_entry(entry: DisclosureLogEntry, to: str, *, frm: Sequence[str], **fields: Any) -> None:
    updated = DisclosureLogEntry.objects.filter(pk=entry.pk, status__in=frm).update(
        status=to, **fields
    )
    if updated != 1:
        raise ConcurrentUpdate("Someone changed this entry a moment ago. Reload the page.")
    entry.status = to
    for name, value in fields.items():
        setattr(entry, name, value)


@transaction.atomic
def submit_disclosure_entry(entry: DisclosureLogEntry, *, actor: User) -> DisclosureLogEntry:
    """Send a draft for validation by a second manager."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    if entry.status != EntryStatus.DRAFT:
        raise InvalidTransition("Only a draft can be sent for validation.")
    problems = identity_problems(entry)
    if problems:
        raise ValidationError(problems)
    _move_entry(
        entry, EntryStatus.AWAITING_VALIDATION, frm=[EntryStatus.DRAFT], submitted_at=timezone.now()
    )
    _record(entry.case, Verb.DISCLOSURE_SUBMITTED, actor=actor, entry=entry.pk)
    return entry


def entry_authors(entry: DisclosureLogEntry) -> set[int]:
    authors = {entry.prepared_by_id, entry.edited_by_id}
    authors.update(entry.redactions.values_list("created_by_id", flat=True))
    return {pk for pk in authors if pk is not None}


@transaction.atomic
def publish_disclosure_entry(
    entry: DisclosureLogEntry, *, actor: User, warnings_checked: bool = False
) -> DisclosureLogEntry:
    """Validate and publish: a second manager, who neither prepared, edited nor redacted it."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    if entry.status != EntryStatus.AWAITING_VALIDATION:
        raise InvalidTransition("Only an entry awaiting validation can be published.")
    if actor.pk in entry_authors(entry):
        raise ValidationError(
            "You prepared, edited or redacted this entry, so another manager must validate it."
        )
    problems = identity_problems(entry)
    if problems:
        raise ValidationError(problems)
    if entry.warnings and not warnings_checked:
        raise ValidationError(
            {"warnings_checked": "Confirm you have checked each possible item of personal data."}
        )
    now = timezone.now()
    _move_entry(
        entry,
        EntryStatus.PUBLISHED,
        frm=[EntryStatus.AWAITING_VALIDATION],
        validated_by=actor,
        published_at=now,
    )
    _record(entry.case, Verb.DISCLOSURE_PUBLISHED, actor=actor, entry=entry.pk)
    return entry


@transaction.atomic
def withhold_disclosure_entry(
    entry: DisclosureLogEntry, *, actor: User, reason: str
) -> DisclosureLogEntry:
    """Keep an entry off the public log (or take it down), recording why."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    if entry.status == EntryStatus.WITHHELD:
        raise InvalidTransition("This entry is already withheld.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is withheld."})
    previous = entry.status
    _move_entry(
        entry,
        EntryStatus.WITHHELD,
        frm=[previous],
        withheld_reason=reason.strip(),
        withheld_by=actor,
        withheld_at=timezone.now(),
    )
    _record(entry.case, Verb.DISCLOSURE_WITHHELD, actor=actor, entry=entry.pk, previous=previous)
    return entry


@transaction.atomic
def return_disclosure_entry(entry: DisclosureLogEntry, *, actor: User) -> DisclosureLogEntry:
    """Bring a withheld entry, or one awaiting validation, back to draft."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    frm = [EntryStatus.WITHHELD, EntryStatus.AWAITING_VALIDATION]
    if entry.status not in frm:
        raise InvalidTransition("Only a withheld entry or one awaiting validation can return.")
    previous = entry.status
    _move_entry(entry, EntryStatus.DRAFT, frm=frm, submitted_at=None, edited_by=actor)
    _record(entry.case, Verb.DISCLOSURE_EDITED, actor=actor, entry=entry.pk, returned=previous)
    return entry


# --- Legal hold, deletion (s77) and anonymisation -------------------------------------------


@transaction.atomic
def set_legal_hold(case: Case, *, actor: User, hold: bool, reason: str) -> Case:
    """Freeze (or release) deletion and anonymisation of a case's records."""
    _require(is_manager(actor), "Only a manager can change a legal hold.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why."})
    updated = Case.objects.filter(pk=case.pk, legal_hold=not hold).update(
        legal_hold=hold, updated_at=timezone.now()
    )
    if updated != 1:
        raise InvalidTransition(
            "This case is already on legal hold." if hold else "This case is not on legal hold."
        )
    case.legal_hold = hold
    _record(case, Verb.LEGAL_HOLD_CHANGED, actor=actor, legal_hold=hold, reason=reason.strip())
    return case


def deletion_blockers(case: Case) -> list[str]:
    """Why a case's records must not be deleted now (s77: records within an open request)."""
    blockers: list[str] = []
    if case.legal_hold:
        blockers.append("The case is on legal hold.")
    if case.is_open:
        blockers.append("The request is still open.")
    if case.internal_reviews.open().exists():
        blockers.append("An internal review is open.")
    if retention.ico_still_running(case):
        blockers.append("An ICO complaint or tribunal appeal is open or may still be appealed.")
    return blockers


@transaction.atomic
def delete_case(case: Case, *, actor: User, reason: str) -> None:
    """Delete a case and everything under it, unless s77 or a legal hold forbids it.

    Its audit trail goes with it, so the deletion is logged to the audit logger instead.
    """
    _require(is_manager(actor), "Only a manager can delete a case.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    blockers = deletion_blockers(case)
    if blockers:
        raise ValidationError(["This case cannot be deleted.", *blockers])
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is deleted."})
    reference = case.reference
    for letter in case.letters.exclude(pdf=""):
        name = letter.pdf.name
        transaction.on_commit(lambda name=name: default_storage.delete(name))
    case.delete()
    audit_log.warning("Case %s deleted by %s: %s", reference, actor.get_username(), reason.strip())


def _anonymise_requester(case: Case, now: dt.datetime) -> None:
    """Remove the requester's identity; a person with other live cases keeps their row."""
    person = case.requester
    shared = (
        Case.objects.filter(requester=person, anonymised_at__isnull=True)
        .exclude(pk=case.pk)
        .exists()
    )
    blank = {"name": ANONYMISED_NAME, "email": "", "postal_address": "", "anonymised_at": now}
    if shared:
        stand_in = Requester.objects.create(requester_type=person.requester_type, **blank)
        Case.objects.filter(pk=case.pk).update(requester=stand_in)
        case.requester = stand_in
    elif person.anonymised_at is None:
        Requester.objects.filter(pk=person.pk).update(**blank)


@transaction.atomic
def anonymise_case(
    case: Case, *, actor: User | None = None, now: dt.datetime | None = None
) -> bool:
    """Remove personal data from a case whose retention period has expired; safe to re-run.

    1. Lock the case; stop if it is already anonymised, on legal hold, or not yet expired.
    2. Remove the requester's identity and the free text that may hold personal data:
       title, request, question and answer texts, notes, letters (and their PDFs), review
       grounds. Statistics stay: status, outcome, dates, regime, topics, held status,
       question outcomes, exemption citations, requester type.
    3. Stamp `anonymised_at` with a conditional UPDATE and write one ANONYMISED event.
    """
    from exemptions.models import ReviewComment

    now = now or timezone.now()
    case = Case.objects.select_for_update().select_related("requester").get(pk=case.pk)
    if case.anonymised_at is not None:
        return False
    if case.legal_hold:
        raise ValidationError("This case is on legal hold, so it cannot be anonymised.")
    expires = retention.retention_expires_on(case)
    if expires is None or expires > timezone.localtime(now).date():
        raise ValidationError("This case's retention period has not expired.")
    _anonymise_requester(case, now)
    questions = Question.objects.filter(case=case).update(text=REMOVED_TEXT, answer_text="")
    ClockEvent.objects.filter(case=case).exclude(note="").update(note="")
    for letter in Letter.objects.filter(case=case):
        if letter.pdf:
            name = letter.pdf.name
            transaction.on_commit(lambda name=name: default_storage.delete(name))
    letters = Letter.objects.filter(case=case).update(
        body=REMOVED_TEXT, frame={}, sent_note="", pdf="", override_reason=""
    )
    InternalReview.objects.filter(case=case).update(grounds="", outcome_reasons="")
    # Reviewers' comments may quote the request; the decisions themselves are kept.
    ReviewComment.objects.filter(review__case=case).update(text=REMOVED_TEXT)
    # Notification texts quote the case's title, which may name the requester.
    case.notifications.update(message=f"Case {case.reference}")
    for event in CaseEvent.objects.filter(case=case):
        if any(key in event.data for key in ("note", "reason")):
            data = {k: v for k, v in event.data.items() if k not in ("note", "reason")}
            CaseEvent.objects.filter(pk=event.pk).update(data={**data, "removed": True})
    updated = Case.objects.filter(pk=case.pk, anonymised_at__isnull=True).update(
        anonymised_at=now,
        title=f"Anonymised request {case.reference}"[:200],
        request_text=REMOVED_TEXT,
        cost_estimate_notes="",
        updated_at=now,
    )
    if updated != 1:
        raise ConcurrentUpdate("The case was anonymised a moment ago.")
    case.anonymised_at = now
    _record(
        case,
        Verb.ANONYMISED,
        actor=actor,
        retention_expired_on=expires.isoformat(),
        questions=questions,
        letters=letters,
    )
    return True
