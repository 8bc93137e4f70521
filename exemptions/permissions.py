"""Who may decide, review and approve a case's exemption decisions, and see NCND truths.

The rule that matters most: nobody approves decisions they wrote. "Wrote" means recorded
or changed any decision on the case (every such change leaves a DECISION_RECORDED event
with its actor), submitted it for review, or is its assigned officer.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from exemptions.authorship import decision_authors
from exemptions.models import Review
from foi_cases.models import Case, CaseEvent
from foi_cases.permissions import (
    DECISIONS,
    AnyUser,
    can_edit_case,
    can_view_case,
    cases_visible_to,
    is_manager,
    is_on_case_team,
    is_reviewer,
    may_review,
    may_second_approve,
)


def wrote_decisions(user: AnyUser, case: Case) -> bool:
    return bool(user.is_authenticated and user.pk in decision_authors(case))


def can_decide(user: AnyUser, case: Case) -> bool:
    """Record held status, outcomes and exemption decisions: the assigned officer or a manager."""
    return can_edit_case(user, case)


def can_review(user: AnyUser, case: Case) -> bool:
    """Approve or return: a reviewer who may see the case and wrote none of its decisions."""
    return can_view_case(user, case) and may_review(user, case, work=DECISIONS)


def can_second_approve(user: AnyUser, case: Case, first_approver_id: int | None) -> bool:
    """A manager's second approval of a restricted case: not an author, not the first approver."""
    return may_second_approve(user, case, work=DECISIONS, first_approver_id=first_approver_id)


def can_see_internal_held(user: AnyUser, case: Case) -> bool:
    """The truth behind an NCND answer: the case's people, managers, and its reviewer."""
    if not can_view_case(user, case):
        return False
    if is_manager(user) or is_on_case_team(user, case):
        return True
    if not is_reviewer(user):
        return False
    latest = Review.objects.filter(case=case).order_by("-round").first()
    if latest is None:
        return False
    if latest.reviewed_by_id == user.pk:
        return True
    return latest.status == Review.Status.PENDING and not wrote_decisions(user, case)


def review_queue_for(user: AnyUser) -> QuerySet[Case]:
    """Cases whose decisions wait for this user: unallocated ones first, then oldest deadline.

    A reviewer sees the cases they can open whose decisions are allocated to them or to
    nobody, unless they wrote them; a manager sees every case waiting (to allocate a
    reviewer) and those waiting for a second approval they may give.
    """
    wanted = Q(pk__in=[])
    if is_reviewer(user):
        wanted |= Q(status=Review.Status.PENDING) & (Q(reviewer__isnull=True) | Q(reviewer=user.pk))
    if is_manager(user):
        wanted |= Q(status=Review.Status.PENDING)
        wanted |= Q(status=Review.Status.AWAITING_MANAGER) & ~Q(reviewed_by=user.pk)
    waiting = Review.objects.filter(wanted, case=OuterRef("pk"))
    allocated = Review.objects.filter(
        case=OuterRef("pk"), status=Review.Status.PENDING, reviewer__isnull=False
    )
    authored = CaseEvent.objects.filter(
        case=OuterRef("pk"),
        actor=user.pk,
        verb__in=(CaseEvent.Verb.DECISION_RECORDED, CaseEvent.Verb.SUBMITTED_FOR_REVIEW),
    )
    return (
        cases_visible_to(user)
        .filter(Exists(waiting), status=Case.Status.IN_REVIEW)
        .exclude(Exists(authored))
        .exclude(assigned_to=user.pk)
        .annotate(current_due=Coalesce("extended_due_on", "due_on"), allocated=Exists(allocated))
        .order_by("allocated", F("current_due").asc(nulls_last=True), "received_at", "reference")
    )
