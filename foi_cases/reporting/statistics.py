"""Statutory statistics: one reporting outcome per case, derived in SQL from its questions.

`annotate_reporting` derives each case's `ReportingOutcome` in SQL, and `refresh_reporting`
stores it on the case (`Case.reporting_outcome`) whenever the case or its questions change. It is
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

from foi_cases.models import Case, Question, ReportingOutcome

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


# Neither confirmed nor denied is its own outcome, whatever else the question records.
_NCND = _qs(held_status=Held.NCND) | _qs(outcome=QOutcome.NCND)
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


def _cites(section_prefix: str, cases: QuerySet) -> Q:
    """A question of the case cites a procedural ground under this section (s12, s14).

    Tested per question against the procedural citations of `cases` only, so the check rides
    on the one pass over the case's questions rather than a second join per case.
    """
    from exemptions.models import ExemptionCitation

    citing = ExemptionCitation.objects.filter(
        role=ExemptionCitation.Role.PROCEDURAL,
        exemption__section__startswith=section_prefix,
        question__case__in=cases.order_by().values("pk"),
    ).values("question_id")
    return Q(questions__in=citing)


def _when(condition: Q, outcome: str) -> When:
    return When(condition, then=Value(str(outcome)))


def annotate_reporting(cases: QuerySet) -> QuerySet:
    """Add `derived_outcome` (a `ReportingOutcome`, and the counts it comes from) to each case.

    The source of `Case.reporting_outcome`, which `refresh_reporting` stores.
    """
    limit_hours = Decimal(settings.FOI_COST_LIMIT_POUNDS) / Decimal(settings.FOI_HOURLY_RATE_POUNDS)
    # One pass over the questions joined to the cases and grouped by case.
    annotated = cases.annotate(
        **{
            name: Count("questions", filter=condition)
            for name, condition in QUESTION_BUCKETS.items()
        },
        _cites_s12=Count("questions", filter=_cites("s12", cases)),
        _cites_s14=Count("questions", filter=_cites("s14", cases)),
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
    return annotated.annotate(derived_outcome=expression)


# Cases derived per statement when refreshing them all (bounds the statement's memory).
REFRESH_CHUNK = 5000


def refresh_reporting(case_ids: Iterable[int] | QuerySet | None = None) -> int:
    """Store the derived reporting outcome of these cases (all, if None); how many changed.

    Called whenever a case, one of its questions or one of their citations is written (the
    receivers below and the workflow's bulk updates); the nightly reconciliation runs it over
    every case and reports any it had to correct, as a missed path would leave.
    """
    if case_ids is not None:
        return _refresh(Case.objects.filter(pk__in=case_ids))
    bounds = Case.objects.aggregate(first=models.Min("pk"), last=models.Max("pk"))
    if bounds["first"] is None:
        return 0
    changed = 0
    for start in range(bounds["first"], bounds["last"] + 1, REFRESH_CHUNK):
        changed += _refresh(Case.objects.filter(pk__gte=start, pk__lt=start + REFRESH_CHUNK))
    return changed


def _refresh(cases: QuerySet) -> int:
    derived = annotate_reporting(cases.order_by()).values("id", "derived_outcome")
    sql, params = derived.query.sql_with_params()
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {table} SET "reporting_outcome" = "derived"."derived_outcome" '
            f'FROM ({sql}) "derived" WHERE {table}."id" = "derived"."id" '
            f'AND {table}."reporting_outcome" <> "derived"."derived_outcome"',
            params,
        )
        return cursor.rowcount


def _deleting_case(origin: Any) -> bool:
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is Case


def refresh_after_case_write(sender: Any, instance: Case, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_reporting([instance.pk])


def refresh_after_question_write(
    sender: Any, instance: Question, raw: bool = False, origin: Any = None, **kwargs: Any
) -> None:
    if not raw and not _deleting_case(origin):
        refresh_reporting([instance.case_id])


def refresh_after_citation_write(
    sender: Any, instance: Any, raw: bool = False, origin: Any = None, **kwargs: Any
) -> None:
    if not raw and not _deleting_case(origin):
        refresh_reporting(Question.objects.filter(pk=instance.question_id).values("case_id"))


def connect_reporting_receivers() -> None:
    """Refresh the stored outcome whenever a case, question or citation is saved or deleted."""
    from django.db.models.signals import post_delete, post_save

    from exemptions.models import ExemptionCitation

    receivers = (
        (Case, refresh_after_case_write),
        (Question, refresh_after_question_write),
        (ExemptionCitation, refresh_after_citation_write),
    )
    for model, receiver in receivers:
        post_save.connect(receiver, sender=model, dispatch_uid=f"reporting-save-{model.__name__}")
    for model, receiver in receivers[1:]:
        post_delete.connect(
            receiver, sender=model, dispatch_uid=f"reporting-delete-{model.__name__}"
        )


def reporting_drift() -> list[tuple[str, str, str]]:
    """(reference, stored, derived) for every case whose stored outcome is out of date."""
    return [
        (reference, stored, derived)
        for reference, stored, derived in annotate_reporting(Case.objects.order_by("pk"))
        .values_list("reference", "reporting_outcome", "derived_outcome")
        .iterator()
        if stored != derived
    ]


def count_outcomes(cases: QuerySet) -> dict[str, int]:
    """{ReportingOutcome value: number of cases}, in one query."""
    rows = cases.order_by().values_list("reporting_outcome").annotate(n=Count("pk"))
    return _outcome_counts(rows)


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
    sql: str
    params: tuple[Any, ...]
    shared_cases: bool  # its main table, the case table, is read from the cohort's rows


class CohortQueries:
    """Grouped queries over one cohort of cases, run as one statement.

    The cohort's cases are read once, as a common table expression (a range scan on the
    cases' `received_at`); every query sharing them reads those rows in place of the case
    table. The queries are joined with UNION ALL, each in columns of its own (NULL in the
    others) so their types never meet, and each row says which query it came from.

    Should a sharing query's SQL not read the case table as expected (once, as its main
    table), the statement reads the tables themselves instead: the same figures, more slowly.
    """

    CASES = '"cohort_cases"'
    _CASE_TABLE = f'"{Case._meta.db_table}"'
    _MAIN_CASE = re.compile(
        rf"FROM {re.escape(_CASE_TABLE)}(?=\s+(?:LEFT|INNER|WHERE|GROUP|ORDER)\b|\s*\)|\s*$)"
    )

    def __init__(self, cohort: QuerySet) -> None:
        self.cohort = cohort.order_by()
        self.parts: list[_Part] = []

    def add(self, name: str, query: QuerySet, *, shared_cases: bool = True) -> None:
        """A values() query; with `shared_cases`, it reads the cohort's rows for its cases."""
        compiler = query.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        q = query.query
        columns = (*q.extra_select, *q.values_select, *q.annotation_select)
        types = tuple(
            expression.output_field.cast_db_type(connection) for expression, _, _ in compiler.select
        )
        if len(types) != len(columns):  # e.g. not a values() query: its rows would be misread
            raise ValueError(f"{name}: {len(columns)} columns but {len(types)} types")
        self.parts.append(_Part(name, columns, types, sql, params, shared_cases))

    def _shared(self, part: _Part) -> str | None:
        if not part.shared_cases:
            return part.sql
        sql, n = self._MAIN_CASE.subn(f"FROM {self.CASES} {self._CASE_TABLE}", part.sql)
        return sql if n == 1 else None

    def _cases_table(self, shared: list[str]) -> tuple[str, list[Any]] | None:
        """The common table expression the sharing queries read, or None if they cannot."""
        fields = {f.column: f.attname for f in Case._meta.concrete_fields}
        used = {"id"}
        for sql in shared:
            used |= set(re.findall(rf"{re.escape(self._CASE_TABLE)}\.\"(\w+)\"", sql))
        if not used <= fields.keys():
            return None
        cases = self.cohort.values(*(fields[column] for column in sorted(used)))
        sql, params = cases.query.sql_with_params()
        # Read once and kept, however many queries read it (PostgreSQL would otherwise fold
        # it into each query that reads it, and read the cases again for each).
        kept = " MATERIALIZED" if connection.vendor == "postgresql" else ""
        return f"WITH {self.CASES} AS{kept} ({sql}) ", list(params)

    def _statement(self) -> tuple[str, list[Any]]:
        shared = [self._shared(part) for part in self.parts]
        table = None
        if all(sql is not None for sql in shared):
            table = self._cases_table(shared)  # type: ignore[arg-type]
        prefix, params = table if table is not None else ("", [])
        # Each query's columns stand as NULL in the others' rows: typed, so that PostgreSQL,
        # matching the queries' column types pair by pair, never meets two untyped NULLs.
        nulls = [f"CAST(NULL AS {t})" for part in self.parts for t in part.types]
        offset = 0
        arms = []
        for index, (part, shared_sql) in enumerate(zip(self.parts, shared, strict=True)):
            sql = shared_sql if table is not None else part.sql
            end = offset + len(part.columns)
            columns = [*nulls[:offset], f'"part_{index}".*', *nulls[end:]]
            arms.append(f'SELECT {index}, {", ".join(columns)} FROM ({sql}) "part_{index}"')
            params += part.params
            offset += len(part.columns)
        return prefix + " UNION ALL ".join(arms), params

    def run(self) -> dict[str, list[dict[str, Any]]]:
        """{query name: its rows, each a dict by column name}."""
        sql, params = self._statement()
        if connection.vendor == "postgresql":
            # Parallel workers take longer to start than this statement's few thousand rows
            # take to read (30 ms against 14 at 100,000 cases). SET LOCAL ends with the
            # transaction: the implicit one of this one query string, outside atomic().
            sql = f"SET LOCAL max_parallel_workers_per_gather = 0; {sql}"
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
    """Add the outcomes (cases per reporting outcome) and the exemptions cited to `queries`."""
    queries.add("outcomes", queries.cohort.values("reporting_outcome").annotate(n=Count("pk")))
    queries.add("exemptions", _exemption_rows(queries.cohort), shared_cases=False)


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
    # Also the one range spanning them all, which an index scan can be bounded by (by an OR of
    # ranges it cannot: reading the covering index whole took 11 ms at 100,000 cases).
    span = _received(
        min(first for first, _ in periods.values()), max(last for _, last in periods.values())
    )
    return span & either


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
