"""Each day's requests, counted by what the dashboard's period panels show.

Timeliness (the rolling quarter's and the period's), the median days taken, the outcomes,
the exemptions cited and the topics are aggregates over the requests received in a period:
at a million cases a quarter holds 50,000 of them, and counting them took 160 ms of every
dashboard. Per day received and regime, `DailyReceipts` counts the requests sharing each
combination of what the timeliness, days-taken and outcome panels count (about three
hundred rows a day at that scale), `DailyTopicReceipts` those under each topic and
`DailyExemptionReceipts` those citing each exemption, so a quarter is a few thousand rows.

`refresh(days)` recomputes whole days from their cases. The write seam calls it
(`outcomes._refresh`, with every audit event) for the days of the cases it refreshes, in the
caller's transaction, each day under a lock of its own; `refresh(None)` recomputes every
day (the nightly reconciliation, bulk loads). `drift()` compares the rows with a
recomputation: the test suite runs it after every test. The dashboard reads them whenever
its figures are of every case, or of one regime (`covers`); narrowed to an officer or a
topic it counts the cases themselves, and the tests prove both ways give the same figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, F, Model, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate

from foi_cases.bank_holidays import calendar_for
from foi_cases.models import (
    Case,
    CaseExemptionSummary,
    CaseTopicSummary,
    DailyExemptionReceipts,
    DailyReceipts,
    DailyTopicReceipts,
)
from foi_cases.reporting.cohorts import (
    LONDON,
    NOT_COUNTED_OUTCOMES,
    STATUTORY_WORKING_DAYS,
    annotate_dates,
    answer_classes,
    received,
)

CLASSES = ("within_statutory", "within_extension", "late", "excluded", "unanswered")
KEY = ("received_on", "regime", "reporting_outcome", *CLASSES, "open_due", "days_taken")
# The first key of the two-key advisory locks a day's refresh takes (the second: the day).
LOCK_SPACE = 24

Key = tuple[Any, ...]


def _grouped(cases: QuerySet) -> QuerySet:
    """The cases grouped by day and by what the panels count, `days_taken` still as dates."""
    classes = answer_classes()
    # As the case-by-case count does (`dashboards.period_rows`): only requests answered
    # against a statutory due date, and not withdrawn, lapsed or subject access, took days.
    answered = Q(responded_at__isnull=False, due_on__isnull=False) & ~Q(
        outcome__in=NOT_COUNTED_OUTCOMES
    )
    flags = {
        name: SqlCase(When(condition, then=Value(True)), default=Value(False))
        for name, condition in classes.items()
    }
    return (
        annotate_dates(cases.order_by())
        .annotate(
            received_on=TruncDate("received_at", tzinfo=LONDON),
            **flags,
            open_due=SqlCase(When(classes["unanswered"], then=F("current_due"))),
            answered_due=SqlCase(When(answered, then=F("due_on"))),
            answered_on=SqlCase(When(answered, then=F("responded_on"))),
        )
        .values(
            "received_on",
            "regime",
            "reporting_outcome",
            *CLASSES,
            "open_due",
            "answered_due",
            "answered_on",
        )  # fmt: skip
        .annotate(n=Count("pk"))
    )


def days_taken(regime: str, due: dt.date | None, answered: dt.date | None) -> int | None:
    """Working days from (effective) receipt to response, on the statutory clock.

    Counted as 20 plus the working days from the statutory due date to the response, so a
    clarification (which restarts the clock) and a fee pause (which stops it) are honoured.
    """
    if due is None or answered is None:
        return None
    return STATUTORY_WORKING_DAYS + calendar_for(regime).working_days_between(due, answered)


def _receipts(cases: QuerySet) -> dict[Key, tuple[int, ...]]:
    counts: Counter[Key] = Counter()
    for row in _grouped(cases):
        taken = days_taken(row["regime"], row["answered_due"], row["answered_on"])
        key = (
            row["received_on"], row["regime"], row["reporting_outcome"],
            *(row[name] for name in CLASSES), row["open_due"], taken,
        )  # fmt: skip
        counts[key] += row["n"]
    return {key: (n,) for key, n in counts.items()}


def _by_day(summary: QuerySet) -> QuerySet:
    """Per-case summary rows (refreshed first, in the same transaction) by day and regime."""
    return summary.order_by().annotate(
        received_on=TruncDate("received_at", tzinfo=LONDON), regime=F("case__regime")
    )


def _topics(cases: QuerySet) -> dict[Key, tuple[int, ...]]:
    rows = _by_day(CaseTopicSummary.objects.filter(case__in=cases.order_by().values("pk")))
    return {
        (row["received_on"], row["regime"], row["topic"]): (row["n"],)
        for row in rows.values("received_on", "regime", "topic").annotate(n=Count("case"))
    }


def _exemptions(cases: QuerySet) -> dict[Key, tuple[int, ...]]:
    rows = _by_day(CaseExemptionSummary.objects.filter(case__in=cases.order_by().values("pk")))
    grouped = rows.values("received_on", "regime", "exemption").annotate(
        n=Count("case"), questions=Sum("questions")
    )
    return {
        (row["received_on"], row["regime"], row["exemption"]): (row["n"], row["questions"])
        for row in grouped
    }


@dataclass(frozen=True)
class Kind:
    """One table of day rows: its key columns, its counts, and how they are derived."""

    model: type[Model]
    key: tuple[str, ...]
    counts: tuple[str, ...]
    derive: Callable[[QuerySet], dict[Key, tuple[int, ...]]]


KINDS = (
    Kind(DailyReceipts, KEY, ("cases",), _receipts),
    Kind(DailyTopicReceipts, ("received_on", "regime", "topic_id"), ("cases",), _topics),
    Kind(
        DailyExemptionReceipts,
        ("received_on", "regime", "exemption_id"),
        ("cases", "questions"),
        _exemptions,
    ),
)


def _stored(kind: Kind, rows: QuerySet) -> dict[Key, tuple[int, ...]]:
    width = len(kind.key)
    return {row[:width]: row[width:] for row in rows.values_list(*kind.key, *kind.counts)}


def _received_on(days: list[dt.date]) -> Q:
    either = Q()
    for day in days:
        either |= received(day, day)
    return either


def _lock(days: list[dt.date] | None) -> None:
    """Two transactions refreshing one day take turns; a refresh of every day waits for all.

    A day's lock is taken before its cases are read, so the second reads the first's
    committed cases. The refresh of every day takes a lock that waits for every transaction
    which has written day rows and holds off those that would.
    """
    if connection.vendor != "postgresql":
        return  # SQLite (make run) has one writer at a time
    with connection.cursor() as cursor:
        if days is None:
            tables = ", ".join(connection.ops.quote_name(k.model._meta.db_table) for k in KINDS)
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
            return
        for day in days:  # in order, so two refreshes of the same days cannot deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, day.toordinal()])


def refresh(days: Iterable[dt.date] | None) -> int:
    """Recompute these days' rows (every day's, if None) from their cases.

    Returns how many rows were wrong (missing, stale or extra); tables already right for
    these days are left as they are.
    """
    ordered = None if days is None else sorted(set(days))
    if ordered == []:
        return 0
    changed = 0
    with transaction.atomic():
        _lock(ordered)
        cases = Case.objects.all()
        if ordered is not None:
            cases = cases.filter(_received_on(ordered))
        for kind in KINDS:
            rows = kind.model.objects.all()  # type: ignore[attr-defined]
            if ordered is not None:
                rows = rows.filter(received_on__in=ordered)
            derived, stored = kind.derive(cases), _stored(kind, rows)
            if derived == stored:
                continue
            rows.delete()
            _insert(kind, derived)
            changed += len(set(derived.items()) ^ set(stored.items()))
    return changed


def _insert(kind: Kind, derived: dict[Key, tuple[int, ...]]) -> None:
    columns = (*kind.key, *kind.counts)
    if connection.vendor != "postgresql":
        kind.model.objects.bulk_create(  # type: ignore[attr-defined]
            [
                kind.model(**dict(zip(columns, (*key, *n), strict=True)))
                for key, n in derived.items()
            ]
        )
        return
    # COPY: every day at a million cases is 300,000 rows, which bulk_create took 15 s to write.
    lines = io.StringIO()
    csv.writer(lines).writerows((*key, *n) for key, n in derived.items())
    lines.seek(0)
    table = connection.ops.quote_name(kind.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", lines
        )


def days_of(cases: QuerySet) -> set[dt.date]:
    """The days these cases were received on, as they are and as their rows last recorded.

    A case's previous day is read from its topic summary rows, which carry the receipt time
    they were refreshed with, so a corrected receipt date refreshes the old day too.
    """
    ids = cases.order_by().values("pk")
    now = Case.objects.filter(pk__in=ids).values_list("received_at", flat=True)
    before = CaseTopicSummary.objects.filter(case__in=ids).values_list("received_at", flat=True)
    return {moment.astimezone(LONDON).date() for moment in [*now, *before]}


def drift() -> list[tuple[str, str, Key, tuple[int, ...]]]:
    """(table, "stored" or "derived", key, counts) for every row that differs from a
    recomputation."""
    differences = []
    for kind in KINDS:
        derived = set(kind.derive(Case.objects.all()).items())
        stored = set(_stored(kind, kind.model.objects.all()).items())  # type: ignore[attr-defined]
        name = kind.model.__name__
        differences += [(name, "stored", key, n) for key, n in stored - derived]
        differences += [(name, "derived", key, n) for key, n in derived - stored]
    return sorted(differences, key=str)


# --- What the dashboard reads ---------------------------------------------------------------


def covers(*, every_case: bool, topic: Any, officer: Any) -> bool:
    """Whether the day rows hold the dashboard's figures: of every case, or of one regime."""
    return every_case and topic is None and officer is None


def _in(first: dt.date, last: dt.date, regime: str, model: type[Model] = DailyReceipts) -> QuerySet:
    rows = model.objects.filter(  # type: ignore[attr-defined]
        received_on__gte=first, received_on__lte=last
    )
    return rows.filter(regime=regime) if regime else rows


def timeliness_counts(
    periods: dict[str, tuple[dt.date, dt.date]], today: dt.date, regime: str = ""
) -> dict[str, int]:
    """`statistics.timeliness_by_period`'s counts of every case (or a regime's), in one query:
    "{period}__{measure}" for `statistics.timeliness_figures`."""
    conditions = {
        "within_statutory": Q(within_statutory=True),
        "within_extension": Q(within_extension=True),
        "late": Q(late=True),
        "open_overdue": Q(unanswered=True, open_due__lt=today),
        "open_in_time": Q(unanswered=True) & (Q(open_due__gte=today) | Q(open_due__isnull=True)),
        "excluded": Q(excluded=True),
    }
    first = min(start for start, _ in periods.values())
    last = max(end for _, end in periods.values())
    return _in(first, last, regime).aggregate(
        **{
            f"{key}__{name}": Coalesce(
                Sum("cases", filter=Q(received_on__gte=start, received_on__lte=end) & condition),
                0,
            )
            for key, (start, end) in periods.items()
            for name, condition in conditions.items()
        }
    )


def period_rows(first: dt.date, last: dt.date, regime: str = "") -> list[dict[str, Any]]:
    """The period's requests by reporting outcome, regime and days taken (None: not answered)."""
    return list(
        _in(first, last, regime)
        .values("reporting_outcome", "regime", "days_taken")
        .annotate(n=Sum("cases"))
        .order_by()
    )


def topic_rows(first: dt.date, last: dt.date, regime: str = "") -> QuerySet:
    """As `statistics.topic_rows` counts every case (or a regime's)."""
    rows = _in(first, last, regime, DailyTopicReceipts)
    return rows.values("topic", "topic__name").annotate(n=Sum("cases")).order_by()


def exemption_rows(first: dt.date, last: dt.date, regime: str = "") -> QuerySet:
    """As `statistics.exemption_rows` counts every case (or a regime's)."""
    rows = _in(first, last, regime, DailyExemptionReceipts)
    return (
        rows.values("exemption__regime", "exemption__section", "exemption__short_name")
        .annotate(cases=Sum("cases"), questions=Sum("questions"))
        .order_by()
    )
