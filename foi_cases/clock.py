"""The bridge between a case's recorded clock events and the pure deadline engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from foi_cases import deadlines
from foi_cases.bank_holidays import calendar_for
from foi_cases.models import Case, ClockEvent, SuspensionPeriod


def _pairs(
    events: Iterable[ClockEvent], opens: str, closes: str
) -> list[tuple[dt.date, dt.date | None]]:
    """Pair each opening event with the closing event that follows it (None while still open)."""
    pairs: list[tuple[dt.date, dt.date | None]] = []
    for event in events:
        if event.kind == opens:
            pairs.append((event.on, None))
        elif event.kind == closes and pairs and pairs[-1][1] is None:
            pairs[-1] = (pairs[-1][0], event.on)
    return pairs


def suspension_periods() -> list[tuple[dt.date, dt.date, str]]:
    return [
        (period.first_day, period.last_day, period.reason)
        for period in SuspensionPeriod.objects.order_by("first_day")
    ]


def deadline_for(
    case: Case,
    *,
    events: list[ClockEvent] | None = None,
    suspensions: list[tuple[dt.date, dt.date, str]] | None = None,
) -> deadlines.Deadline:
    """Compute a case's deadline from its receipt, clock events and the holiday calendar."""
    if events is None:
        events = list(case.clock_events.order_by("on", "created_at"))
    if suspensions is None:
        suspensions = suspension_periods()
    # Without a recorded time only the day is known; the explanation then gives no time.
    received: dt.date | dt.datetime = (
        case.received_at
        if case.received_time_recorded
        else timezone.localtime(case.received_at).date()
    )
    return deadlines.compute_deadline(
        received=received,
        regime=case.regime,
        calendar=calendar_for(case.regime),
        clarifications=_pairs(
            events,
            ClockEvent.Kind.CLARIFICATION_REQUESTED,
            ClockEvent.Kind.CLARIFICATION_RECEIVED,
        ),
        fee_pauses=_pairs(events, ClockEvent.Kind.FEE_NOTICE_GIVEN, ClockEvent.Kind.FEE_RECEIVED),
        suspensions=suspensions,
        pit_extensions=[
            (event.on, event.estimated_decision_on)
            for event in events
            if event.kind == ClockEvent.Kind.PIT_EXTENSION and event.estimated_decision_on
        ],
        eir_extensions=[e.on for e in events if e.kind == ClockEvent.Kind.EIR_EXTENSION],
        variation=variation_of(case),
        non_working_day_receipt_policy=settings.FOI_NON_WORKING_DAY_RECEIPT_POLICY,
    )


def variation_of(case: Case) -> deadlines.Variation | None:
    """The statutory variation the case carries, in the form the deadline arithmetic takes."""
    if not case.variation:
        return None
    return deadlines.Variation(
        kind=case.variation,
        working_days=case.variation_working_days,
        twentieth_school_day=case.twentieth_school_day,
        reference=case.variation_reference,
    )
