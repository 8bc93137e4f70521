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


@dataclass(frozen=True)
class _Part:
    name: str
    columns: tuple[str, ...]  # the names of its rows' values
    types: tuple[str, ...]  # and their SQL types (for the NULLs standing in other queries' rows)
    sql: str  # reading the shared rows (where possible)
    params: tuple[Any, ...]
    unshared_sql: str  # the same query reading the tables themselves
    unshared_params: tuple[Any, ...]
    shared_cases: bool  # its main table, the case table, is read from the cohort's rows
    needs_questions: bool  # only right when its question join reads the cohort's questions


class CohortQueries:
    """Grouped queries over one cohort of cases, run as one statement.

    The cohort's cases, and their questions, are read once, as common table expressions (a
    range scan on the cases' `received_at`, then the question index per case); every query
    reads those rows in place of the case and question tables. The queries are joined with
    UNION ALL, each in columns of its own (NULL in the others) so their types never meet, and
    each row says which query it came from.

    A query grouping per case keeps the case table itself (PostgreSQL groups by a table's
    primary key, not by a column of a common table expression). Should a query's SQL not read
    the tables as expected (the case table once, as its main table; the question table at
    most once, by a join), the statement reads the tables themselves instead: the same
    figures, more slowly.
    """

    CASES = '"cohort_cases"'
    QUESTIONS = '"cohort_questions"'
    _CASE_TABLE = f'"{Case._meta.db_table}"'
    _QUESTION_TABLE = f'"{Question._meta.db_table}"'
    _MAIN_CASE = re.compile(
        rf"FROM {re.escape(_CASE_TABLE)}(?=\s+(?:LEFT|INNER|WHERE|GROUP|ORDER)\b|\s*\)|\s*$)"
    )
    _QUESTION_JOIN = re.compile(rf"JOIN {re.escape(_QUESTION_TABLE)} ON")

    def __init__(self, cohort: QuerySet) -> None:
        self.cohort = cohort.order_by()
        self.parts: list[_Part] = []

    def add(
        self,
        name: str,
        query: QuerySet,
        *,
        columns: tuple[str, ...] = (),
        types: tuple[str, ...] = (),
        unshared: QuerySet | None = None,
        shared_cases: bool = True,
        needs_questions: bool = False,
        wrap: str = "{}",
    ) -> None:
        """A values() query; `wrap` may group its rows again, giving `columns` of `types`.

        `unshared` is its equivalent reading the tables themselves, when `query` is only
        right reading the cohort's shared rows.
        """
        compiler = query.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if not columns:
            q = query.query
            columns = (*q.extra_select, *q.values_select, *q.annotation_select)
            types = tuple(
                expression.output_field.cast_db_type(connection)
                for expression, _, _ in compiler.select
            )
        if len(types) != len(columns):
            raise ValueError(f"{name}: {len(columns)} columns but {len(types)} types")
        unshared_sql, unshared_params = (
            (sql, params) if unshared is None else unshared.query.sql_with_params()
        )
        self.parts.append(
            _Part(
                name,
                tuple(columns),
                tuple(types),
                wrap.format(sql),
                params,
                wrap.format(unshared_sql),
                unshared_params,
                shared_cases,
                needs_questions,
            )
        )

    def _shared(self, part: _Part) -> str | None:
        sql = part.sql
        if part.shared_cases:
            sql, n = self._MAIN_CASE.subn(f"FROM {self.CASES} {self._CASE_TABLE}", sql)
            if n != 1:
                return None
        sql, n = self._QUESTION_JOIN.subn(f"JOIN {self.QUESTIONS} {self._QUESTION_TABLE} ON", sql)
        if n > 1 or (part.needs_questions and n != 1):
            return None
        return sql

    @staticmethod
    def _columns(sqls: list[str], table: str, always: tuple[str, ...]) -> list[str]:
        found = set(always)
        for sql in sqls:
            found |= set(re.findall(rf"{re.escape(table)}\.\"(\w+)\"", sql))
        return sorted(found)

    def _tables(self, shared: list[str]) -> tuple[str, list[Any]] | None:
        """The common table expressions the shared queries read, or None if they cannot."""
        case_fields = {f.column: f.attname for f in Case._meta.concrete_fields}
        question_fields = {f.column: f.attname for f in Question._meta.concrete_fields}
        case_columns = self._columns(shared, self._CASE_TABLE, ("id",))
        question_columns = self._columns(shared, self._QUESTION_TABLE, ("id", "case_id"))
        if not (
            set(case_columns) <= case_fields.keys()
            and set(question_columns) <= question_fields.keys()
        ):
            return None
        cases = self.cohort.values(*(case_fields[c] for c in case_columns))
        cases_sql, cases_params = cases.query.sql_with_params()
        questions = Question.objects.order_by().values(
            *(question_fields[c] for c in question_columns)
        )
        questions_sql, questions_params = questions.query.sql_with_params()
        in_cohort = f'{self._QUESTION_TABLE}."case_id" IN (SELECT "id" FROM {self.CASES})'
        # Read once and kept, however many queries read them (PostgreSQL would otherwise fold
        # a table read by one query into it, and plan the question join far worse).
        kept = " MATERIALIZED" if connection.vendor == "postgresql" else ""
        return (
            f"WITH {self.CASES} AS{kept} ({cases_sql}), "
            f"{self.QUESTIONS} AS{kept} ({questions_sql} WHERE {in_cohort}) ",
            [*cases_params, *questions_params],
        )

    def _statement(self) -> tuple[str, list[Any]]:
        shared = [self._shared(part) for part in self.parts]
        tables = None
        if all(sql is not None for sql in shared):
            tables = self._tables(shared)  # type: ignore[arg-type]
        prefix, params = tables if tables is not None else ("", [])
        # Each query's columns stand as NULL in the others' rows: typed, so that PostgreSQL,
        # matching the queries' column types pair by pair, never meets two untyped NULLs.
        nulls = [f"CAST(NULL AS {t})" for part in self.parts for t in part.types]
        offset = 0
        arms = []
        for index, (part, shared_sql) in enumerate(zip(self.parts, shared, strict=True)):
            if tables is not None:
                sql, sql_params = shared_sql, part.params
            else:
                sql, sql_params = part.unshared_sql, part.unshared_params
            end = offset + len(part.columns)
            columns = [*nulls[:offset], f'"part_{index}".*', *nulls[end:]]
            arms.append(f'SELECT {index}, {", ".join(columns)} FROM ({sql}) "part_{index}"')
            params += sql_params
            offset += len(part.columns)
        return prefix + " UNION ALL ".join(arms), params

    def run(self) -> dict[str, list[dict[str, Any]]]:
        """{query name: its rows, each a dict by column name}."""
        sql, params = self._statement()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        starts = []
        offset = 1
        for part in self.parts:
            starts.append(offset)
            offset += len(part.columns)
        results: dict[str, list[dict[str, Any]]] = {part.name: [] for part in self.parts}
        for row in rows:
            part, start = self.parts[row[0]], starts[row[0]]
            values = row[start : start + len(part.columns)]
            results[part.name].append(dict(zip(part.columns, values, strict=True)))
        return results


def outcome_queries(queries: CohortQueries) -> None:
    """Add the outcomes (cases per reporting outcome) and the exemptions cited to `queries`.

    The per-case outcome needs a GROUP BY case, and the ORM cannot group again on a value
    computed from aggregates, so the per-case query is wrapped in an outer count.
    """
    per_case = annotate_reporting(queries.cohort).values("reporting_outcome")
    queries.add(
        "outcomes",
        per_case,
        columns=("reporting_outcome", "n"),
        types=("varchar(40)", "bigint"),
        shared_cases=False,
        wrap='SELECT "reporting_outcome", COUNT(*) FROM ({}) "per_case" GROUP BY 1',
    )
    # Joined to the cohort's questions, the citations need no filter of their own.
    queries.add(
        "exemptions",
        _exemption_rows(None),
        unshared=_exemption_rows(queries.cohort),
        shared_cases=False,
        needs_questions=True,
    )


def outcome_results(results: dict[str, list[dict[str, Any]]]) -> tuple[dict[str, int], Table]:
    outcomes = _outcome_counts((row["reporting_outcome"], row["n"]) for row in results["outcomes"])
    return outcomes, _exemption_table(results["exemptions"])


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
        either |= _received(first, last)
    return either


def _period_counts(periods: dict[str, tuple[dt.date, dt.date]], today: dt.date) -> dict[str, Count]:
    conditions = _timeliness_filters(today)
    return {
        f"{key}__{name}": Count("pk", filter=_received(first, last) & condition)
        for key, (first, last) in periods.items()
        for name, condition in conditions.items()
    }


def timeliness_by_period_query(
    queries: CohortQueries,
    name: str,
    cases: QuerySet,
    periods: dict[str, tuple[dt.date, dt.date]],
    today: dt.date,
) -> None:
    """Add `timeliness_by_period`'s counts to `queries` (read by `timeliness_from_rows`).

    It reads the case table itself (its periods are not the cohort's), grouped by regime so
    that it can join the cohort's statement, and saves a query of its own.
    """
    grouped = (
        annotate_dates(cases.filter(_either(periods)).order_by())
        .values("regime")
        .annotate(**_period_counts(periods, today))
    )
    queries.add(name, grouped, shared_cases=False)


def timeliness_from_rows(
    rows: list[dict[str, Any]], periods: dict[str, tuple[dt.date, dt.date]], today: dt.date
) -> dict[str, Timeliness]:
    counts = _period_counts(periods, today)
    return timeliness_figures({name: sum(row[name] for row in rows) for name in counts}, periods)


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

    Three queries: the period's requests (outcomes, exemptions, timeliness and the Code list's
    other counts, in one statement), requests referred for review, and the internal reviews
    requested in the period.
    """
    cohort = received_between(cases, first, last)
    queries = CohortQueries(cohort)
    outcome_queries(queries)
    # Timeliness and the Code list's other counts, per regime (summed here): a grouped query
    # can share the cohort's rows where a bare aggregate could not.
    dates = annotate_dates(queries.cohort)
    counts = _timeliness_counts(today) | _code_list_counts(today)
    queries.add("counts", dates.values("regime").annotate(**counts))
    results = queries.run()
    outcomes, exemptions = outcome_results(results)
    figures = {name: sum(row[name] for row in results["counts"]) for name in counts}
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
