"""Who is in a report's cohort and how Cabinet Office Table 3 classes each request.

Plain queryset expressions over the case table, shared by the statistics, the dashboard and
the day rows that hold the dashboard's period figures (`reporting.daily`), so all three
count alike.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from foi_cases.models import Case

LONDON = ZoneInfo("Europe/London")
STATUTORY_WORKING_DAYS = 20


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, LONDON)


def received(first: dt.date, last: dt.date) -> Q:
    """Received from `first` to `last` inclusive (Europe/London): a range on `received_at`."""
    return Q(
        received_at__gte=local_midnight(first),
        received_at__lt=local_midnight(last + dt.timedelta(days=1)),
    )


def received_between(cases: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """Cases received from `first` to `last` inclusive (dates in Europe/London)."""
    return cases.filter(received(first, last))


def annotate_dates(cases: QuerySet) -> QuerySet:
    return cases.annotate(
        current_due=Coalesce("extended_due_on", "due_on"),
        responded_on=TruncDate("responded_at", tzinfo=LONDON),
    )


NOT_COUNTED_OUTCOMES = (
    Case.Outcome.WITHDRAWN,
    Case.Outcome.LAPSED,
    Case.Outcome.SUBJECT_ACCESS,
)


def answer_classes() -> dict[str, Q]:
    """Table 3's classes that do not depend on the day they are counted (on `annotate_dates`).

    `unanswered` is split into overdue and in time on the day (see `_timeliness_filters`).
    """
    excluded = (
        Q(status__in=Case.CLOCK_STOPPED_STATUSES)
        | Q(outcome__in=NOT_COUNTED_OUTCOMES)
        | Q(is_subject_access=True)
    )
    answered = Q(responded_at__isnull=False) & ~excluded
    return {
        "within_statutory": answered & Q(responded_on__lte=F("due_on")),
        "within_extension": answered
        & Q(responded_on__gt=F("due_on"), extended_due_on__isnull=False)
        & Q(responded_on__lte=F("extended_due_on")),
        "late": answered & Q(responded_on__gt=F("current_due")),
        "excluded": excluded,
        "unanswered": Q(responded_at__isnull=True) & ~excluded,
    }
