"""Logging a request and triage: requesters, assignment, topics, restriction, questions,
the cost estimate, and closing a case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from foi_cases import notifications
from foi_cases.clock import deadline_for
from foi_cases.consistency import ledger
from foi_cases.models import Case, CaseEvent, Question, ReferenceSequence, Requester, Topic
from foi_cases.permissions import cases_visible_to, is_manager, is_officer
from foi_cases.workflow import core
from foi_cases.workflow.core import ConcurrentUpdate, InvalidTransition

Status = Case.Status
Verb = CaseEvent.Verb
User = User

EARLIEST_RECEIPT = dt.date(2005, 1, 1)


@dataclass(frozen=True)
class RequesterDetails:
    name: str
    email: str = ""
    postal_address: str = ""
    requester_type: str = Requester.Type.PUBLIC


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
    received_time_recorded: bool = True,
    preferred_format: str = "",
) -> Case:
    """Log a new request with its questions and compute its statutory due date.

    received_time_recorded is False when only the day is known (received_at is midnight).

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
                received_time_recorded=received_time_recorded,
                regime=regime,
                title=title.strip(),
                request_text=request_text,
                is_subject_access=is_subject_access,
                preferred_format=preferred_format,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"reference": "That reference was taken a moment ago. Choose another."}
        ) from exc
    Question.objects.bulk_create(
        Question(case=case, number=number, text=text) for number, text in enumerate(texts, start=1)
    )
    ledger.recognise_case(case)
    deadline = deadline_for(case, events=[])
    core.apply_deadline(case, deadline)
    core.record(
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
        core.move(case, Status.IN_PROGRESS, action="assign", assigned_to=assignee)
    elif case.is_open:
        Case.objects.filter(pk=case.pk).update(assigned_to=assignee, updated_at=timezone.now())
        case.assigned_to = assignee
    else:
        raise InvalidTransition("You cannot reassign a case that has been responded to or closed.")
    core.record(
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
    core.record(case, Verb.TOPICS_SET, actor=actor, topics=sorted(t.slug for t in topics))
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
    core.record(case, Verb.RESTRICTION_CHANGED, actor=actor, restricted=restricted, reason=reason)
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
    ledger.recognise_case(case)
    core.record(case, Verb.QUESTIONS_EDITED, actor=actor, questions=len(cleaned))
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
    core.record(
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
    core.move(case, Status.CLOSED, action="close", outcome=outcome, closed_at=timezone.now())
    core.record(case, Verb.CLOSED, actor=actor, outcome=outcome, note=note)
    return case
