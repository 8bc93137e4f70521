"""Statutory statistics: the Cabinet Office tables and the s45 Code list for a period.

Every table counts each case's stored reporting outcome (`reporting.outcomes`), so the two
reports cannot disagree. Timeliness: a request is answered in time when the response went out
on or before its due date (the statutory date, already moved by clarifications and fee
pauses) or a permitted extended date (s10(3)). Every function here runs a fixed number of
aggregate queries, however many cases there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Model, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from foi_cases.models import Case, CaseExemptionSummary, CaseTopicSummary
from foi_cases.reporting.cohorts import (
    LONDON,
    NOT_COUNTED_OUTCOMES,
    annotate_dates,
    answer_classes,
    received,
    received_between,
)
from foi_cases.reporting.outcomes import (
    CO,
    CODE_LIST,
    PROCEDURAL,
    PROCESSED,
    RESOLVABLE,
    R,
    cabinet_office_counts,
    outcome_counts_from,
)

# --- Tables (shown as GOV.UK tables and downloaded as CSV) ----------------------------------


@dataclass(frozen=True)
class Row:
    cells: tuple[Any, ...]
    href: str = ""


@dataclass(frozen=True)
class Table:
    """One panel's numbers: shown as a GOV.UK table and downloadable as CSV."""

    slug: str
    caption: str
    columns: tuple[str, ...]
    rows: list[Row]
    note: str = ""
    numeric_from: int = 1  # columns from this index are numbers (right-aligned)

    def csv_rows(self) -> list[tuple[Any, ...]]:
        return [row.cells for row in self.rows]

    @property
    def short_title(self) -> str:
        """The caption's name alone ("Table 3"), for a tab; captions without one stay whole."""
        return TAB_TITLES.get(self.slug, self.caption.split(":", 1)[0])


TAB_TITLES = {
    "internal_reviews": "Internal reviews",
    "exemptions": "Exemptions",
    "code_list": "s45 Code",
}


# --- Dates and timeliness ------------------------------------------------------------------


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter containing `day`: (first day, last day)."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    next_first = dt.date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    return first, next_first - dt.timedelta(days=1)


def rolling_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The three months up to and including today."""
    month = today.month - 3
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)
    return dt.date(year, month, day) + dt.timedelta(days=1), today


@dataclass(frozen=True)
class Timeliness:
    """Cabinet Office Table 3 for one cohort of requests."""

    within_statutory: int
    within_extension: int
    late: int
    open_overdue: int
    open_in_time: int
    excluded: int

    @property
    def in_time(self) -> int:
        return self.within_statutory + self.within_extension

    @property
    def counted(self) -> int:
        """Answered, or unanswered past the deadline: the denominator of the in-time rate."""
        return self.in_time + self.late + self.open_overdue

    @property
    def rate(self) -> float | None:
        return 100 * self.in_time / self.counted if self.counted else None

    @property
    def band(self) -> str:
        return ico_band(self.rate)

    def rows(self) -> list[tuple[str, int]]:
        return [
            ("Answered within 20 working days", self.within_statutory),
            ("Answered within a permitted extension", self.within_extension),
            ("Answered late", self.late),
            ("Not yet answered, deadline passed", self.open_overdue),
            ("Not yet answered, within deadline", self.open_in_time),
            ("Lapsed, withdrawn, on hold or not FOI", self.excluded),
        ]


def ico_band(rate: float | None) -> str:
    """The ICO's self-assessment band for an in-time percentage."""
    if rate is None:
        return "No answered requests"
    if rate >= 95:
        return "Good"
    if rate >= 90:
        return "Adequate"
    return "Unsatisfactory"


def _timeliness_filters(today: dt.date) -> dict[str, Q]:
    """Table 3's counts, each as the condition a case of the cohort must meet."""
    classes = answer_classes()
    unanswered = classes.pop("unanswered")
    return {
        "within_statutory": classes["within_statutory"],
        "within_extension": classes["within_extension"],
        "late": classes["late"],
        "open_overdue": unanswered & Q(current_due__lt=today),
        # A request with no due date recorded is not overdue (nor left out of the table).
        "open_in_time": unanswered & (Q(current_due__gte=today) | Q(current_due__isnull=True)),
        "excluded": classes["excluded"],
    }


def _timeliness_counts(today: dt.date) -> dict[str, Count]:
    return {
        name: Count("pk", filter=condition)
        for name, condition in _timeliness_filters(today).items()
    }


def timeliness(cases: QuerySet, today: dt.date) -> Timeliness:
    """Table 3 for `cases` (already limited to a cohort), in one aggregate query."""
    figures = annotate_dates(cases.order_by()).aggregate(**_timeliness_counts(today))
    return Timeliness(**figures)


def timeliness_by_period(
    cases: QuerySet, periods: dict[str, tuple[dt.date, dt.date]], today: dt.date
) -> dict[str, Timeliness]:
    """Table 3 for the requests of `cases` received in each period, all in one query.

    Only the cases received in one of the periods are read (a range on `received_at` each).
    """
    figures = annotate_dates(cases.filter(_either(periods)).order_by()).aggregate(
        **_period_counts(periods, today)
    )
    return timeliness_figures(figures, periods)


def _either(periods: dict[str, tuple[dt.date, dt.date]]) -> Q:
    either = Q()
    for first, last in periods.values():
        either |= received(first, last)
    # Also the one range spanning them all, which an index scan can be bounded by (by an OR of
    # ranges it cannot: reading the covering index whole took 11 ms at 100,000 cases).
    span = received(
        min(first for first, _ in periods.values()), max(last for _, last in periods.values())
    )
    return span & either


def _period_counts(periods: dict[str, tuple[dt.date, dt.date]], today: dt.date) -> dict[str, Count]:
    conditions = _timeliness_filters(today)
    return {
        f"{key}__{name}": Count("pk", filter=received(first, last) & condition)
        for key, (first, last) in periods.items()
        for name, condition in conditions.items()
    }


def timeliness_figures(
    figures: dict[str, int], periods: dict[str, tuple[dt.date, dt.date]]
) -> dict[str, Timeliness]:
    names = [field.name for field in Timeliness.__dataclass_fields__.values()]
    return {
        key: Timeliness(**{name: figures[f"{key}__{name}"] for name in names}) for key in periods
    }


def weighted_median(pairs: Iterable[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many) pairs."""
    ordered = sorted(pairs)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    lower_index, upper_index = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value, n in ordered:
        if lower is None and seen + n > lower_index:
            lower = value
        if seen + n > upper_index:
            upper = value
            break
        seen += n
    return (lower + upper) / 2


# --- Internal reviews -------------------------------------------------------------------------


def internal_review_table(cases: QuerySet, first: dt.date, last: dt.date, today: dt.date) -> Table:
    """Internal reviews requested in the period (of `cases`) and their outcomes, one query."""
    from foi_cases.models import InternalReview

    outcome = InternalReview.Outcome
    open_ = Q(outcome="")
    decided_on = TruncDate("decided_at", tzinfo=LONDON)
    figures = (
        InternalReview.objects.filter(
            case__in=cases.order_by().values("pk"), requested_on__range=(first, last)
        )
        .annotate(decided_on=decided_on)
        .aggregate(
            requested=Count("pk"),
            open=Count("pk", filter=open_),
            open_past_target=Count("pk", filter=open_ & Q(target_due_on__lt=today)),
            open_past_limit=Count("pk", filter=open_ & Q(due_on__lt=today)),
            decided=Count("pk", filter=~open_),
            in_target=Count("pk", filter=~open_ & Q(decided_on__lte=F("target_due_on"))),
            upheld=Count("pk", filter=Q(outcome=outcome.UPHELD)),
            upheld_in_part=Count("pk", filter=Q(outcome=outcome.UPHELD_IN_PART)),
            overturned=Count("pk", filter=Q(outcome=outcome.OVERTURNED)),
        )
    )
    labels = (
        ("requested", "Internal reviews requested"),
        ("open", "Still open"),
        ("open_past_target", "Open past the 20 working day target"),
        ("open_past_limit", "Open past the latest date (40 working days)"),
        ("decided", "Decided"),
        ("in_target", "Decided within the target"),
        ("upheld", "Upheld"),
        ("upheld_in_part", "Upheld in part"),
        ("overturned", "Overturned"),
    )
    return Table(
        "internal_reviews",
        "Internal reviews requested in the period, and their outcomes",
        ("Measure", "Reviews"),
        [Row((label, figures[key])) for key, label in labels],
        note="Target: 20 working days (s45 Code; 40 under the EIR, 20 statutory under FOISA).",
    )


def referred_for_review(cohort: QuerySet) -> int:
    from foi_cases.models import InternalReview

    return (
        InternalReview.objects.filter(case__in=cohort.order_by().values("pk"))
        .values("case")
        .distinct()
        .count()
    )


# --- Exemptions ---------------------------------------------------------------------------


def _exemption_rows(cohort: QuerySet) -> QuerySet:
    """Requests and questions of `cohort` citing each exemption, grouped in SQL (unordered)."""
    from exemptions.models import ExemptionCitation

    return (
        ExemptionCitation.objects.filter(case__in=cohort.order_by().values("pk"))
        .order_by()
        .values("exemption__regime", "exemption__section", "exemption__short_name")
        .annotate(
            cases=Count("case", distinct=True),
            questions=Count("question", distinct=True),
        )
    )


def exemption_table(cohort: QuerySet) -> Table:
    """Requests (and questions) citing each exemption or refusal ground, most used first.

    Recomputed from the citations of any set of cases; the reports read a period's from the
    summary rows instead (`exemption_rows`), which must give the same table.
    """
    return _exemption_table(list(_exemption_rows(cohort)))


def _exemption_table(grouped: list[dict[str, Any]]) -> Table:
    ordered = sorted(
        grouped,
        key=lambda row: (-row["cases"], row["exemption__regime"], row["exemption__section"]),
    )
    rows = [
        Row(
            (
                f"{row['exemption__section']} {row['exemption__short_name']}"
                + (f" ({row['exemption__regime']})" if row["exemption__regime"] != "FOIA" else ""),
                row["cases"],
                row["questions"],
            )
        )
        for row in ordered
    ]
    return Table(
        "exemptions",
        "Exemptions and refusal grounds cited, by section",
        ("Section", "Requests", "Questions"),
        rows,
        note="A request citing several exemptions counts once under each.",
    )


# --- The summary rows of a period (see `reporting.summary`) ------------------------------


def _in_period(model: type[Model], cases: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """The summary rows of the requests of `cases` received from `first` to `last`.

    An unfiltered `cases` (every case) needs no join: the rows' own `received_at` suffices.
    """
    rows = model.objects.filter(received(first, last))  # type: ignore[attr-defined]
    if cases.query.has_filters():
        rows = rows.filter(case__in=received_between(cases, first, last).order_by().values("pk"))
    return rows.order_by()


def exemption_rows(cases: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """Requests and questions citing each exemption, as `_exemption_rows` groups."""
    return (
        _in_period(CaseExemptionSummary, cases, first, last)
        .values("exemption__regime", "exemption__section", "exemption__short_name")
        # Counted on columns the period index holds, so it is read without the table.
        .annotate(cases=Count("case"), questions=Sum("questions"))
    )


def topic_rows(cases: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """Requests per topic (topic None: filed under none), with the topic's name."""
    return (
        _in_period(CaseTopicSummary, cases, first, last)
        .values("topic", "topic__name")
        .annotate(n=Count("case"))
    )


# --- The quarterly report -------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def quarterly_report(cases: QuerySet, first: dt.date, last: dt.date, today: dt.date) -> list[Table]:
    """The Cabinet Office tables and the s45 Code list for requests received in a period.

    Four queries: the period's requests (timeliness and the Code list's other counts per
    reporting outcome, in one grouped query), the exemptions they cite (from the summary
    rows), the requests referred
    for review, and the internal reviews requested in the period.
    """
    cohort = received_between(cases, first, last)
    # Timeliness and the Code list's other counts, per reporting outcome (summed here).
    counts = _timeliness_counts(today) | _code_list_counts(today)
    grouped = list(
        annotate_dates(cohort.order_by())
        .values("reporting_outcome")
        .annotate(n=Count("pk"), **counts)
    )
    outcomes = outcome_counts_from((row["reporting_outcome"], row["n"]) for row in grouped)
    figures = {name: sum(row[name] for row in grouped) for name in counts}
    exemptions = _exemption_table(list(exemption_rows(cases, first, last)))
    co = cabinet_office_counts(outcomes)
    total = sum(outcomes.values())
    processed = sum(outcomes[o] for o in PROCESSED)
    tables = [
        Table(
            "table1",
            "Table 1: requests received, by status at the time of monitoring",
            ("Status", "Requests"),
            [
                Row(("Total requests received", total)),
                Row(("Answered", processed)),
                Row(("Not yet answered", outcomes[R.NOT_YET_PROCESSED])),
                Row(("On hold (awaiting clarification or fee)", outcomes[R.ON_HOLD])),
                Row(("Lapsed or withdrawn", outcomes[R.LAPSED] + outcomes[R.WITHDRAWN])),
                Row(("Handled as a subject access request", outcomes[R.SUBJECT_ACCESS])),
            ],
        )
    ]
    timely = Timeliness(**{name: figures[name] for name in _timeliness_counts(today)})
    tables.append(
        Table(
            "table3",
            "Table 3: timeliness",
            ("Timeliness", "Requests"),
            [
                *(Row(row) for row in timely.rows()),
                Row(("Answered in time (per cent)", _share(timely.in_time, timely.counted))),
                Row(("ICO band", timely.band)),
            ],
            note="In time: answered within 20 working days or a permitted extension (s10(3)). "
            "Requests still unanswered after their deadline count as late.",
        )
    )
    tables.append(
        Table(
            "table5",
            "Table 5: initial outcomes",
            ("Outcome", "Requests"),
            [Row((label, co[value])) for value, label in CO.choices],
            note="Granted in full includes requests where what was held was released and the "
            "rest was not held; withheld in full includes neither-confirm-nor-deny refusals.",
        )
    )
    resolvable = sum(outcomes[o] for o in RESOLVABLE)
    granted = outcomes[R.GRANTED_IN_FULL] + outcomes[R.PART_NOT_HELD]
    procedural = sum(outcomes[o] for o in PROCEDURAL)
    tables.append(
        Table(
            "table6",
            "Table 6: resolvable requests granted in full",
            ("Measure", "Figure"),
            [
                Row(("Resolvable requests", resolvable)),
                Row(("Granted in full", granted)),
                Row(("6a: per cent granted in full", _share(granted, resolvable))),
                Row(("Procedural refusals (s12, s14)", procedural)),
                Row(
                    (
                        "6b: per cent granted in full, excluding procedural refusals",
                        _share(granted, resolvable - procedural),
                    )
                ),
            ],
            note="Resolvable: answered, excluding information not held, lapsed and on hold.",
        )
    )
    tables.append(exemptions)
    tables.append(internal_review_table(cases, first, last, today))
    tables.append(
        code_list(
            cohort, outcomes, today, {name: figures[name] for name in _code_list_counts(today)}
        )
    )
    return tables


def _code_list_counts(today: dt.date) -> dict[str, Count]:
    """The Code list's counts not derived from the outcomes (named apart from Table 3's)."""
    counted = ~Q(outcome__in=NOT_COUNTED_OUTCOMES) & Q(is_subject_access=False)
    return {
        "code_late": Count(
            "pk",
            filter=counted
            & (
                Q(responded_on__gt=F("due_on"))
                | Q(
                    responded_at__isnull=True,
                    due_on__lt=today,
                    status__in=[s for s in Case.Status.values if s not in Case.FINISHED_STATUSES],
                )
                & ~Q(status__in=Case.CLOCK_STOPPED_STATUSES)
            ),
        ),
        "code_extended": Count("pk", filter=Q(extended_due_on__isnull=False)),
    }


def code_list(
    cohort: QuerySet,
    outcomes: dict[str, int],
    today: dt.date,
    extra: dict[str, int] | None = None,
) -> Table:
    """The figures the s45 Code recommends publishing (`extra`: `_code_list_counts`, if read)."""
    rows = []
    for label, members in CODE_LIST:
        n = sum(outcomes.values()) if members is None else sum(outcomes[o] for o in members)
        rows.append(Row((label, n)))
    if extra is None:
        extra = annotate_dates(cohort.order_by()).aggregate(**_code_list_counts(today))
    rows += [
        Row(("Not answered within 20 working days", extra["code_late"])),
        Row(("Given an extended deadline", extra["code_extended"])),
        Row(("Referred for internal review", referred_for_review(cohort))),
    ]
    return Table(
        "code_list",
        "Freedom of Information Code of Practice (s45): published statistics",
        ("Measure", "Requests"),
        rows,
        note="Referred for internal review: requests received in the period whose response "
        "has been the subject of an internal review request.",
    )
