"""Every change to a case's state: plain functions that take the acting user.

Each function is atomic, checks the case's current status against ALLOWED_TRANSITIONS,
changes the rows, writes exactly one CaseEvent, and queues slow work only after commit.
Status changes are conditional UPDATEs, so of two people acting at once one wins and the
other is told to reload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from foi_cases import deadlines, notifications
from foi_cases.clock import deadline_for
from foi_cases.models import (
    Case,
    CaseEvent,
    ClockEvent,
    Question,
    ReferenceSequence,
    Requester,
    Topic,
)
from foi_cases.permissions import cases_visible_to, is_manager, is_officer
from foi_cases.reporting import outcomes

logger = logging.getLogger(__name__)

Status = Case.Status
Verb = CaseEvent.Verb
User = AbstractBaseUser

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.IN_PROGRESS, Status.AWAITING_CLARIFICATION, Status.CLOSED},
    Status.IN_PROGRESS: {
        Status.AWAITING_CLARIFICATION,
        Status.AWAITING_FEE,
        Status.IN_REVIEW,
        Status.CLOSED,
    },
    Status.AWAITING_CLARIFICATION: {Status.RECEIVED, Status.IN_PROGRESS, Status.CLOSED},
    Status.AWAITING_FEE: {Status.IN_PROGRESS, Status.CLOSED},
    Status.IN_REVIEW: {Status.IN_PROGRESS, Status.APPROVED},
    Status.APPROVED: {Status.IN_PROGRESS, Status.RESPONDED},
    Status.RESPONDED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
}

EARLIEST_RECEIPT = dt.date(2005, 1, 1)


class InvalidTransition(ValidationError):
    """The case's current status does not allow this step."""


class ConcurrentUpdate(ValidationError):
    """Someone else changed the case between reading and writing it."""


@dataclass(frozen=True)
class RequesterDetails:
    name: str
    email: str = ""
    postal_address: str = ""
    requester_type: str = Requester.Type.PUBLIC


def _record(case: Case, verb: str, *, actor: User | None, **data: Any) -> CaseEvent:
    """Write the case's audit event, after the change it records.

    Also the one place the case's stored reporting outcome is refreshed: every change to a
    case, its questions or their citations writes an event here once its rows are written.
    """
    event = CaseEvent.objects.create(case=case, actor=actor, verb=verb, data=data)
    outcomes.refresh_reporting([case.pk])
    return event


def _move(case: Case, to: str, *, action: str, **fields: Any) -> None:
    """Move a case to another status with a conditional UPDATE, or explain why not."""
    if to not in ALLOWED_TRANSITIONS[case.status]:
        current = Status(case.status).label.lower()
        raise InvalidTransition(f"You cannot {action} a case that is {current}.")
    updated = Case.objects.filter(pk=case.pk, status=case.status).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        raise ConcurrentUpdate(
            "Someone else changed this case a moment ago. Reload the page to see the change, "
            "then try again."
        )
    case.status = to
    for name, value in fields.items():
        setattr(case, name, value)


def _check_event_date(case: Case, on: dt.date, field: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future."})
    if on < timezone.localtime(case.received_at).date():
        raise ValidationError({field: "The date cannot be before the request was received."})


def validate_received_at(received_at: dt.datetime) -> None:
    if timezone.is_naive(received_at):
        raise ValidationError({"received_at": "Give the time the request was received."})
    if received_at > timezone.now():
        raise ValidationError({"received_at": "The date received cannot be in the future."})
    if timezone.localtime(received_at).date() < EARLIEST_RECEIPT:
        raise ValidationError({"received_at": "The date received must be in 2005 or later."})


def allocate_reference(received_on: dt.date) -> str:
    """Issue the next reference for the year of receipt, safe under concurrent intake."""
    prefix = settings.FOI_REFERENCE_PREFIX
    sequence, _ = ReferenceSequence.objects.get_or_create(prefix=prefix, year=received_on.year)
    sequence = ReferenceSequence.objects.select_for_update().get(pk=sequence.pk)
    while True:
        sequence.last_number += 1
        reference = f"{prefix}-{received_on.year}-{sequence.last_number:05d}"
        # A reference typed by hand may already have taken this number.
        if not Case.objects.filter(reference=reference).exists():
            break
    sequence.save(update_fields=["last_number"])
    return reference


def _apply_deadline(case: Case, deadline: deadlines.Deadline) -> dict[str, str | None]:
    """Store a computed deadline on the case; return what changed, for the audit event."""
    before = (case.due_on, case.extended_due_on)
    case.due_on = deadline.statutory_due
    case.extended_due_on = deadline.extended_due
    Case.objects.filter(pk=case.pk).update(due_on=case.due_on, extended_due_on=case.extended_due_on)
    if before == (case.due_on, case.extended_due_on):
        return {}
    return {
        "due_on_before": before[0].isoformat() if before[0] else None,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "extended_due_on": case.extended_due_on.isoformat() if case.extended_due_on else None,
    }


@transaction.atomic
def log_request(
    *,
    actor: User,
    requester: RequesterDetails,
    channel: str,
    received_at: dt.datetime,
    regime: str,
    title: str,
    request_text: str,
    questions: list[str],
    is_subject_access: bool = False,
    reference: str = "",
    existing_requester_id: int | None = None,
) -> Case:
    """Log a new request with its questions and compute its statutory due date.

    The requester is a new one with the details typed, unless the officer chose one of
    requester_suggestions (existing_requester_id): never merged by e-mail address alone.
    """
    validate_received_at(received_at)
    texts = [text.strip() for text in questions if text.strip()]
    if not texts:
        raise ValidationError({"questions": "Add at least one question."})
    received_on = timezone.localtime(received_at).date()
    reference = reference.strip()
    if reference and Case.objects.filter(reference=reference).exists():
        raise ValidationError({"reference": f"The reference {reference} is already in use."})
    person = _requester_for(requester, actor=actor, existing_id=existing_requester_id)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                reference=reference or allocate_reference(received_on),
                requester=person,
                channel=channel,
                received_at=received_at,
                regime=regime,
                title=title.strip(),
                request_text=request_text,
                is_subject_access=is_subject_access,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"reference": "That reference was taken a moment ago. Choose another."}
        ) from exc
    Question.objects.bulk_create(
        Question(case=case, number=number, text=text) for number, text in enumerate(texts, start=1)
    )
    deadline = deadline_for(case, events=[])
    _apply_deadline(case, deadline)
    _record(
        case,
        Verb.LOGGED,
        actor=actor,
        reference=case.reference,
        questions=len(texts),
        due_on=case.due_on.isoformat() if case.due_on else None,
        subject_access=is_subject_access,
    )
    return case


@dataclass(frozen=True)
class RequesterSuggestion:
    """An existing requester with this e-mail address, and a case of theirs the officer may open."""

    pk: int
    name: str
    reference: str


MAX_REQUESTER_SUGGESTIONS = 5


def requester_suggestions(email: str, *, user: User) -> list[RequesterSuggestion]:
    """Requesters with this e-mail address, each with the latest case of theirs `user` may open."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        return []
    cases = (
        cases_visible_to(user)
        .filter(requester__email__iexact=email, requester__anonymised_at__isnull=True)
        .order_by("-received_at", "-pk")
        .values_list("requester_id", "requester__name", "reference")
    )
    latest_case: dict[int, RequesterSuggestion] = {}
    for pk, name, reference in cases.iterator():
        latest_case.setdefault(pk, RequesterSuggestion(pk, name, reference))
        if len(latest_case) == MAX_REQUESTER_SUGGESTIONS:
            break
    return list(latest_case.values())


def _requester_for(details: RequesterDetails, *, actor: User, existing_id: int | None) -> Requester:
    if existing_id is not None:
        offered = {s.pk for s in requester_suggestions(details.email, user=actor)}
        if existing_id not in offered:
            raise ValidationError(
                {
                    "existing_requester": "That requester cannot be used for this e-mail "
                    "address. Choose one of the requesters offered, or a new requester."
                }
            )
        return Requester.objects.get(pk=existing_id)
    return Requester.objects.create(
        name=details.name.strip(),
        email=details.email.strip(),
        postal_address=details.postal_address.strip(),
        requester_type=details.requester_type,
    )


@transaction.atomic
def assign_case(case: Case, *, actor: User, assignee: User) -> Case:
    """Assign (or reassign) a case to an FOI officer; a new case moves into progress."""
    if not is_officer(assignee):
        raise ValidationError({"assignee": "Cases can only be assigned to an FOI officer."})
    previous = case.assigned_to
    if case.status == Status.RECEIVED:
        _move(case, Status.IN_PROGRESS, action="assign", assigned_to=assignee)
    elif case.is_open:
        Case.objects.filter(pk=case.pk).update(assigned_to=assignee, updated_at=timezone.now())
        case.assigned_to = assignee
    else:
        raise InvalidTransition("You cannot reassign a case that has been responded to or closed.")
    _record(
        case,
        Verb.ASSIGNED,
        actor=actor,
        assignee=assignee.get_username(),
        previous=previous.get_username() if previous else None,
    )
    notifications.notify_assigned(case, assignee=assignee, actor=actor)
    return case


@transaction.atomic
def set_topics(case: Case, *, actor: User, topics: list[Topic]) -> Case:
    case.topics.set(topics)
    _record(case, Verb.TOPICS_SET, actor=actor, topics=sorted(t.slug for t in topics))
    return case


@transaction.atomic
def set_restricted(case: Case, *, actor: User, restricted: bool, reason: str = "") -> Case:
    """Mark a case need-to-know (or lift it); the assigned officer joins the team."""
    if restricted and not reason.strip():
        raise ValidationError({"reason": "Say why this case needs to be restricted."})
    lifting = case.restricted and not restricted
    if lifting and settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL and not is_manager(actor):
        raise ValidationError(
            {"restricted": "Only a manager can lift the restriction on a need-to-know case."}
        )
    Case.objects.filter(pk=case.pk).update(restricted=restricted, updated_at=timezone.now())
    case.restricted = restricted
    if restricted and case.assigned_to_id:
        case.team.add(case.assigned_to_id)
    _record(case, Verb.RESTRICTION_CHANGED, actor=actor, restricted=restricted, reason=reason)
    return case


def questions_seen_hash(case: Case) -> str:
    """sha256 of the case's questions as they stand: what an edit form was opened on."""
    texts = list(case.questions.order_by("number").values_list("text", flat=True))
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode("utf-8")).hexdigest()


@transaction.atomic
def replace_questions(
    case: Case, *, actor: User, texts: list[str], seen_hash: str | None = None
) -> Case:
    """Edit, merge or add questions before any decision is recorded on them.

    The case row is locked, so two saves at once run one after the other; `seen_hash`
    (from questions_seen_hash when the form was shown) makes the second one a refusal.
    """
    case.status = Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk)
    if seen_hash is not None and seen_hash != questions_seen_hash(case):
        raise ConcurrentUpdate(
            "Someone else changed these questions a moment ago. Reload the page to see the "
            "change, then make yours again."
        )
    if case.status not in (Status.RECEIVED, Status.IN_PROGRESS):
        raise InvalidTransition("Questions can only be changed before the case goes to review.")
    cleaned = [text.strip() for text in texts if text.strip()]
    if not cleaned:
        raise ValidationError({"questions": "Add at least one question."})
    if Question.objects.filter(case=case).exclude(held_status="").exists():
        raise InvalidTransition(
            "Questions already have decisions recorded; edit each question's decision instead."
        )
    case.questions.all().delete()
    Question.objects.bulk_create(
        Question(case=case, number=number, text=text) for number, text in enumerate(cleaned, 1)
    )
    _record(case, Verb.QUESTIONS_EDITED, actor=actor, questions=len(cleaned))
    return case


@transaction.atomic
def record_cost_estimate(
    case: Case,
    *,
    actor: User,
    determining: Decimal,
    locating: Decimal,
    retrieving: Decimal,
    extracting: Decimal,
    notes: str = "",
) -> Case:
    """Record the s12 estimate: hours for the four permitted activities only (reg 4(3))."""
    hours = {
        "hours_determining": determining,
        "hours_locating": locating,
        "hours_retrieving": retrieving,
        "hours_extracting": extracting,
    }
    if any(value < 0 for value in hours.values()):
        raise ValidationError("Hours cannot be negative.")
    Case.objects.filter(pk=case.pk).update(cost_estimate_notes=notes, **hours)
    for name, value in hours.items():
        setattr(case, name, value)
    case.cost_estimate_notes = notes
    estimate = cost_estimate(case)
    _record(
        case,
        Verb.COST_ESTIMATED,
        actor=actor,
        hours=str(estimate.hours),
        cost=str(estimate.cost),
        exceeds_limit=estimate.exceeds_limit,
    )
    return case


@dataclass(frozen=True)
class CostEstimate:
    hours: Decimal
    cost: Decimal
    limit: Decimal
    limit_hours: Decimal
    rate: Decimal = Decimal(25)
    note: str = ""

    @property
    def exceeds_limit(self) -> bool:
        return self.cost > self.limit


# FOISA (SSI 2004/467 regs 3 and 5): £600, staff time at most £15 an hour, and the cost of
# deciding whether the information is held cannot be counted.
FOISA_COST_LIMIT_POUNDS = 600
FOISA_HOURLY_RATE_POUNDS = 15


def cost_estimate(case: Case) -> CostEstimate:
    """The s12 estimate: the permitted activities' hours at the regime's rate, against its limit."""
    if case.regime == Case.Regime.FOISA:
        rate, limit = Decimal(FOISA_HOURLY_RATE_POUNDS), Decimal(FOISA_COST_LIMIT_POUNDS)
        hours = case.cost_hours - case.hours_determining
        note = (
            "FOISA: staff time at £15 an hour against £600; time spent determining whether "
            "the information is held does not count."
        )
    else:
        rate = Decimal(settings.FOI_HOURLY_RATE_POUNDS)
        limit = Decimal(settings.FOI_COST_LIMIT_POUNDS)
        hours, note = case.cost_hours, ""
    return CostEstimate(
        hours=hours,
        cost=hours * rate,
        limit=limit,
        limit_hours=limit / rate,
        rate=rate,
        note=note,
    )


def _recompute_after_clock_event(case: Case) -> tuple[deadlines.Deadline, dict[str, Any]]:
    deadline = deadline_for(case)
    return deadline, _apply_deadline(case, deadline)


@transaction.atomic
def request_clarification(case: Case, *, actor: User, on: dt.date, note: str = "") -> Case:
    """s1(3): ask the requester for what is needed; the clock stops until they answer."""
    _check_event_date(case, on)
    resume_status = case.status
    _move(case, Status.AWAITING_CLARIFICATION, action="ask for clarification on")
    ClockEvent.objects.create(
        case=case,
        kind=ClockEvent.Kind.CLARIFICATION_REQUESTED,
        on=on,
        note=note,
        recorded_by=actor,
    )
    _, changes = _recompute_after_clock_event(case)
    _record(
        case,
        Verb.CLARIFICATION_REQUESTED,
        actor=actor,
        on=on.isoformat(),
        resume_status=resume_status,
        **changes,
    )
    return case


@transaction.atomic
def receive_clarification(case: Case, *, actor: User, on: dt.date, note: str = "") -> Case:
    """The clarification arrived: the 20 working days start again from that day (s10(6)(b))."""
    _check_event_date(case, on)
    requested = (
        case.clock_events.filter(kind=ClockEvent.Kind.CLARIFICATION_REQUESTED)
        .order_by("-on", "-created_at")
        .first()
    )
    if requested and on < requested.on:
        raise ValidationError({"on": "The clarification cannot arrive before it was asked for."})
    back_to = Status.IN_PROGRESS if case.assigned_to_id else Status.RECEIVED
    _move(case, back_to, action="record a clarification on")
    ClockEvent.objects.create(
        case=case, kind=ClockEvent.Kind.CLARIFICATION_RECEIVED, on=on, note=note, recorded_by=actor
    )
    _, changes = _recompute_after_clock_event(case)
    _record(case, Verb.CLARIFICATION_RECEIVED, actor=actor, on=on.isoformat(), **changes)
    return case


@transaction.atomic
def give_fee_notice(
    case: Case, *, actor: User, on: dt.date, amount: Decimal, note: str = ""
) -> Case:
    """s9 fees notice: the clock is paused from this day until the fee arrives (s10(2))."""
    _check_event_date(case, on)
    if amount <= 0:
        raise ValidationError({"amount": "The fee must be more than £0."})
    _move(case, Status.AWAITING_FEE, action="send a fees notice for")
    ClockEvent.objects.create(
        case=case,
        kind=ClockEvent.Kind.FEE_NOTICE_GIVEN,
        on=on,
        note=f"Fee £{amount:.2f}. {note}".strip(),
        recorded_by=actor,
    )
    _, changes = _recompute_after_clock_event(case)
    _record(
        case, Verb.FEE_NOTICE_GIVEN, actor=actor, on=on.isoformat(), amount=str(amount), **changes
    )
    return case


@transaction.atomic
def receive_fee(case: Case, *, actor: User, on: dt.date) -> Case:
    """The fee arrived: both the notice day and this day are disregarded (s10(2))."""
    _check_event_date(case, on)
    notice = (
        case.clock_events.filter(kind=ClockEvent.Kind.FEE_NOTICE_GIVEN)
        .order_by("-on", "-created_at")
        .first()
    )
    if notice and on < notice.on:
        raise ValidationError({"on": "The fee cannot arrive before the fees notice was given."})
    _move(case, Status.IN_PROGRESS, action="record a fee for")
    ClockEvent.objects.create(
        case=case, kind=ClockEvent.Kind.FEE_RECEIVED, on=on, recorded_by=actor
    )
    _, changes = _recompute_after_clock_event(case)
    _record(case, Verb.FEE_RECEIVED, actor=actor, on=on.isoformat(), **changes)
    return case


@transaction.atomic
def extend_for_public_interest(
    case: Case,
    *,
    actor: User,
    notice_on: dt.date,
    estimated_on: dt.date,
    exemptions_cited: str,
    reason: str = "",
) -> list[str]:
    """s10(3) extension with its s17(2) notice; returns the warnings an officer must see."""
    if case.regime != Case.Regime.FOIA:
        raise ValidationError(
            f"{Case.Regime(case.regime).label} has no public interest extension. "
            + (
                "Under the EIR, use regulation 7 for complex and voluminous requests."
                if case.regime == Case.Regime.EIR
                else ""
            )
        )
    if case.status not in (Status.IN_PROGRESS, Status.IN_REVIEW, Status.APPROVED):
        raise InvalidTransition(
            "A public interest extension needs a case in progress with an exemption engaged."
        )
    _check_event_date(case, notice_on, field="notice_on")
    if estimated_on <= notice_on:
        raise ValidationError({"estimated_on": "The estimated date must be after the notice."})
    if not exemptions_cited.strip():
        raise ValidationError(
            {"exemptions_cited": "Name the qualified exemption relied on (s17(2))."}
        )
    ClockEvent.objects.create(
        case=case,
        kind=ClockEvent.Kind.PIT_EXTENSION,
        on=notice_on,
        estimated_decision_on=estimated_on,
        exemptions_cited=exemptions_cited.strip(),
        note=reason,
        recorded_by=actor,
    )
    deadline, changes = _recompute_after_clock_event(case)
    _record(
        case,
        Verb.PIT_EXTENDED,
        actor=actor,
        notice_on=notice_on.isoformat(),
        estimated_on=estimated_on.isoformat(),
        exemptions=exemptions_cited.strip(),
        warnings=list(deadline.warnings),
        **changes,
    )
    return list(deadline.warnings)


@transaction.atomic
def extend_for_complexity(case: Case, *, actor: User, notice_on: dt.date, reason: str) -> list[str]:
    """EIR reg 7: 40 working days for a complex and voluminous request, with the notice."""
    if case.regime != Case.Regime.EIR:
        raise ValidationError("Only EIR requests can be extended under regulation 7.")
    if not case.is_open:
        raise InvalidTransition("This case has been responded to.")
    if case.clock_events.filter(kind=ClockEvent.Kind.EIR_EXTENSION).exists():
        raise ValidationError("This request has already been extended under regulation 7.")
    _check_event_date(case, notice_on, field="notice_on")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the complexity and volume make 20 working days impracticable."}
        )
    if case.due_on is not None and notice_on > case.due_on:
        raise ValidationError(
            {
                "notice_on": "The applicant must be told within 20 working days (reg 7(3)); "
                f"that time ended on {case.due_on:%-d %B %Y}."
            }
        )
    ClockEvent.objects.create(
        case=case,
        kind=ClockEvent.Kind.EIR_EXTENSION,
        on=notice_on,
        note=reason.strip(),
        recorded_by=actor,
    )
    deadline, changes = _recompute_after_clock_event(case)
    _record(
        case,
        Verb.EIR_EXTENDED,
        actor=actor,
        notice_on=notice_on.isoformat(),
        reason=reason.strip(),
        warnings=list(deadline.warnings),
        **changes,
    )
    return list(deadline.warnings)


@transaction.atomic
def set_variation(
    case: Case,
    *,
    actor: User,
    kind: str,
    working_days: int | None = None,
    reference: str = "",
    twentieth_school_day: dt.date | None = None,
) -> list[str]:
    """Record (or clear, with kind "") a statutory variation; the due date follows it."""
    errors: dict[str, str] = {}
    if kind and kind not in dict(deadlines.VARIATION_CHOICES):
        errors["kind"] = "Choose a variation from the list."
    elif kind and case.regime != Case.Regime.FOIA:
        errors["kind"] = "The time for compliance regulations vary FOIA requests only."
    if kind in deadlines.ICO_SPECIFIED:
        if working_days is None or not 20 < working_days <= deadlines.VARIATION_MAX_WORKING_DAYS:
            errors["working_days"] = (
                "Give the working day the ICO specified: after the 20th and no later than the 60th."
            )
        if not reference.strip():
            errors["reference"] = "This variation needs the ICO's agreement: give its reference."
    if kind == deadlines.SCHOOL and twentieth_school_day is not None:
        if twentieth_school_day <= timezone.localtime(case.received_at).date():
            errors["twentieth_school_day"] = "The 20th school day must be after the request."
    if errors:
        raise ValidationError(errors)
    if not case.is_open:
        raise InvalidTransition("This case has been responded to.")
    case.variation = kind
    case.variation_working_days = working_days if kind in deadlines.ICO_SPECIFIED else None
    case.variation_reference = reference.strip() if kind in deadlines.ICO_SPECIFIED else ""
    case.twentieth_school_day = twentieth_school_day if kind == deadlines.SCHOOL else None
    Case.objects.filter(pk=case.pk).update(
        variation=case.variation,
        variation_working_days=case.variation_working_days,
        variation_reference=case.variation_reference,
        twentieth_school_day=case.twentieth_school_day,
    )
    deadline, changes = _recompute_after_clock_event(case)
    _record(
        case,
        Verb.VARIATION_SET,
        actor=actor,
        variation=kind,
        working_days=case.variation_working_days,
        reference=case.variation_reference,
        twentieth_school_day=(
            twentieth_school_day.isoformat() if case.twentieth_school_day else None
        ),
        warnings=list(deadline.warnings),
        **changes,
    )
    return list(deadline.warnings)


@transaction.atomic
def recompute_deadline(case: Case, *, reason: str) -> bool:
    """Recompute after a calendar change; write an event only where the due date moved."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    changes = _apply_deadline(case, deadline_for(case))
    if changes:
        _record(case, Verb.DEADLINE_RECOMPUTED, actor=None, reason=reason, **changes)
    return bool(changes)


def recompute_open_deadlines(*, reason: str) -> int:
    """Recompute every open case's deadline; returns how many moved."""
    from foi_cases import bank_holidays

    bank_holidays.forget_version()  # this runs just after a calendar change: see it now
    moved = 0
    for case_id in Case.objects.open().values_list("pk", flat=True).iterator():
        moved += recompute_deadline(Case(pk=case_id), reason=reason)
    return moved


@transaction.atomic
def close_case(case: Case, *, actor: User, outcome: str, note: str = "") -> Case:
    """Close a case: after a response, or early (withdrawn, lapsed, subject access)."""
    if case.status != Status.RESPONDED and outcome not in (
        Case.Outcome.WITHDRAWN,
        Case.Outcome.LAPSED,
        Case.Outcome.SUBJECT_ACCESS,
    ):
        raise InvalidTransition(
            "Before a response is sent, a case can only close as withdrawn, lapsed or "
            "handled as a subject access request."
        )
    _move(case, Status.CLOSED, action="close", outcome=outcome, closed_at=timezone.now())
    _record(case, Verb.CLOSED, actor=actor, outcome=outcome, note=note)
    return case


# --- Letters ----------------------------------------------------------------------------------
# A letter is composed (a new version), edited, approved by a reviewer who did not write it
# (approval is bound to the sha256 of the exact text), rendered to PDF by a Celery task, and
# recorded as sent. Sending the final response moves the case to RESPONDED and stops the clock.
# Imported here so this block can be appended without touching the imports above.

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402

from foi_cases.models import Letter, LetterSettings  # noqa: E402


def _locked_letter(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update()
        .select_related("case", "case__requester")
        .get(pk=letter.pk)
    )


def _letter_data(letter: Letter, **extra: Any) -> dict[str, Any]:
    return {"letter": letter.pk, "kind": letter.kind, "version": letter.version, **extra}


def _dispatch_render(letter_id: int) -> None:
    """Queue the PDF in the outbox with the approval; it is sent after the commit.

    With the broker down the letter stays PENDING and the approval still succeeds: the
    outbox sweep sends the job once the broker is back.
    """
    from foi_cases import outbox

    outbox.enqueue(
        "foi_cases.tasks.generate_letter_pdf", letter_id, dedupe_key=f"render-letter:{letter_id}"
    )


def queue_letter_render(letter_id: int) -> bool:
    """Send the render task; False (logged) if the broker cannot be reached."""
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import RedisError

    from foi_cases.tasks import generate_letter_pdf

    try:
        generate_letter_pdf.delay(letter_id)
    except (BrokerError, RedisError, ConnectionError) as exc:
        logger.warning("Letter %s left pending, the broker is unreachable: %s", letter_id, exc)
        return False
    return True


def _delete_file_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def compose_letter(case: Case, *, actor: User, kind: str) -> Letter:
    """Compose a new version of a letter from the case as it stands."""
    from foi_cases import letters

    if kind not in Letter.Kind.values:
        raise ValidationError("There is no such kind of letter.")
    if kind == Letter.Kind.FINAL_RESPONSE:
        if case.status != Status.APPROVED:
            current = Status(case.status).label.lower()
            raise InvalidTransition(
                f"The final response is composed once the decisions are approved; this case is "
                f"{current}."
            )
        if not letters.decisions_approved(case):
            raise InvalidTransition("A reviewer must approve the decisions first.")
    elif kind != Letter.Kind.INTERNAL_REVIEW and not case.is_open:
        raise InvalidTransition("This case has been responded to; only a review letter can follow.")
    composition = letters.compose(case, kind)
    latest = Letter.objects.filter(case=case, kind=kind).order_by("-version").first()
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                case=case,
                kind=kind,
                version=(latest.version + 1) if latest else 1,
                dated=timezone.localdate(),
                frame=letters.frame_for(case, LetterSettings.load()),
                body=composition.body,
                decisions_hash=composition.decisions_hash,
                composed_from=letters.composed_from(case, kind),
                composed_by=actor,
            )
    except IntegrityError as exc:
        raise ConcurrentUpdate(
            "Someone composed this letter a moment ago. Reload the page to see it."
        ) from exc
    _record(
        case, Verb.LETTER_COMPOSED, actor=actor, **_letter_data(letter, hash=letter.content_hash)
    )
    return letter


@transaction.atomic
def edit_letter(
    letter: Letter, *, actor: User, body: str, dated: dt.date, seen_hash: str
) -> Letter:
    """Change a letter's text; an edit after approval withdraws the approval and its PDF."""
    from foi_cases import letters

    letter = _locked_letter(letter)
    if letter.is_sent:
        raise InvalidTransition("This letter has been sent. Compose a new version instead.")
    if seen_hash != letter.content_hash:
        raise ConcurrentUpdate(
            "Someone changed this letter after you opened it. Reload the page, then make your "
            "change again."
        )
    body = letters.normalise_body(body)
    if not body:
        raise ValidationError({"body": "Enter the text of the letter."})
    if len(body) > letters.MAX_BODY_CHARACTERS:
        raise ValidationError(
            {"body": f"The letter must be at most {letters.MAX_BODY_CHARACTERS:,} characters."}
        )
    if body == letter.body and dated == letter.dated:
        return letter
    withdrawn = bool(letter.approved_hash)
    _delete_file_after_commit(letter.pdf.name)
    letter.body, letter.dated = body, dated
    letter.edited_by, letter.edited_at = actor, timezone.now()
    letter.status = Letter.Status.DRAFT
    letter.reviewed_by, letter.reviewed_at = None, None
    letter.approved_by, letter.approved_at, letter.approved_hash = None, None, ""
    letter.override_reason, letter.overridden_problems, letter.failure_reason = "", [], ""
    letter.pdf, letter.pdf_sha256, letter.pdf_pages, letter.pdf_size = "", "", None, None
    letter.rendered_at = None
    letter.save()
    verb = Verb.APPROVAL_WITHDRAWN if withdrawn else Verb.LETTER_COMPOSED
    _record(
        letter.case,
        verb,
        actor=actor,
        **_letter_data(letter, edited=True, hash=letter.content_hash),
    )
    return letter


@transaction.atomic
def submit_letter_for_review(
    letter: Letter, *, actor: User, reviewer: User | None = None
) -> Letter:
    """Send a draft letter for approval: to a chosen reviewer, or to the review queue.

    A chosen reviewer must be independent of the letter and the decisions behind it, and
    joins a restricted case's team.
    """
    from foi_cases import team
    from foi_cases.permissions import can_edit_case

    letter = _locked_letter(letter)
    case = letter.case
    if not can_edit_case(actor, case):
        raise PermissionDenied(
            "Only the case's officer or a manager can send a letter for approval."
        )
    if letter.status != Letter.Status.DRAFT or letter.is_sent:
        raise InvalidTransition("Only a draft letter can be sent for approval.")
    if letter.waits_for_review:
        raise InvalidTransition("This letter is already waiting for approval.")
    letter.submitted_by, letter.submitted_at = actor, timezone.now()
    letter.returned_by, letter.returned_at, letter.return_comments = None, None, ""
    letter.needs_manager_approval = case.needs_manager_clearance
    letter.reviewer = None
    if reviewer is not None:
        team.check_allocation(case, actor=actor, reviewer=reviewer, work=letter, at_submission=True)
        letter.reviewer = reviewer
    letter.save()
    _record(
        case,
        Verb.LETTER_SUBMITTED,
        actor=actor,
        **_letter_data(
            letter,
            hash=letter.content_hash,
            reviewer=reviewer.get_username() if reviewer else None,
            added_to_team=bool(reviewer and team.join_if_restricted(case, reviewer)),
            needs_manager_approval=letter.needs_manager_approval,
        ),
    )
    notifications.notify_letter_waiting(letter, actor=actor)
    return letter


def _refuse_letter_reviewer(letter: Letter, actor: User) -> None:
    """At the reviewer's stage: an independent reviewer, the allocated one if any."""
    from foi_cases.permissions import is_reviewer, may_review

    if not is_reviewer(actor):
        raise PermissionDenied("Only a reviewer can approve or return a letter.")
    if not may_review(actor, letter.case, work=letter):
        raise ValidationError(
            "You composed or edited this letter, wrote the decisions behind it or are the "
            "case's officer, so another reviewer must approve it."
        )
    if letter.reviewer_id not in (None, actor.pk):
        raise ValidationError(
            "This letter is allocated to another reviewer; a manager can reallocate it."
        )


def _refuse_letter_second_approver(letter: Letter, actor: User) -> None:
    from foi_cases.permissions import may_second_approve

    if not is_manager(actor):
        raise PermissionDenied("This restricted case's letter needs a manager's second approval.")
    if not may_second_approve(
        actor, letter.case, work=letter, first_approver_id=letter.reviewed_by_id
    ):
        raise ValidationError(
            "You took part in this letter, its decisions or its first approval, so another "
            "manager must give the second approval."
        )


def may_act_on_letter(user: User, letter: Letter) -> bool:
    """Whether `approve_letter` and `return_letter` would let this user act on the letter now."""
    if letter.is_sent or letter.status not in (Letter.Status.DRAFT, Letter.Status.AWAITING_MANAGER):
        return False
    try:
        if letter.status == Letter.Status.AWAITING_MANAGER:
            _refuse_letter_second_approver(letter, user)
        else:
            _refuse_letter_reviewer(letter, user)
    except (PermissionDenied, ValidationError):
        return False
    return letter.status == Letter.Status.AWAITING_MANAGER or letter.returned_at is None


@transaction.atomic
def approve_letter(
    letter: Letter, *, actor: User, seen_hash: str, override_reason: str = ""
) -> Letter:
    """Approve the exact text the reviewer read, then render its PDF after the commit.

    1. Only an independent reviewer (`permissions.may_review`; the allocated one, if any)
       may approve a draft. A letter returned for redraft must be sent again first.
    2. The text must be the one the reviewer saw (its sha256), and a final response must
       still match the approved decisions.
    3. The s17 completeness check must pass, or the reviewer records why it is overridden.
    4. On a restricted case needing manager clearance the reviewer's approval waits for a
       manager's second approval (AWAITING_MANAGER), and only that renders the PDF.
    """
    from foi_cases import letters

    letter = _locked_letter(letter)
    if letter.is_sent or letter.status not in (Letter.Status.DRAFT, Letter.Status.AWAITING_MANAGER):
        raise InvalidTransition("This letter is already approved.")
    second = letter.status == Letter.Status.AWAITING_MANAGER
    if second:
        _refuse_letter_second_approver(letter, actor)
    else:
        _refuse_letter_reviewer(letter, actor)
        if letter.returned_at is not None:
            raise InvalidTransition(
                "This letter was returned for redraft: the officer must send it for approval again."
            )
    if seen_hash != letter.content_hash:
        raise ConcurrentUpdate(
            "The letter changed after you opened it. Read the new version, then approve it."
        )
    stale = letters.stale_reason(letter)
    if stale:
        raise InvalidTransition(stale)
    problems = letters.check_letter(letter)
    override_reason = override_reason.strip()
    if second:
        problems, override_reason = letter.overridden_problems, letter.override_reason
    elif problems and not override_reason:
        raise ValidationError(
            ["Fix these before approval, or give a reason to approve anyway:", *problems]
        )
    needs_manager = letter.needs_manager_approval or (
        letter.submitted_at is None and letter.case.needs_manager_clearance
    )
    final = second or not needs_manager
    now = timezone.now()
    if final:
        letter.status = Letter.Status.PENDING
        letter.approved_by, letter.approved_at = actor, now
        letter.approved_hash = letter.content_hash
    else:
        letter.status = Letter.Status.AWAITING_MANAGER
        letter.reviewed_by, letter.reviewed_at = actor, now
        letter.needs_manager_approval = True
    letter.override_reason = override_reason if problems else ""
    letter.overridden_problems = problems
    letter.failure_reason = ""
    letter.save()
    _record(
        letter.case,
        Verb.LETTER_APPROVED,
        actor=actor,
        **_letter_data(
            letter,
            hash=letter.content_hash,
            stage="manager" if second else "reviewer",
            final=final,
            overridden=problems,
            override_reason=letter.override_reason,
        ),
    )
    if letter.submitted_at is not None:
        # Who sent it for approval hears back; a letter approved straight from its page
        # (never sent to the queue) has no one waiting on it.
        notifications.notify_letter_approved(letter, actor=actor, final=final)
    if final:
        _dispatch_render(letter.pk)
    return letter


@transaction.atomic
def return_letter(letter: Letter, *, actor: User, comments: str, seen_hash: str) -> Letter:
    """Send a letter back to the officer for redraft, saying what to change."""
    letter = _locked_letter(letter)
    if letter.is_sent or letter.status not in (Letter.Status.DRAFT, Letter.Status.AWAITING_MANAGER):
        raise InvalidTransition("Only a letter waiting for approval can be returned.")
    if letter.status == Letter.Status.AWAITING_MANAGER:
        _refuse_letter_second_approver(letter, actor)
    else:
        _refuse_letter_reviewer(letter, actor)
        if not letter.waits_for_review:
            raise InvalidTransition("This letter is not waiting for approval.")
    if not comments.strip():
        raise ValidationError({"comments": "Say what needs redrafting."})
    if seen_hash != letter.content_hash:
        raise ConcurrentUpdate(
            "The letter changed after you opened it. Read the new version first."
        )
    letter.status = Letter.Status.DRAFT
    letter.reviewed_by, letter.reviewed_at = None, None
    letter.returned_by, letter.returned_at = actor, timezone.now()
    letter.return_comments = comments.strip()
    letter.save()
    _record(
        letter.case,
        Verb.LETTER_RETURNED,
        actor=actor,
        **_letter_data(letter, comments=letter.return_comments, hash=letter.content_hash),
    )
    notifications.notify_letter_returned(letter, actor=actor)
    return letter


@transaction.atomic
def retry_letter_render(letter: Letter, *, actor: User) -> Letter:
    """Queue a failed PDF again; the render's own event records how it went."""
    letter = _locked_letter(letter)
    if letter.status != Letter.Status.FAILED or not letter.is_approved:
        raise InvalidTransition("Only an approved letter whose PDF failed can be tried again.")
    letter.status = Letter.Status.PENDING
    letter.save(update_fields=["status"])
    _dispatch_render(letter.pk)
    return letter


def record_letter_rendered(letter_id: int, *, pdf: Any) -> bool:
    """Store an approved letter's PDF and record it; False if another run already did.

    `pdf` is a letters.RenderedPdf. The row lock and the status check make a second run (a
    redelivered task) a no-op, and the stable file name means a crashed run is overwritten.
    """
    from foi_cases import letters

    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update()
            .select_related("case")
            .filter(pk=letter_id, status=Letter.Status.PENDING)
            .first()
        )
        if letter is None or not letter.is_approved:
            return False
        name = letters.pdf_name(letter, pdf.sha256)
        if default_storage.exists(name):
            default_storage.delete(name)
        letter.pdf.name = default_storage.save(name, ContentFile(pdf.data))
        letter.pdf_sha256, letter.pdf_pages, letter.pdf_size = pdf.sha256, pdf.pages, pdf.size
        letter.rendered_at = timezone.now()
        letter.status = Letter.Status.READY
        letter.failure_reason = ""
        letter.save()
        _record(
            letter.case,
            Verb.LETTER_RENDERED,
            actor=None,
            **_letter_data(letter, sha256=pdf.sha256, pages=pdf.pages, size=pdf.size),
        )
    return True


@transaction.atomic
def record_letter_failed(letter_id: int, *, reason: str) -> bool:
    """Mark a letter's PDF as failed with the reason, so an officer can retry it."""
    letter = (
        Letter.objects.select_for_update()
        .select_related("case")
        .filter(pk=letter_id, status=Letter.Status.PENDING)
        .first()
    )
    if letter is None:
        return False
    letter.status = Letter.Status.FAILED
    letter.failure_reason = reason[:2000]
    letter.save(update_fields=["status", "failure_reason"])
    _record(
        letter.case, Verb.LETTER_FAILED, actor=None, **_letter_data(letter, reason=reason[:500])
    )
    return True


@transaction.atomic
def record_letter_sent(
    letter: Letter, *, actor: User, sent_at: dt.datetime, via: str, note: str = ""
) -> Letter:
    """Record when and how a letter went out; the final response moves the case to RESPONDED."""
    from foi_cases import letters

    letter = _locked_letter(letter)
    case = letter.case
    if letter.is_sent:
        sent_on = timezone.localtime(letter.sent_at)
        raise InvalidTransition(f"This letter was already recorded as sent on {sent_on:%d %B %Y}.")
    if letter.status != Letter.Status.READY or not letter.is_approved:
        raise InvalidTransition("Only an approved letter with its PDF ready can be sent.")
    stale = letters.stale_reason(letter)
    if stale:
        raise InvalidTransition(stale)
    if via not in Letter.Via.values:
        raise ValidationError({"via": "Choose how the letter was sent."})
    if timezone.is_naive(sent_at):
        raise ValidationError({"sent_at": "Give the time the letter was sent."})
    if sent_at > timezone.now():
        raise ValidationError({"sent_at": "The date sent cannot be in the future."})
    if letter.approved_at and sent_at < letter.approved_at.replace(second=0, microsecond=0):
        raise ValidationError({"sent_at": "The letter cannot be sent before it was approved."})
    if letter.kind == Letter.Kind.FINAL_RESPONSE:
        fields: dict[str, Any] = {"responded_at": sent_at}
        if not case.outcome:
            fields["outcome"] = letters.case_outcome(letters.answers_for(case))
        _move(case, Status.RESPONDED, action="send the final response for", **fields)
    letter.sent_at, letter.sent_via, letter.sent_by = sent_at, via, actor
    letter.sent_note = note.strip()[:500]
    letter.save(update_fields=["sent_at", "sent_via", "sent_by", "sent_note"])
    _record(
        case,
        Verb.RESPONSE_SENT,
        actor=actor,
        **_letter_data(letter, via=via, sent_at=sent_at.isoformat(), sha256=letter.pdf_sha256),
    )
    return letter
