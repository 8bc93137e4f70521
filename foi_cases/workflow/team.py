"""The case team and reviewer allocation: plain functions that take the acting user.

A case's team is its officer plus the people on `Case.team`. For a restricted case it is the
need-to-know list: only the team and managers can open the case. Every addition and removal
is a CaseEvent saying who, when and why; allocating a reviewer to a restricted case adds them
to the team, and the allocation's event says so.

Who may review what is `permissions.may_review` (separation of duties), used alike for
decisions, letters and internal reviews.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from exemptions.models import Review
from foi_cases import notifications
from foi_cases.models import Case, CaseEvent, Letter
from foi_cases.permissions import (
    DECISIONS,
    REVIEWER,
    can_edit_case,
    can_manage_team,
    is_manager,
    is_on_case_team,
    may_review,
    reviewer_conflicts,
)
from foi_cases.workflow.core import InvalidTransition, record

Verb = CaseEvent.Verb


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def join_if_restricted(case: Case, user: User) -> bool:
    """Put someone given work on a restricted case on its team; True if they were added."""
    if not case.restricted or is_on_case_team(user, case):
        return False
    case.team.add(user)
    return True


@transaction.atomic
def add_team_member(case: Case, *, actor: User, member: User, reason: str) -> Case:
    """Give someone access to the case (need to know), recording who added them and why."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_manage_team(actor, case):
        raise PermissionDenied("Only a manager can change the team of a restricted case.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why they need to be on the case."})
    if not member.is_active:
        raise ValidationError({"member": "Choose someone whose account is active."})
    if is_on_case_team(member, case):
        raise ValidationError({"member": f"{_name(member)} is already on the team."})
    case.team.add(member)
    record(
        case,
        Verb.TEAM_MEMBER_ADDED,
        actor=actor,
        member=member.get_username(),
        reason=reason.strip(),
    )
    return case


@transaction.atomic
def remove_team_member(case: Case, *, actor: User, member: User, reason: str) -> Case:
    """Take someone off the case; they lose access to a restricted case at once.

    Work allocated to them that still waits (decisions or a letter to review) goes back to
    the review queue.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_manage_team(actor, case):
        raise PermissionDenied("Only a manager can change the team of a restricted case.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why they are taken off the case."})
    if case.assigned_to_id == member.pk:
        raise ValidationError(
            "This is the case's officer: assign the case to someone else before removing them."
        )
    if not case.team.filter(pk=member.pk).exists():
        raise ValidationError(f"{_name(member)} is not on the team.")
    case.team.remove(member)
    reviews = Review.objects.filter(case=case, reviewer=member, status=Review.Status.PENDING)
    letters = Letter.objects.filter(
        case=case, reviewer=member, status=Letter.Status.DRAFT, sent_at__isnull=True
    )
    unallocated = reviews.update(reviewer=None) + letters.update(reviewer=None)
    record(
        case,
        Verb.TEAM_MEMBER_REMOVED,
        actor=actor,
        member=member.get_username(),
        reason=reason.strip(),
        unallocated=unallocated,
    )
    return case


@transaction.atomic
def set_manager_clearance(case: Case, *, actor: User, required: bool | None, reason: str) -> Case:
    """Whether a restricted case's reviewers are allocated by a manager and its decisions and
    letters need a manager's second approval; None follows the service's default.

    Work already sent for review keeps the clearance it was sent with.
    """
    if not is_manager(actor):
        raise PermissionDenied("Only a manager can change a case's clearance.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the clearance changes."})
    case = Case.objects.select_for_update().get(pk=case.pk)
    Case.objects.filter(pk=case.pk).update(manager_clearance=required)
    case.manager_clearance = required
    record(
        case,
        Verb.RESTRICTION_CHANGED,
        actor=actor,
        restricted=case.restricted,
        manager_clearance=required,
        reason=reason.strip(),
    )
    return case


def team_of(case: Case) -> list[User]:
    """The officer first, then the other members by name."""
    members = list(case.team.order_by("first_name", "last_name", "username"))
    officer = case.assigned_to
    if officer is not None:
        members = [officer] + [m for m in members if m.pk != officer.pk]
    return members


def team_history(case: Case) -> QuerySet[CaseEvent]:
    """Every change to the team: additions, removals, and reviewers added by allocation."""
    allocations = (
        Verb.REVIEWER_ALLOCATED,
        Verb.SUBMITTED_FOR_REVIEW,
        Verb.LETTER_SUBMITTED,
        Verb.REVIEWER_ASSIGNED,
    )
    return (
        case.events.filter(
            Q(verb__in=(Verb.TEAM_MEMBER_ADDED, Verb.TEAM_MEMBER_REMOVED))
            | Q(verb__in=allocations, data__added_to_team=True)
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


# --- Reviewer allocation --------------------------------------------------------------------


def work_of(work: Any) -> Any:
    """The work a reviewer is allocated to, as `may_review` takes it."""
    return work if isinstance(work, Letter) else DECISIONS


def eligible_reviewers(case: Case, *, work: Any) -> list[User]:
    """Active reviewers independent of `work` (a Review or a Letter), by name."""
    reviewers = (
        get_user_model()
        .objects.filter(groups__name=REVIEWER, is_active=True)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )
    # may_review for each of them, with the conflicts read once rather than per reviewer.
    conflicts = reviewer_conflicts(case, work=work_of(work))
    return [r for r in reviewers if r.pk not in conflicts]


def check_allocation(
    case: Case, *, actor: User, reviewer: User, work: Any, at_submission: bool = False
) -> None:
    """Refuse an allocation the rules forbid; say why.

    1. The reviewer must be independent of the work (`may_review`).
    2. A manager may allocate anyone; the officer may choose when sending the work for
       review; a reviewer may take unallocated work for themselves, except a restricted
       case they are not on whose settings leave allocation to a manager.
    """
    if not reviewer.is_active or not may_review(reviewer, case, work=work_of(work)):
        raise ValidationError(
            {
                "reviewer": f"{_name(reviewer)} cannot review this: only a reviewer who wrote "
                "and edited none of it and is not the case's officer can."
            }
        )
    if is_manager(actor) or (at_submission and can_edit_case(actor, case)):
        return
    if actor.pk != reviewer.pk:
        raise PermissionDenied("Only a manager can allocate a reviewer.")
    if work.reviewer_id not in (None, actor.pk):
        raise ValidationError("This is allocated to another reviewer; a manager can reallocate it.")
    if case.needs_manager_clearance and not is_on_case_team(actor, case):
        raise PermissionDenied(
            "A manager allocates the reviewers of this restricted case: ask a manager."
        )


def may_allocate(case: Case, *, actor: User, reviewer: User, work: Any) -> bool:
    """Whether `check_allocation` would let `actor` allocate `reviewer` to the work."""
    try:
        check_allocation(case, actor=actor, reviewer=reviewer, work=work)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _describe(work: Any) -> dict[str, Any]:
    if isinstance(work, Letter):
        return {"work": "letter", "letter": work.pk, "kind": work.kind, "version": work.version}
    return {"work": "decisions", "review": work.round}


@transaction.atomic
def allocate_reviewer(work: Any, *, actor: User, reviewer: User) -> Any:
    """Allocate (or reallocate) the reviewer of decisions waiting (a Review) or of a letter.

    The reviewer joins a restricted case's team, and is told unless they took it themselves.
    """
    case = Case.objects.select_for_update().get(pk=work.case_id)
    work = type(work).objects.select_for_update().get(pk=work.pk)
    if isinstance(work, Review):
        waiting = work.status == Review.Status.PENDING and case.status == Case.Status.IN_REVIEW
    else:
        waiting = work.status == Letter.Status.DRAFT and work.waits_for_review
    if not waiting:
        raise InvalidTransition("This is no longer waiting for a reviewer.")
    check_allocation(case, actor=actor, reviewer=reviewer, work=work)
    previous = work.reviewer
    type(work).objects.filter(pk=work.pk).update(reviewer=reviewer)
    work.reviewer = reviewer
    added = join_if_restricted(case, reviewer)
    record(
        case,
        Verb.REVIEWER_ALLOCATED,
        actor=actor,
        reviewer=reviewer.get_username(),
        previous=previous.get_username() if previous else None,
        added_to_team=added,
        **_describe(work),
    )
    if actor.pk != reviewer.pk:
        if isinstance(work, Letter):
            notifications.notify_letter_waiting(work, actor=actor)
        else:
            notifications.notify_review_waiting(case, actor=actor, reviewer=reviewer)
    return work
