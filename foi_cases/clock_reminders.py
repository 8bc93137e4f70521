"""Reminders for the clocks besides the response deadline, sent with the daily digest.

* An internal review's target date (20 working days) coming up or passed.
* Steps a decision notice requires, due within the ICO's 35 days.
* The 28-day window to appeal a decision notice to the tribunal, closing.
* A fee not paid: the requester has three months from the fees notice (FOIA s9(2), FOISA
  s9(4)); the reminder comes as the three months end.
* A clarification not received within 20 working days of asking: the request lapses, and with
  `CLARIFICATION_LAPSE_CLOSES` on the case is closed as lapsed by the system.

Each reminder goes to the case's officer and the managers (the internal review's also to its
reviewer), and to the case's watchers who can open it. It is recorded in `ReminderSent` against
the date it is about, so a second run, or a run after a missed day, tells no one twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from foi_cases import deadlines, notifications, workflow
from foi_cases.bank_holidays import calendar_for
from foi_cases.date_words import long_date
from foi_cases.models import Case, ClockEvent, ICOComplaint, InternalReview
from foi_cases.notifications import Notice
from foi_cases.permissions import MANAGER

Kind = notifications.Kind


def fee_due_on(notice_on: dt.date) -> dt.date:
    """The last day to pay: three months beginning with the day the notice was given."""
    return deadlines.fee_payment_due(notice_on)


def clarification_lapses_on(regime: str, asked_on: dt.date) -> dt.date:
    """The 20th working day after asking: without an answer by then the request lapses."""
    return deadlines.clarification_lapse_date(asked_on, calendar_for(regime))


def _words(case: Case) -> str:
    return notifications._case_words(case)


def _when(regime: str, due: dt.date, today: dt.date) -> str:
    calendar = calendar_for(regime)
    if due < today:
        late = calendar.working_days_between(due, today)
        return f"was due on {long_date(due)} ({late} working day{'s' if late != 1 else ''} ago)"
    left = calendar.working_days_between(today, due)
    return f"is due on {long_date(due)} ({left} working day{'s' if left != 1 else ''} left)"


def _soon(regime: str, due: dt.date, today: dt.date) -> bool:
    return due <= calendar_for(regime).add_working_days(today, deadlines.DUE_SOON_WORKING_DAYS)


def _people(case: Case, managers: list[int], *extra: int | None) -> list[int]:
    people = {*managers, case.assigned_to_id, *extra}
    return sorted(pk for pk in people if pk is not None)


def _review_notices(today: dt.date, managers: list[int]) -> Iterator[Notice]:
    for review in InternalReview.objects.open().select_related("case"):
        case, due = review.case, review.target_due_on
        if not _soon(case.regime, due, today):
            continue
        message = f"The internal review of {_words(case)} {_when(case.regime, due, today)}."
        for pk in _people(case, managers, review.reviewer_id):
            yield Notice(pk, case.pk, Kind.REVIEW_DUE, message, due)


def _ico_notices(today: dt.date, managers: list[int]) -> Iterator[Notice]:
    complaints = ICOComplaint.objects.filter(decision_notice_on__isnull=False).select_related(
        "case"
    )
    for complaint in complaints.prefetch_related("appeals"):
        case = complaint.case
        steps_due = complaint.steps_due_on
        if (
            steps_due
            and complaint.steps_complied_on is None
            and _soon(case.regime, steps_due, today)
        ):
            message = (
                f"The steps the ICO's decision notice ({complaint.ico_reference}) requires on "
                f"{_words(case)} {_when(case.regime, steps_due, today)}."
            )
            for pk in _people(case, managers):
                yield Notice(pk, case.pk, Kind.ICO_STEPS_DUE, message, steps_due)
        appeal_due = complaint.appeal_due_on
        if (
            appeal_due
            and today <= appeal_due
            and not complaint.appeals.all()
            and _soon(case.regime, appeal_due, today)
        ):
            message = (
                f"The window to appeal the ICO's decision notice ({complaint.ico_reference}) on "
                f"{_words(case)} to the tribunal closes on {long_date(appeal_due)}."
            )
            for pk in _people(case, managers):
                yield Notice(pk, case.pk, Kind.APPEAL_WINDOW, message, appeal_due)


def _last_event_on(cases: Iterable[Case], kind: str) -> dict[int, dt.date]:
    latest: dict[int, dt.date] = {}
    rows = ClockEvent.objects.filter(case__in=cases, kind=kind).values_list("case_id", "on")
    for case_id, on in rows:
        latest[case_id] = max(on, latest.get(case_id, on))
    return latest


def _fee_notices(today: dt.date, managers: list[int]) -> Iterator[Notice]:
    cases = list(Case.objects.filter(status=Case.Status.AWAITING_FEE))
    notice_on = _last_event_on(cases, ClockEvent.Kind.FEE_NOTICE_GIVEN)
    for case in cases:
        if case.pk not in notice_on:
            continue
        due = fee_due_on(notice_on[case.pk])
        if not _soon(case.regime, due, today):
            continue
        if due < today:
            message = (
                f"The fee for {_words(case)} was not paid by {long_date(due)}, three months "
                "after the fees notice: the request can be closed as lapsed."
            )
        else:
            message = f"The fee for {_words(case)} {_when(case.regime, due, today)}."
        for pk in _people(case, managers):
            yield Notice(pk, case.pk, Kind.FEE_DUE, message, due)


def lapsed_clarifications(today: dt.date) -> list[tuple[Case, dt.date]]:
    """Cases still awaiting a clarification 20 working days after it was asked for."""
    cases = list(Case.objects.filter(status=Case.Status.AWAITING_CLARIFICATION))
    asked = _last_event_on(cases, ClockEvent.Kind.CLARIFICATION_REQUESTED)
    found = []
    for case in cases:
        if case.pk in asked:
            lapses_on = clarification_lapses_on(case.regime, asked[case.pk])
            if lapses_on < today:
                found.append((case, lapses_on))
    return found


def _clarification_notices(
    lapsed: list[tuple[Case, dt.date]], managers: list[int], *, closes: bool
) -> Iterator[Notice]:
    for case, lapses_on in lapsed:
        then = "it was closed as lapsed" if closes else "it can be closed as lapsed"
        message = (
            f"No clarification of {_words(case)} arrived within 20 working days (by "
            f"{long_date(lapses_on)}): the request has lapsed and {then}."
        )
        for pk in _people(case, managers):
            yield Notice(pk, case.pk, Kind.CLARIFICATION_LAPSED, message, lapses_on)


def send_clock_reminders(today: dt.date | None = None) -> int:
    """Record and e-mail every reminder owed today; close lapsed requests if so configured.

    Returns how many notifications were recorded. Safe to run again the same day.
    """
    today = today or timezone.localdate()
    managers = list(
        get_user_model()
        .objects.filter(groups__name=MANAGER, is_active=True)
        .values_list("pk", flat=True)
    )
    closes = settings.CLARIFICATION_LAPSE_CLOSES
    lapsed = lapsed_clarifications(today)
    notices: list[Notice] = [
        *_review_notices(today, managers),
        *_ico_notices(today, managers),
        *_fee_notices(today, managers),
        *_clarification_notices(lapsed, managers, closes=closes),
    ]
    if closes:
        for case, lapses_on in lapsed:
            _close_lapsed(case, lapses_on)
    by_user: dict[int, list[Notice]] = defaultdict(list)
    for notice in notices:
        by_user[notice.user_id].append(notice)
    sent = 0
    for owed in by_user.values():
        with transaction.atomic():
            sent += len(notifications.record_notices(owed))
    return sent


def _close_lapsed(case: Any, lapses_on: dt.date) -> None:
    """Close a lapsed request as the system; someone acting on it meanwhile wins."""
    try:
        with transaction.atomic():
            workflow.close_case(
                case,
                actor=None,  # type: ignore[arg-type]
                outcome=Case.Outcome.LAPSED,
                note=f"No clarification within 20 working days (by {long_date(lapses_on)}).",
            )
    except (workflow.InvalidTransition, workflow.ConcurrentUpdate):
        pass  # its status changed since it was read: nothing to close
