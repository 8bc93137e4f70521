"""Statutory statistics: one reporting outcome per case, derived in SQL from its questions.

`annotate_reporting` adds `reporting_outcome` (a `ReportingOutcome`) to a case queryset. It is
worked out from the per-question held status and outcome, the procedural grounds cited (s12,
s14), the case's status and, only where no question carries a decision, the case outcome the
final response recorded. The Cabinet Office table categories and the s45 Code list are both
mappings of that one value, so the two reports cannot disagree.

Timeliness: a request is answered in time when the response went out on or before its due
date (the statutory date, already moved by clarifications and fee pauses) or a permitted
extended date (s10(3)). Every function here runs a fixed number of aggregate queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models
from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from foi_cases.models import Case, Question

LONDON = ZoneInfo("Europe/London")
STATUTORY_WORKING_DAYS = 20
Status = Case.Status
Held = Question.Held
QOutcome = Question.Outcome


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


class ReportingOutcome(models.TextChoices):
    NOT_YET_PROCESSED = "not_yet_processed", "Not yet processed"
    ON_HOLD = "on_hold", "On hold (awaiting clarification or fee)"
    LAPSED = "lapsed", "Lapsed (no clarification or fee)"
    WITHDRAWN = "withdrawn", "Withdrawn"
    GRANTED_IN_FULL = "granted_in_full", "Granted in full"
    PART_NOT_HELD = "part_not_held", "Partly disclosed, partly not held"
    PARTIALLY_WITHHELD = "partially_withheld", "Partly disclosed, partly withheld"
    WITHHELD_IN_FULL = "withheld_in_full", "Withheld in full"
    NCND = "ncnd", "Neither confirmed nor denied"
    NOT_HELD = "not_held", "Information not held"
    PROCEDURAL_S12 = "procedural_s12", "Refused: cost limit (s12)"
    PROCEDURAL_S14 = "procedural_s14", "Refused: vexatious or repeated (s14)"
    SUBJECT_ACCESS = "subject_access", "Handled as a subject access request"
    NOT_RECORDED = "not_recorded", "Responded, outcome not recorded"


class CabinetOffice(models.TextChoices):
    """Table 5 (initial outcomes) categories, with procedural refusals shown apart."""

    GRANTED_IN_FULL = "granted_in_full", "Granted in full"
    PARTIALLY_WITHHELD = "partially_withheld", "Partially withheld"
    WITHHELD_IN_FULL = "withheld_in_full", "Withheld in full"
    NOT_HELD = "not_held", "Information not held"
    NOT_YET_PROCESSED = "not_yet_processed", "Not yet processed"
    LAPSED_OR_ON_HOLD = "lapsed_or_on_hold", "Lapsed or on hold"
    PROCEDURAL_S12 = "procedural_s12", "Procedural refusal: cost (s12)"
    PROCEDURAL_S14 = "procedural_s14", "Procedural refusal: vexatious or repeated (s14)"
    OTHER = "other", "Not counted as FOI (subject access) or outcome not recorded"


R = ReportingOutcome
CO = CabinetOffice

CABINET_OFFICE: dict[str, str] = {
    R.NOT_YET_PROCESSED: CO.NOT_YET_PROCESSED,
    R.ON_HOLD: CO.LAPSED_OR_ON_HOLD,
    R.LAPSED: CO.LAPSED_OR_ON_HOLD,
    R.WITHDRAWN: CO.LAPSED_OR_ON_HOLD,
    R.GRANTED_IN_FULL: CO.GRANTED_IN_FULL,
    # Released what is held: the Cabinet Office counts it as granted in full.
    R.PART_NOT_HELD: CO.GRANTED_IN_FULL,
    R.PARTIALLY_WITHHELD: CO.PARTIALLY_WITHHELD,
    R.WITHHELD_IN_FULL: CO.WITHHELD_IN_FULL,
    R.NCND: CO.WITHHELD_IN_FULL,
    R.NOT_HELD: CO.NOT_HELD,
    R.PROCEDURAL_S12: CO.PROCEDURAL_S12,
    R.PROCEDURAL_S14: CO.PROCEDURAL_S14,
    R.SUBJECT_ACCESS: CO.OTHER,
    R.NOT_RECORDED: CO.OTHER,
}

# Answered, with an outcome: the "processed in full" of the s45 Code list.
PROCESSED = frozenset(
    {
        R.GRANTED_IN_FULL,
        R.PART_NOT_HELD,
        R.PARTIALLY_WITHHELD,
        R.WITHHELD_IN_FULL,
        R.NCND,
        R.NOT_HELD,
        R.PROCEDURAL_S12,
        R.PROCEDURAL_S14,
        R.NOT_RECORDED,
    }
)
# Table 6: resolvable requests exclude not held, lapsed, on hold (and the unanswered).
RESOLVABLE = PROCESSED - {R.NOT_HELD, R.NOT_RECORDED}
PROCEDURAL = frozenset({R.PROCEDURAL_S12, R.PROCEDURAL_S14})

# The s45 Code's list (as published by authorities following it), each a set of outcomes.
CODE_LIST: tuple[tuple[str, frozenset[str] | None], ...] = (
    ("Number of requests received", None),
    ("Not yet processed", frozenset({R.NOT_YET_PROCESSED})),
    ("Processed in full", PROCESSED),
    ("Suspended (awaiting clarification or fee)", frozenset({R.ON_HOLD})),
    ("Granted in full", frozenset({R.GRANTED_IN_FULL})),
    ("Partly disclosed and partly refused", frozenset({R.PARTIALLY_WITHHELD})),
    ("Partly disclosed and partly not held", frozenset({R.PART_NOT_HELD})),
    ("Refused in full because the information is not held", frozenset({R.NOT_HELD})),
    (
        "Refused in full",
        frozenset({R.WITHHELD_IN_FULL, R.NCND, R.PROCEDURAL_S12, R.PROCEDURAL_S14}),
    ),
)


# --- Per-case derivation ------------------------------------------------------------------


def _qs(**lookups: Any) -> Q:
    """A condition on the case's questions (joined as `questions`)."""
    return Q(**{f"questions__{name}": value for name, value in lookups.items()})


_NCND = _qs(held_status=Held.NCND)
_PROC = _qs(outcome=QOutcome.PROCEDURAL) & ~_NCND
QUESTION_BUCKETS: dict[str, Q] = {
    "q_ncnd": _NCND,
    "q_proc": _PROC,
    "q_not_held": (_qs(held_status=Held.NOT_HELD) | _qs(outcome=QOutcome.NOT_HELD))
    & ~_NCND
    & ~_PROC,
    "q_part": _qs(outcome=QOutcome.WITHHELD_IN_PART) & ~_NCND,
    "q_full": _qs(outcome=QOutcome.WITHHELD_IN_FULL) & ~_NCND,
    "q_disclosed": _qs(outcome=QOutcome.DISCLOSED) & ~_NCND & ~_qs(held_status=Held.NOT_HELD),
    "q_part_not_held": _qs(outcome=QOutcome.DISCLOSED, held_status=Held.PARTLY_HELD),
}


def _cites(section_prefix: str) -> Q:
    """A question of the case cites a procedural ground under this section (s12, s14).

    Tested per question against the (small) set of procedural citations, so the check rides
    on the one pass over the case's questions rather than a second join per case.
    """
    from exemptions.models import ExemptionCitation

    citing = ExemptionCitation.objects.filter(
        role=ExemptionCitation.Role.PROCEDURAL, exemption__section__startswith=section_prefix
    ).values("question_id")
    return Q(questions__in=citing)


def _when(condition: Q, outcome: str) -> When:
    return When(condition, then=Value(str(outcome)))


def annotate_reporting(cases: QuerySet) -> QuerySet:
    """Add `reporting_outcome` (and the question counts it is derived from) to each case."""
    limit_hours = Decimal(settings.FOI_COST_LIMIT_POUNDS) / Decimal(settings.FOI_HOURLY_RATE_POUNDS)
    # One pass over the questions joined to the cases and grouped by case.
    cases = cases.annotate(
        **{
            name: Count("questions", filter=condition)
            for name, condition in QUESTION_BUCKETS.items()
        },
        _cites_s12=Count("questions", filter=_cites("s12")),
        _cites_s14=Count("questions", filter=_cites("s14")),
        _hours=F("hours_determining")
        + F("hours_locating")
        + F("hours_retrieving")
        + F("hours_extracting"),
    )
    procedural = Q(q_proc__gt=0) | Q(outcome=Case.Outcome.PROCEDURAL_REFUSAL)
    withheld = Q(q_full__gt=0) | Q(q_ncnd__gt=0)
    not_held = Q(q_not_held__gt=0) | Q(q_part_not_held__gt=0)
    fallback = [
        _when(Q(outcome=Case.Outcome.GRANTED_IN_FULL), R.GRANTED_IN_FULL),
        _when(Q(outcome=Case.Outcome.PARTIALLY_WITHHELD), R.PARTIALLY_WITHHELD),
        _when(Q(outcome=Case.Outcome.WITHHELD_IN_FULL), R.WITHHELD_IN_FULL),
        _when(Q(outcome=Case.Outcome.NOT_HELD), R.NOT_HELD),
        _when(Q(outcome=Case.Outcome.NCND), R.NCND),
    ]
    expression = SqlCase(
        _when(Q(status__in=Case.CLOCK_STOPPED_STATUSES), R.ON_HOLD),
        _when(~Q(status__in=Case.FINISHED_STATUSES), R.NOT_YET_PROCESSED),
        _when(Q(outcome=Case.Outcome.WITHDRAWN), R.WITHDRAWN),
        _when(Q(outcome=Case.Outcome.LAPSED), R.LAPSED),
        _when(Q(outcome=Case.Outcome.SUBJECT_ACCESS) | Q(is_subject_access=True), R.SUBJECT_ACCESS),
        _when(Q(_cites_s12__gt=0), R.PROCEDURAL_S12),
        _when(Q(_cites_s14__gt=0), R.PROCEDURAL_S14),
        _when(procedural & Q(_hours__gt=limit_hours), R.PROCEDURAL_S12),
        _when(procedural, R.PROCEDURAL_S14),
        _when(Q(q_part__gt=0), R.PARTIALLY_WITHHELD),
        _when(Q(q_disclosed__gt=0) & withheld, R.PARTIALLY_WITHHELD),
        _when(Q(q_disclosed__gt=0) & not_held, R.PART_NOT_HELD),
        _when(Q(q_disclosed__gt=0), R.GRANTED_IN_FULL),
        _when(Q(q_full__gt=0), R.WITHHELD_IN_FULL),
        _when(Q(q_ncnd__gt=0), R.NCND),
        _when(not_held, R.NOT_HELD),
        *fallback,
        default=Value(str(R.NOT_RECORDED)),
        output_field=models.CharField(),
    )
    return cases.annotate(reporting_outcome=expression)


def _outcome_sql(cases: QuerySet) -> tuple[str, tuple[Any, ...]]:
    """SQL giving (reporting outcome, number of cases) rows for `cases`.

    The per-case outcome needs a GROUP BY case, and the ORM cannot group again on a value
    computed from aggregates, so the per-case query is wrapped in an outer count.
    """
    per_case = annotate_reporting(cases.order_by()).values("reporting_outcome")
    sql, params = per_case.query.sql_with_params()
    return f'SELECT "reporting_outcome", COUNT(*) FROM ({sql}) "per_case" GROUP BY 1', params


def count_outcomes(cases: QuerySet) -> dict[str, int]:
    """{ReportingOutcome value: number of cases}, in one query."""
    sql, params = _outcome_sql(cases)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _outcome_counts(cursor.fetchall())


def _outcome_counts(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    counts = {value: 0 for value in R.values}
    for value, n in rows:
        counts[value] = n
    return counts


_QUESTION_TABLE = f'"{Question._meta.db_table}"'
_QUESTION_COLUMNS = ("id", "case_id", "outcome", "held_status")
_SHARED = '"cohort_questions"'


def _read_shared_questions(sql: str, join: str) -> str | None:
    """`sql` with its one join to the question table reading the cohort's questions instead.

    None when the join is not there exactly once, or the query reads a question column the
    shared rows do not carry: the caller then runs the queries unshared.
    """
    if sql.count(join) != 1:
        return None
    read = set(re.findall(rf"{re.escape(_QUESTION_TABLE)}\.\"(\w+)\"", sql))
    if not read <= set(_QUESTION_COLUMNS):
        return None
    return sql.replace(
        join, join.replace(f"JOIN {_QUESTION_TABLE}", f"JOIN {_SHARED} {_QUESTION_TABLE}")
    )


def outcomes_and_exemptions(cohort: QuerySet) -> tuple[dict[str, int], Table]:
    """`count_outcomes` and `exemption_table` for one cohort, in one query.

    The two grouped queries are joined with UNION ALL; each row says which it came from. Both
    read the cohort's questions, so those are read once, as a common table expression (a range
    scan on the cases' `received_at` and the question index per case), and both parts join it
    in place of the whole question table.
    """
    from exemptions.models import ExemptionCitation

    outcome_sql, outcome_params = _outcome_sql(cohort)
    exemption_sql, exemption_params = _exemption_rows(cohort).query.sql_with_params()
    case_table = f'"{Case._meta.db_table}"'
    citation_table = f'"{ExemptionCitation._meta.db_table}"'
    prefix, prefix_params = "", ()
    shared_outcome = _read_shared_questions(
        outcome_sql,
        f'LEFT OUTER JOIN {_QUESTION_TABLE} ON ({case_table}."id" = {_QUESTION_TABLE}."case_id")',
    )
    # Joined to the shared questions, the citations need no filter of their own.
    unfiltered_sql, unfiltered_params = _exemption_rows(None).query.sql_with_params()
    shared_exemption = _read_shared_questions(
        unfiltered_sql,
        f"INNER JOIN {_QUESTION_TABLE} ON "
        f'({citation_table}."question_id" = {_QUESTION_TABLE}."id")',
    )
    if shared_outcome is not None and shared_exemption is not None:
        questions = Question.objects.filter(case__in=cohort.order_by().values("pk")).order_by()
        cte_sql, cte_params = questions.values(*_QUESTION_COLUMNS).query.sql_with_params()
        prefix, prefix_params = f"WITH {_SHARED} AS ({cte_sql}) ", cte_params
        outcome_sql, exemption_sql, exemption_params = (
            shared_outcome,
            shared_exemption,
            unfiltered_params,
        )
    sql = (
        f'{prefix}SELECT 1, "per_outcome".*, NULL, NULL, NULL, NULL, NULL '
        f'FROM ({outcome_sql}) "per_outcome" '
        f'UNION ALL SELECT 2, NULL, NULL, "per_exemption".* FROM ({exemption_sql}) "per_exemption"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*prefix_params, *outcome_params, *exemption_params))
        rows = cursor.fetchall()
    outcomes = _outcome_counts(row[1:3] for row in rows if row[0] == 1)
    keys = (
        "exemption__regime",
        "exemption__section",
        "exemption__short_name",
        "cases",
        "questions",
    )
    exemptions = [dict(zip(keys, row[3:], strict=True)) for row in rows if row[0] == 2]
    return outcomes, _exemption_table(exemptions)


def cabinet_office_counts(outcomes: dict[str, int]) -> dict[str, int]:
    counts = {value: 0 for value in CO.values}
    for outcome, n in outcomes.items():
        counts[CABINET_OFFICE[outcome]] += n
    return counts


# --- Dates and timeliness ------------------------------------------------------------------


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, LONDON)


def _received(first: dt.date, last: dt.date) -> Q:
    """Received from `first` to `last` inclusive (Europe/London): a range on `received_at`."""
    return Q(
        received_at__gte=local_midnight(first),
        received_at__lt=local_midnight(last + dt.timedelta(days=1)),
    )


def received_between(cases: QuerySet, first: dt.date, last: dt.date) -> QuerySet:
    """Cases received from `first` to `last` inclusive (dates in Europe/London)."""
    return cases.filter(_received(first, last))


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


def annotate_dates(cases: QuerySet) -> QuerySet:
    return cases.annotate(
        current_due=Coalesce("extended_due_on", "due_on"),
        responded_on=TruncDate("responded_at", tzinfo=LONDON),
    )


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


NOT_COUNTED_OUTCOMES = (
    Case.Outcome.WITHDRAWN,
    Case.Outcome.LAPSED,
    Case.Outcome.SUBJECT_ACCESS,
)


def _timeliness_filters(today: dt.date) -> dict[str, Q]:
    """Table 3's counts, each as the condition a case of the cohort must meet."""
    excluded = (
        Q(status__in=Case.CLOCK_STOPPED_STATUSES)
        | Q(outcome__in=NOT_COUNTED_OUTCOMES)
        | Q(is_subject_access=True)
    )
    answered = Q(responded_at__isnull=False) & ~excluded
    unanswered = Q(responded_at__isnull=True) & ~excluded
    return {
        "within_statutory": answered & Q(responded_on__lte=F("due_on")),
        "within_extension": answered
        & Q(responded_on__gt=F("due_on"), extended_due_on__isnull=False)
        & Q(responded_on__lte=F("extended_due_on")),
        "late": answered & Q(responded_on__gt=F("current_due")),
        "open_overdue": unanswered & Q(current_due__lt=today),
        "open_in_time": unanswered & ~Q(current_due__lt=today),
        "excluded": excluded,
    }


def timeliness(cases: QuerySet, today: dt.date) -> Timeliness:
    """Table 3 for `cases` (already limited to a cohort), in one aggregate query."""
    figures = annotate_dates(cases.order_by()).aggregate(
        **{
            name: Count("pk", filter=condition)
            for name, condition in _timeliness_filters(today).items()
        }
    )
    return Timeliness(**figures)


def timeliness_by_period(
    cases: QuerySet, periods: dict[str, tuple[dt.date, dt.date]], today: dt.date
) -> dict[str, Timeliness]:
    """Table 3 for the requests of `cases` received in each period, all in one query.

    Only the cases received in one of the periods are read (a range on `received_at` each).
    """
    windows = {key: _received(first, last) for key, (first, last) in periods.items()}
    either = Q()
    for window in windows.values():
        either |= window
    conditions = _timeliness_filters(today)
    figures = annotate_dates(cases.filter(either).order_by()).aggregate(
        **{
            f"{key}__{name}": Count("pk", filter=window & condition)
            for key, window in windows.items()
            for name, condition in conditions.items()
        }
    )
    return {
        key: Timeliness(**{name: figures[f"{key}__{name}"] for name in conditions})
        for key in windows
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


def _exemption_rows(cohort: QuerySet | None) -> QuerySet:
    """Requests and questions citing each exemption, grouped in SQL (unordered).

    With no cohort, every citation: only for a query whose questions are already a cohort's.
    """
    from exemptions.models import ExemptionCitation

    citations = ExemptionCitation.objects.all()
    if cohort is not None:
        citations = citations.filter(question__case__in=cohort.order_by().values("pk"))
    return (
        citations.order_by()
        .values("exemption__regime", "exemption__section", "exemption__short_name")
        .annotate(
            cases=Count("question__case", distinct=True),
            questions=Count("question", distinct=True),
        )
    )


def exemption_table(cohort: QuerySet) -> Table:
    """Requests (and questions) citing each exemption or refusal ground, most used first."""
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


# --- The quarterly report -------------------------------------------------------------------


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def quarterly_report(cases: QuerySet, first: dt.date, last: dt.date, today: dt.date) -> list[Table]:
    """The Cabinet Office tables and the s45 Code list for requests received in a period.

    Five queries: outcomes with exemptions, timeliness, the Code list's extra counts, requests
    referred for review, and the internal reviews requested in the period.
    """
    cohort = received_between(cases, first, last)
    outcomes, exemptions = outcomes_and_exemptions(cohort)
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
    timely = timeliness(cohort, today)
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
    tables.append(code_list(cohort, outcomes, today))
    return tables


def code_list(cohort: QuerySet, outcomes: dict[str, int], today: dt.date) -> Table:
    """The figures the s45 Code recommends publishing."""
    rows = []
    for label, members in CODE_LIST:
        n = sum(outcomes.values()) if members is None else sum(outcomes[o] for o in members)
        rows.append(Row((label, n)))
    counted = ~Q(outcome__in=NOT_COUNTED_OUTCOMES) & Q(is_subject_access=False)
    extra = annotate_dates(cohort.order_by()).aggregate(
        late=Count(
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
        extended=Count("pk", filter=Q(extended_due_on__isnull=False)),
    )
    rows += [
        Row(("Not answered within 20 working days", extra["late"])),
        Row(("Given an extended deadline", extra["extended"])),
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
