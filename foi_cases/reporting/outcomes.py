"""Each case's reporting outcome: derived in SQL from its questions, stored on the case.

`annotate_reporting` derives each case's `ReportingOutcome` in SQL, and `refresh_reporting`
stores it on the case (`Case.reporting_outcome`). It is worked out from the per-question held
status and outcome, the procedural grounds cited (s12, s14), the case's status and, only where
no question carries a decision, the case outcome the final response recorded. The Cabinet
Office table categories and the s45 Code list are both mappings of that one value, so the two
reports cannot disagree.

The stored value is refreshed from one seam: the workflow's audit-event write
(`foi_cases.workflow._record`), which every change to a case, its questions or their
citations goes through. The same refresh rewrites the case's exemption and topic summary
rows (`reporting.summary`). Bulk writers call `refresh_reporting` themselves (seed_bulk
derives the outcome and summary rows it writes as it writes them), and the nightly
reconciliation (`tasks.reconcile_reporting_outcomes`) corrects any a missed path left.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Case as SqlCase
from django.db.models import Count, F, Q, QuerySet, Value, When

from foi_cases.models import Case, Question, ReportingOutcome
from foi_cases.reporting import daily, summary

Held = Question.Held
QOutcome = Question.Outcome


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

    Also rewrites their exemption and topic summary rows (`reporting.summary`) and their
    days' rows (`reporting.daily`), so every figure the period reports read is refreshed in
    the caller's transaction. Called for the
    case of every audit event the workflow writes (`workflow._record`) and by bulk writers.
    """
    outcomes_changed, _ = reconcile_reporting(case_ids)
    return outcomes_changed


def reconcile_reporting(case_ids: Iterable[int] | QuerySet | None = None) -> tuple[int, int]:
    """Refresh as `refresh_reporting` does: (outcomes changed, summary rows changed).

    The nightly reconciliation runs it over every case and reports any it had to correct, as
    a missed path would leave.
    """
    if case_ids is not None:
        return _refresh(Case.objects.filter(pk__in=case_ids))
    bounds = Case.objects.aggregate(first=models.Min("pk"), last=models.Max("pk"))
    if bounds["first"] is None:
        return 0, 0
    outcomes_changed = rows_changed = 0
    for start in range(bounds["first"], bounds["last"] + 1, REFRESH_CHUNK):
        chunk = Case.objects.filter(pk__gte=start, pk__lt=start + REFRESH_CHUNK)
        changed = _refresh(chunk, by_day=False)
        outcomes_changed += changed[0]
        rows_changed += changed[1]
    return outcomes_changed, rows_changed + daily.refresh(None)


def _refresh(cases: QuerySet, *, by_day: bool = True) -> tuple[int, int]:
    """Refresh these cases' outcome and summary rows (and, `by_day`, their days' rows)."""
    days = daily.days_of(cases) if by_day else set()
    derived = annotate_reporting(cases.order_by()).values("id", "derived_outcome")
    sql, params = derived.query.sql_with_params()
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        # Two transactions refreshing one case take turns: the second derives from the
        # first's committed rows, so neither leaves summary rows the other made stale.
        # (Raw SQL: outside a transaction, as the nightly run is, the lock is only momentary.)
        ids_sql, ids_params = cases.order_by().values("pk").query.sql_with_params()
        if connection.vendor == "postgresql":  # SQLite (make run) has one writer at a time
            cursor.execute(
                f"SELECT 1 FROM {table} WHERE id IN ({ids_sql}) ORDER BY id FOR UPDATE",
                ids_params,
            )
        cursor.execute(
            f'UPDATE {table} SET "reporting_outcome" = "derived"."derived_outcome" '
            f'FROM ({sql}) "derived" WHERE {table}."id" = "derived"."id" '
            f'AND {table}."reporting_outcome" <> "derived"."derived_outcome"',
            params,
        )
        outcomes_changed = cursor.rowcount
    return outcomes_changed, summary.refresh(cases) + daily.refresh(days)


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
    return outcome_counts_from(rows)


def outcome_counts_from(rows: Iterable[tuple[str, int]]) -> dict[str, int]:
    """{ReportingOutcome value: number of cases}, summed from (outcome, cases) groups."""
    counts = {value: 0 for value in R.values}
    for value, n in rows:
        counts[value] += n
    return counts


def cabinet_office_counts(outcomes: dict[str, int]) -> dict[str, int]:
    counts = {value: 0 for value in CO.values}
    for outcome, n in outcomes.items():
        counts[CABINET_OFFICE[outcome]] += n
    return counts
