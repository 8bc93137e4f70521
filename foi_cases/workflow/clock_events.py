"""Events that stop, restart or extend the statutory clock: clarification, fees, the
public interest and complexity extensions, variations, and recomputing due dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from foi_cases import bank_holidays, deadlines
from foi_cases.clock import deadline_for
from foi_cases.models import Case, CaseEvent, ClockEvent
from foi_cases.workflow import core
from foi_cases.workflow.core import InvalidTransition

Status = Case.Status
Verb = CaseEvent.Verb
User = User

# s10(3) extends the time to consider the public interest, so only while decisions are made.
PIT_EXTENSION_STATUSES = (Status.IN_PROGRESS, Status.IN_REVIEW, Status.APPROVED)


def _recompute_after_clock_event(case: Case) -> tuple[deadlines.Deadline, dict[str, Any]]:
    deadline = deadline_for(case)
    return deadline, core.apply_deadline(case, deadline)


@transaction.atomic
def request_clarification(case: Case, *, actor: User, on: dt.date, note: str = "") -> Case:
    """s1(3): ask the requester for what is needed; the clock stops until they answer."""
    core.check_event_date(case, on)
    resume_status = case.status
    core.move(case, Status.AWAITING_CLARIFICATION, action="ask for clarification on")
    ClockEvent.objects.create(
        case=case,
        kind=ClockEvent.Kind.CLARIFICATION_REQUESTED,
        on=on,
        note=note,
        recorded_by=actor,
    )
    _, changes = _recompute_after_clock_event(case)
    core.record(
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
    core.check_event_date(case, on)
    requested = (
        case.clock_events.filter(kind=ClockEvent.Kind.CLARIFICATION_REQUESTED)
        .order_by("-on", "-created_at")
        .first()
    )
    if requested and on < requested.on:
        raise ValidationError({"on": "The clarification cannot arrive before it was asked for."})
    back_to = Status.IN_PROGRESS if case.assigned_to_id else Status.RECEIVED
    core.move(case, back_to, action="record a clarification on")
    ClockEvent.objects.create(
        case=case, kind=ClockEvent.Kind.CLARIFICATION_RECEIVED, on=on, note=note, recorded_by=actor
    )
    _, changes = _recompute_after_clock_event(case)
    core.record(case, Verb.CLARIFICATION_RECEIVED, actor=actor, on=on.isoformat(), **changes)
    return case


@transaction.atomic
def give_fee_notice(
    case: Case, *, actor: User, on: dt.date, amount: Decimal, note: str = ""
) -> Case:
    """s9 fees notice: the clock is paused from this day until the fee arrives (s10(2))."""
    core.check_event_date(case, on)
    if amount <= 0:
        raise ValidationError({"amount": "The fee must be more than £0."})
    core.move(case, Status.AWAITING_FEE, action="send a fees notice for")
    ClockEvent.objects.create(
        case=case,
        kind=ClockEvent.Kind.FEE_NOTICE_GIVEN,
        on=on,
        note=f"Fee £{amount:.2f}. {note}".strip(),
        recorded_by=actor,
    )
    _, changes = _recompute_after_clock_event(case)
    core.record(
        case, Verb.FEE_NOTICE_GIVEN, actor=actor, on=on.isoformat(), amount=str(amount), **changes
    )
    return case


@transaction.atomic
def receive_fee(case: Case, *, actor: User, on: dt.date) -> Case:
    """The fee arrived: both the notice day and this day are disregarded (s10(2))."""
    core.check_event_date(case, on)
    notice = (
        case.clock_events.filter(kind=ClockEvent.Kind.FEE_NOTICE_GIVEN)
        .order_by("-on", "-created_at")
        .first()
    )
    if notice and on < notice.on:
        raise ValidationError({"on": "The fee cannot arrive before the fees notice was given."})
    core.move(case, Status.IN_PROGRESS, action="record a fee for")
    ClockEvent.objects.create(
        case=case, kind=ClockEvent.Kind.FEE_RECEIVED, on=on, recorded_by=actor
    )
    _, changes = _recompute_after_clock_event(case)
    core.record(case, Verb.FEE_RECEIVED, actor=actor, on=on.isoformat(), **changes)
    return case


def public_interest_extension_available(case: Case) -> bool:
    """Whether a s10(3) extension can be recorded now: a FOIA case whose decisions are open."""
    return case.regime == Case.Regime.FOIA and case.status in PIT_EXTENSION_STATUSES


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
    if case.status not in PIT_EXTENSION_STATUSES:
        raise InvalidTransition(
            "A public interest extension needs a case in progress with an exemption engaged."
        )
    core.check_event_date(case, notice_on, field="notice_on")
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
    core.record(
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
    core.check_event_date(case, notice_on, field="notice_on")
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
    core.record(
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
    core.record(
        case,
        Verb.VARIATION_SET,
        actor=actor,
        variation=kind,
        working_days=case.variation_working_days,
        reference=case.variation_reference,
        twentieth_school_day=(
            case.twentieth_school_day.isoformat() if case.twentieth_school_day else None
        ),
        warnings=list(deadline.warnings),
        **changes,
    )
    return list(deadline.warnings)


@transaction.atomic
def recompute_deadline(case: Case, *, reason: str) -> bool:
    """Recompute after a calendar change; write an event only where the due date moved."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    changes = core.apply_deadline(case, deadline_for(case))
    if changes:
        core.record(case, Verb.DEADLINE_RECOMPUTED, actor=None, reason=reason, **changes)
    return bool(changes)


def recompute_open_deadlines(*, reason: str) -> int:
    """Recompute every open case's deadline; returns how many moved."""
    bank_holidays.forget_version()  # this runs just after a calendar change: see it now
    moved = 0
    for case_id in Case.objects.open().values_list("pk", flat=True).iterator():
        moved += recompute_deadline(Case(pk=case_id), reason=reason)
    return moved


def _overdue_recorded(case_ids: list[int]) -> set[tuple[int, str]]:
    """(case, due date) pairs already marked overdue by an OVERDUE event."""
    events = CaseEvent.objects.filter(case_id__in=case_ids, verb=Verb.OVERDUE)
    return {(case_id, data.get("due")) for case_id, data in events.values_list("case_id", "data")}


@transaction.atomic
def record_overdue(case: Case, *, today: dt.date) -> bool:
    """Write one OVERDUE event for a case that passed its current due date unanswered.

    Locks the case and re-checks both that it is overdue and that this due date has no
    OVERDUE event yet, so a second (or concurrent) run writes nothing. An extended due date
    that later passes is a new due date, so it is recorded once more.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    due = case.current_due_on
    if due is None or not Case.objects.filter(pk=case.pk).overdue(today).exists():
        return False
    if (case.pk, due.isoformat()) in _overdue_recorded([case.pk]):
        return False
    late = bank_holidays.calendar_for(case.regime).working_days_between(due, today)
    core.record(case, Verb.OVERDUE, actor=None, due=due.isoformat(), working_days_late=late)
    return True


def record_overdue_cases(today: dt.date | None = None) -> int:
    """Mark every case that became overdue since the last run; returns how many were marked.

    Two queries when nothing is new (the overdue cases, their OVERDUE events); then one
    short transaction per newly overdue case.
    """
    today = today or timezone.localdate()
    overdue = [
        (case.pk, case.current_due_on)
        for case in Case.objects.overdue(today).only("pk", "due_on", "extended_due_on")
    ]
    seen = _overdue_recorded([pk for pk, _ in overdue])
    marked = 0
    for pk, due in overdue:
        if due is not None and (pk, due.isoformat()) not in seen:
            marked += record_overdue(Case(pk=pk), today=today)
    return marked
