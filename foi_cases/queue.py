"""The review queue: decisions and letters waiting for a reviewer or a manager's approval.

A reviewer sees the work they can open and may review (`permissions.may_review`) that is
allocated to them or to nobody; a manager sees everything waiting, to allocate it, and what
waits for their second approval. Unallocated work comes first, then the oldest deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse

from exemptions.models import Review
from exemptions.permissions import review_queue_for
from foi_cases import team
from foi_cases.models import Case, Letter
from foi_cases.permissions import (
    can_view_case,
    cases_visible_to,
    is_manager,
    is_reviewer,
    may_review,
    may_second_approve,
)


@dataclass
class QueueItem:
    case: Case
    work: Any  # a Review or a Letter
    what: str
    url: str
    next_to_act: str
    allocated: bool
    allocation: dict[str, Any] | None = field(default=None)

    @property
    def due(self) -> dt.date | None:
        return self.case.current_due_on


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _second_stage(work: Any) -> bool:
    if isinstance(work, Letter):
        return work.status == Letter.Status.AWAITING_MANAGER
    return work.status == Review.Status.AWAITING_MANAGER


def next_to_act(work: Any) -> str:
    """Who still has to act on work waiting for approval, in words; "" if nobody."""
    if _second_stage(work):
        return (
            f"A manager's second approval (first approved by {_name(work.reviewed_by)}); "
            "any manager who took no part in it"
        )
    waiting = (
        work.waits_for_review if isinstance(work, Letter) else work.status == Review.Status.PENDING
    )
    if not waiting:
        return ""
    if work.reviewer is not None:
        return f"{_name(work.reviewer)}, the allocated reviewer"
    return "Any independent reviewer who takes it from the review queue, or one a manager allocates"


def allocate_url(work: Any) -> str:
    if isinstance(work, Letter):
        return reverse("letter_allocate", args=[work.case.reference, work.pk])
    return reverse("decision_review_allocate", args=[work.case.reference])


def allocation_choices(user: Any, case: Case, work: Any) -> dict[str, Any] | None:
    """What this user may do about who reviews the work: take it, or (a manager) allocate it."""
    if work is None or _second_stage(work):
        return None
    if isinstance(work, Letter):
        waiting = work.status == Letter.Status.DRAFT and work.waits_for_review
    else:
        waiting = work.status == Review.Status.PENDING and case.status == Case.Status.IN_REVIEW
    if not waiting:
        return None
    take = work.reviewer_id is None and team.may_allocate(
        case, actor=user, reviewer=user, work=work
    )
    reviewers = team.eligible_reviewers(case, work=work) if is_manager(user) else []
    if not take and not reviewers:
        return None
    return {"url": allocate_url(work), "take": take, "reviewers": reviewers, "me": user.pk}


def _decision_items(user: Any) -> list[QueueItem]:
    cases = review_queue_for(user).select_related("assigned_to")
    reviews = {
        r.case_id: r
        for r in Review.objects.filter(
            case__in=[c.pk for c in cases],
            status__in=(Review.Status.PENDING, Review.Status.AWAITING_MANAGER),
        ).select_related("reviewer", "reviewed_by", "case")
    }
    items = []
    for case in cases:
        review = reviews.get(case.pk)
        if review is None:
            continue
        items.append(
            QueueItem(
                case=case,
                work=review,
                what=f"Decisions (round {review.round})",
                url=reverse("decision_review", args=[case.reference]),
                next_to_act=next_to_act(review),
                allocated=review.reviewer_id is not None or _second_stage(review),
                allocation=allocation_choices(user, case, review),
            )
        )
    return items


def _letter_items(user: Any) -> list[QueueItem]:
    waiting = Q(
        status=Letter.Status.DRAFT,
        submitted_at__isnull=False,
        returned_at__isnull=True,
        sent_at__isnull=True,
    )
    wanted = Q(pk__in=[])
    if is_reviewer(user):
        wanted |= waiting & (Q(reviewer__isnull=True) | Q(reviewer=user.pk))
    if is_manager(user):
        wanted |= waiting | (Q(status=Letter.Status.AWAITING_MANAGER) & ~Q(reviewed_by=user.pk))
    letters = (
        Letter.objects.filter(wanted, case__in=cases_visible_to(user))
        .select_related("case", "case__assigned_to", "reviewer", "reviewed_by")
        .order_by("submitted_at", "pk")
    )
    items = []
    for letter in letters:
        case = letter.case
        if _second_stage(letter):
            mine = may_second_approve(
                user, case, work=letter, first_approver_id=letter.reviewed_by_id
            )
        else:
            mine = is_manager(user) or may_review(user, case, work=letter)
        if not mine or not can_view_case(user, case):
            continue
        items.append(
            QueueItem(
                case=case,
                work=letter,
                what=f"{letter.get_kind_display()} letter, version {letter.version}",
                url=letter.get_absolute_url(),
                next_to_act=next_to_act(letter),
                allocated=letter.reviewer_id is not None or _second_stage(letter),
                allocation=allocation_choices(user, case, letter),
            )
        )
    return items


def items_for(user: Any) -> list[QueueItem]:
    """Everything waiting for this user, unallocated first, then the oldest deadline."""
    items = _decision_items(user) + _letter_items(user)
    return sorted(
        items,
        key=lambda item: (
            item.allocated,
            item.due is None,
            item.due or dt.date.max,
            item.case.reference,
        ),
    )
