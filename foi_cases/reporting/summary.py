"""The per-case summary rows a period's exemption and topic counts are read from.

`CaseExemptionSummary` holds, for each case, every exemption its citations cite (and on how
many questions); `CaseTopicSummary` each of its topics (or None for a case with none); both
carry the case's `received_at`, so a quarter's counts are one indexed GROUP BY over its rows
rather than a join of the quarter's 50,000 cases at a million to their citations and topics.

`refresh` rewrites the rows of some cases from their citations and topics; it runs wherever
the stored reporting outcome is refreshed (`outcomes.refresh_reporting`, from the workflow's
audit-event write), in the same transaction. `drift` compares every row with a recomputation:
the test suite runs it after every test. The reports read them in `statistics`
(`exemption_rows`, `topic_rows`).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count, F, Model, QuerySet

from foi_cases.models import Case, CaseExemptionSummary, CaseTopicSummary

# Each summary's columns, in the order its derivation selects them (case first).
EXEMPTION_COLUMNS = ("case_id", "exemption_id", "received_at", "questions")
TOPIC_COLUMNS = ("case_id", "topic_id", "received_at")


def _derived_exemptions(cases: QuerySet) -> QuerySet:
    from exemptions.models import ExemptionCitation

    return (
        ExemptionCitation.objects.filter(case__in=cases.order_by().values("pk"))
        .order_by()
        .values_list("case_id", "exemption_id")
        .annotate(received_at=F("case__received_at"), questions=Count("question", distinct=True))
    )


def _derived_topics(cases: QuerySet) -> QuerySet:
    # A left join: a case without topics gives one row with topic None.
    return (
        Case.objects.filter(pk__in=cases.order_by().values("pk"))
        .order_by()
        .values_list("pk", "topics", "received_at")
    )


SUMMARIES: tuple[tuple[type[Model], tuple[str, ...], Any], ...] = (
    (CaseExemptionSummary, EXEMPTION_COLUMNS, _derived_exemptions),
    (CaseTopicSummary, TOPIC_COLUMNS, _derived_topics),
)


def refresh(cases: QuerySet) -> int:
    """Make these cases' summary rows equal their derivation; how many rows changed.

    One statement per summary: rows no longer derived are deleted, rows newly derived are
    inserted, and rows already right are left alone (so a reconciliation can count
    corrections).
    """
    if connection.vendor != "postgresql":
        return _rewrite(cases)
    changed = 0
    with connection.cursor() as cursor:
        for model, columns, derive in SUMMARIES:
            derived_sql, derived_params = derive(cases).query.sql_with_params()
            ids_sql, ids_params = cases.order_by().values("pk").query.sql_with_params()
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(columns)
            # case_id by equality, so each side finds its matches through the case index.
            same = " AND ".join(
                ["d.case_id = s.case_id"]
                + [f"d.{name} IS NOT DISTINCT FROM s.{name}" for name in columns[1:]]
            )
            cursor.execute(
                f"WITH d ({names}) AS ({derived_sql}), "
                f"stale AS (DELETE FROM {table} s WHERE s.case_id IN ({ids_sql}) "
                f"AND NOT EXISTS (SELECT 1 FROM d WHERE {same}) RETURNING 1), "
                f"added AS (INSERT INTO {table} ({names}) SELECT {names} FROM d "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE {same}) RETURNING 1) "
                "SELECT (SELECT count(*) FROM stale) + (SELECT count(*) FROM added)",
                (*derived_params, *ids_params),
            )
            changed += cursor.fetchone()[0]
    return changed


def _rewrite(cases: QuerySet) -> int:
    """SQLite (make run), which has no data-modifying WITH: the rows that differ, rewritten."""
    changed = 0
    ids = cases.order_by().values("pk")
    for model, columns, derive in SUMMARIES:
        rows = model.objects.filter(case__in=ids)  # type: ignore[attr-defined]
        stored, derived = set(rows.values_list(*columns)), set(derive(cases))
        if stored == derived:
            continue
        rows.delete()
        model.objects.bulk_create(  # type: ignore[attr-defined]
            [model(**dict(zip(columns, row, strict=True))) for row in derived]
        )
        changed += len(stored ^ derived)
    return changed


def drift() -> list[tuple[str, tuple[Any, ...]]]:
    """("stored" or "derived", row) for every summary row not matched on the other side."""
    differences: list[tuple[str, tuple[Any, ...]]] = []
    for model, columns, derive in SUMMARIES:
        stored = set(model.objects.values_list(*columns))  # type: ignore[attr-defined]
        derived = set(derive(Case.objects.all()))
        differences += [("stored", row) for row in sorted(stored - derived, key=str)]
        differences += [("derived", row) for row in sorted(derived - stored, key=str)]
    return differences
