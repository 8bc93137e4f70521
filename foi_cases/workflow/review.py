"""The review of a case's decisions: submit, return, approve, and withdraw an approval."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from exemptions.models import ExemptionCitation, Review, ReviewComment, ReviewDraftComment
from exemptions.permissions import can_decide, can_review, can_second_approve
from foi_cases import approval, notifications
from foi_cases.models import Case, CaseEvent, Question
from foi_cases.permissions import is_manager, is_reviewer
from foi_cases.workflow import consistency, core, decisions, team
from foi_cases.workflow.core import InvalidTransition

Status = Case.Status
Verb = CaseEvent.Verb
User = User


@transaction.atomic
def submit_for_review(case: Case, *, actor: User, reviewer: User | None = None) -> Review:
    """Send the case's decisions for review (IN_PROGRESS → IN_REVIEW).

    With a reviewer, the decisions are allocated to them (who joins a restricted case's team);
    without, they wait in the review queue for a reviewer to take them.
    """
    decisions.lock_case(case)
    decisions.require_decider(case, actor)
    if case.status != Status.IN_PROGRESS:
        current = Status(case.status).label.lower()
        raise InvalidTransition(f"You cannot submit for review a case that is {current}.")
    problems = decisions.readiness_problems(case)
    if problems:
        raise ValidationError(problems)
    content_hash = approval.decisions_hash(case)
    round_number = (Review.objects.filter(case=case).aggregate(top=Max("round"))["top"] or 0) + 1
    core.move(case, Status.IN_REVIEW, action="submit for review")
    review = Review.objects.create(
        case=case,
        round=round_number,
        submitted_by=actor,
        submitted_hash=content_hash,
        # The text as sent: round two shows the reviewer what changed since a return.
        submitted_content=approval.canonical_decisions(case),
        needs_manager_approval=case.needs_manager_clearance,
    )
    if reviewer is not None:
        # After creating the review, so that the submitter counts as an author.
        team.check_allocation(case, actor=actor, reviewer=reviewer, work=review, at_submission=True)
        Review.objects.filter(pk=review.pk).update(reviewer=reviewer)
        review.reviewer = reviewer
    core.record(
        case,
        Verb.SUBMITTED_FOR_REVIEW,
        actor=actor,
        review=review.round,
        decisions_hash=content_hash,
        needs_manager_approval=review.needs_manager_approval,
        reviewer=reviewer.get_username() if reviewer else None,
        added_to_team=bool(reviewer and team.join_if_restricted(case, reviewer)),
    )
    notifications.notify_review_waiting(case, actor=actor, reviewer=reviewer)
    return review


def _open_review(case: Case) -> Review:
    review = approval.current_review(case)
    if (
        case.status != Status.IN_REVIEW
        or review is None
        or review.status
        not in (
            Review.Status.PENDING,
            Review.Status.AWAITING_MANAGER,
        )
    ):
        current = Status(case.status).label.lower()
        raise InvalidTransition(f"There is nothing to review: the case is {current}.")
    return review


def _refuse_self_review(case: Case, actor: User, review: Review) -> None:
    if not can_review(actor, case):
        if not is_reviewer(actor):
            raise decisions.NotAllowed("Only a reviewer can approve or return decisions.")
        raise decisions.NotAllowed(
            "You wrote, changed or submitted decisions on this case, or it is assigned to you, "
            "so another reviewer must review them."
        )
    if review.reviewer_id not in (None, actor.pk):
        raise decisions.NotAllowed(
            "These decisions are allocated to another reviewer; a manager can reallocate them."
        )


@transaction.atomic
def return_decisions(
    case: Case,
    *,
    actor: User,
    comments: Mapping[int, str],
    question_comments: Mapping[int, str] | None = None,
    note: str = "",
) -> Review:
    """Send decisions back to the officer with a comment on each one to revise."""
    decisions.lock_case(case)
    review = _open_review(case)
    if review.status == Review.Status.AWAITING_MANAGER:
        if not can_second_approve(actor, case, review.reviewed_by_id):
            raise decisions.NotAllowed(
                "Only a manager who took no part in these decisions can return them."
            )
    else:
        _refuse_self_review(case, actor, review)
    citations = {
        c.pk: c for c in ExemptionCitation.objects.filter(question__case=case, pk__in=comments)
    }
    questions = {
        q.pk: q for q in Question.objects.filter(case=case, pk__in=question_comments or {})
    }
    rows = [
        ReviewComment(
            review=review,
            question_id=citations[pk].question_id,
            citation=citations[pk],
            text=text.strip(),
            author=actor,
        )
        for pk, text in comments.items()
        if pk in citations and text.strip()
    ] + [
        ReviewComment(review=review, question=questions[pk], text=text.strip(), author=actor)
        for pk, text in (question_comments or {}).items()
        if pk in questions and text.strip()
    ]
    if not rows:
        raise ValidationError("Comment on at least one decision to say what needs revising.")
    core.move(case, Status.IN_PROGRESS, action="return the decisions of")
    ReviewComment.objects.bulk_create(rows)
    # The drafts gathered page by page are now sent: they go with the same transaction.
    ReviewDraftComment.objects.filter(review=review).delete()
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.RETURNED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        note=note.strip(),
    )
    core.record(
        case,
        Verb.DECISION_RETURNED,
        actor=actor,
        review=review.round,
        citations=sorted(pk for pk in comments if pk in citations and comments[pk].strip()),
        questions=sorted(
            questions[pk].number
            for pk, text in (question_comments or {}).items()
            if pk in questions and text.strip()
        ),
    )
    officer = case.assigned_to or review.submitted_by
    notifications.notify_returned(case, officer=officer, actor=actor)
    review.refresh_from_db()
    return review


@transaction.atomic
def approve_decisions(case: Case, *, actor: User, note: str = "") -> Review:
    """Approve the decisions as they stand, recording who, when and their hash.

    1. A reviewer who wrote none of them (the allocated one, if any) approves; unless the
       case is restricted and needs manager clearance, the case becomes APPROVED.
    2. Otherwise a manager, neither an author nor the first approver, approves it second.
    """
    decisions.lock_case(case)
    review = _open_review(case)
    content_hash = approval.decisions_hash(case)
    if content_hash != review.submitted_hash:
        raise ValidationError(
            "The decisions changed after they were submitted. Return them to the officer."
        )
    consistency.check_before_approval(case, review_round=review.round)
    now = timezone.now()
    if review.status == Review.Status.PENDING:
        _refuse_self_review(case, actor, review)
        final = not review.needs_manager_approval
        update: dict[str, Any] = {
            "reviewed_by": actor,
            "reviewed_at": now,
            "note": note.strip(),
            "status": Review.Status.APPROVED if final else Review.Status.AWAITING_MANAGER,
            "approved_hash": content_hash,
        }
        stage = "reviewer"
    else:
        if not is_manager(actor):
            raise decisions.NotAllowed("This restricted case needs a manager's second approval.")
        if not can_second_approve(actor, case, review.reviewed_by_id):
            raise decisions.NotAllowed(
                "You took part in these decisions or their first approval, so another manager "
                "must give the second approval."
            )
        if content_hash != review.approved_hash:
            raise ValidationError("The decisions changed after the first approval.")
        final = True
        update = {
            "manager_approved_by": actor,
            "manager_approved_at": now,
            "status": Review.Status.APPROVED,
        }
        stage = "manager"
    if final:
        core.move(case, Status.APPROVED, action="approve")
    Review.objects.filter(pk=review.pk).update(**update)
    ReviewDraftComment.objects.filter(review=review).delete()
    core.record(
        case,
        Verb.APPROVED,
        actor=actor,
        review=review.round,
        stage=stage,
        final=final,
        decisions_hash=content_hash,
    )
    review.refresh_from_db()
    return review


def can_withdraw_approval(user: User, case: Case) -> bool:
    """Who may take back an approval: the assigned officer or a manager."""
    return can_decide(user, case) or is_manager(user)


@transaction.atomic
def withdraw_approval(case: Case, *, actor: User, reason: str) -> Case:
    """Take back an approval by hand (an edit to approved decisions does this itself)."""
    decisions.lock_case(case)
    if not can_withdraw_approval(actor, case):
        raise PermissionDenied("Only the assigned officer or a manager can withdraw approval.")
    if case.status != Status.APPROVED:
        raise InvalidTransition("Only approved decisions can have their approval withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the approval is withdrawn."})
    decisions.withdraw_standing_approval(case, actor=actor, reason=reason.strip())
    return case
