"""Who wrote or approved a case's decisions: the people separation of duties keeps out.

Read by both permission modules (foi_cases.permissions for reviewer conflicts,
exemptions.permissions for who may approve), so it depends on neither.
"""

from __future__ import annotations

from exemptions.models import ExemptionCitation, InternalHeldStatus, PublicInterestTest, Review
from foi_cases.models import Case, CaseEvent, Letter


def decision_authors(case: Case) -> set[int]:
    """Everyone who wrote, changed or submitted this case's decisions, and its officer."""
    authors: set[int] = set(
        CaseEvent.objects.filter(
            case=case,
            verb__in=(
                CaseEvent.Verb.DECISION_RECORDED,
                CaseEvent.Verb.SUBMITTED_FOR_REVIEW,
                # Redactions are approved with the decisions.
                CaseEvent.Verb.RECORD_REDACTED,
                CaseEvent.Verb.RECORD_REDACTION_REMOVED,
                CaseEvent.Verb.RECORD_RESPONSIVENESS,
            ),
            actor__isnull=False,
        ).values_list("actor_id", flat=True)
    )
    for created, updated in ExemptionCitation.objects.filter(question__case=case).values_list(
        "created_by_id", "updated_by_id"
    ):
        authors.update((created, updated))
    authors.update(
        PublicInterestTest.objects.filter(question__case=case).values_list(
            "recorded_by_id", flat=True
        )
    )
    authors.update(Review.objects.filter(case=case).values_list("submitted_by_id", flat=True))
    if case.assigned_to_id:
        authors.add(case.assigned_to_id)
    return authors


def original_decision_makers(case: Case) -> set[int]:
    """Everyone who made or approved the original decisions: they cannot review them.

    The officer the case was assigned to; the authors and editors of exemption decisions,
    public interest tests and internal held statuses; whoever submitted, reviewed or
    approved the decisions; and whoever composed, edited or approved a letter other than a
    review outcome.
    """
    people: set[int | None] = {case.assigned_to_id}
    for row in ExemptionCitation.objects.filter(question__case=case).values_list(
        "created_by_id", "updated_by_id"
    ):
        people.update(row)
    people.update(
        PublicInterestTest.objects.filter(question__case=case).values_list(
            "recorded_by_id", flat=True
        )
    )
    people.update(
        InternalHeldStatus.objects.filter(question__case=case).values_list(
            "recorded_by_id", flat=True
        )
    )
    for row in Review.objects.filter(case=case).values_list(
        "submitted_by_id", "reviewed_by_id", "manager_approved_by_id"
    ):
        people.update(row)
    for row in (
        Letter.objects.filter(case=case)
        .exclude(kind=Letter.Kind.INTERNAL_REVIEW)
        .values_list("composed_by_id", "edited_by_id", "reviewed_by_id", "approved_by_id")
    ):
        people.update(row)
    people.discard(None)
    return {pk for pk in people if pk is not None}
