"""After the response: internal review, ICO complaints and tribunal appeals.

Business refusals are ValidationErrors for the view to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from foi_cases.bank_holidays import calendar_for
from foi_cases.deadlines import receipt_date, review_due_dates
from foi_cases.models import (
    Case,
    CaseEvent,
    ICOComplaint,
    InternalReview,
    Letter,
    Question,
    TribunalAppeal,
)
from foi_cases.permissions import (
    INTERNAL_REVIEW,
    can_record_after_response,
    is_manager,
    is_reviewer,
    may_review,
)
from foi_cases.workflow import core, team
from foi_cases.workflow.core import ConcurrentUpdate, InvalidTransition
from foi_cases.workflow.letters import compose_letter

Status = Case.Status
Verb = CaseEvent.Verb
User = User

LATE_REVIEW_WORKING_DAYS = 40
ICO_STEPS_DAYS = 35
TRIBUNAL_APPEAL_DAYS = 28


def check_reviewer_independent(case: Case, reviewer: User) -> None:
    if not (is_reviewer(reviewer) or is_manager(reviewer)):
        raise ValidationError({"reviewer": "The internal reviewer must be a reviewer or manager."})
    if not may_review(reviewer, case, work=INTERNAL_REVIEW):
        raise ValidationError(
            {
                "reviewer": f"{reviewer.get_username()} made or approved part of the original "
                "decision, so cannot review it. Choose someone who was not involved."
            }
        )


@transaction.atomic
def request_internal_review(
    case: Case, *, actor: User, requested_on: dt.date, grounds: str = ""
) -> InternalReview:
    """Log a requester's request for internal review, with its own deadline.

    A request made more than 40 working days after the response is flagged: the EIR (reg 11)
    and FOISA (s20) make that the limit, and under FOIA an authority may decline it.
    """
    core.require(can_record_after_response(actor), "Only FOI staff can log a review request.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    responded_on = core.response_date(case)
    if responded_on is None or case.status not in (Status.RESPONDED, Status.CLOSED):
        raise InvalidTransition("An internal review can only follow a response.")
    core.check_not_future(requested_on, "requested_on")
    if requested_on < responded_on:
        raise ValidationError({"requested_on": "The date cannot be before the response."})
    if case.internal_reviews.open().exists():
        raise InvalidTransition("An internal review of this case is already open.")
    calendar = calendar_for(case.regime)
    elapsed = calendar.working_days_between(responded_on, receipt_date(requested_on))
    target, latest = review_due_dates(requested_on, case.regime, calendar)
    try:
        with transaction.atomic():
            review = InternalReview.objects.create(
                case=case,
                requested_on=requested_on,
                grounds=grounds.strip(),
                working_days_after_response=elapsed,
                requested_late=elapsed > LATE_REVIEW_WORKING_DAYS,
                target_due_on=target,
                due_on=latest,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise ConcurrentUpdate("Someone logged a review of this case a moment ago.") from exc
    core.record(
        case,
        Verb.REVIEW_REQUESTED,
        actor=actor,
        review=review.pk,
        requested_on=requested_on.isoformat(),
        working_days_after_response=elapsed,
        late=review.requested_late,
        target_due_on=target.isoformat(),
        due_on=latest.isoformat(),
    )
    return review


def _locked_review(review: InternalReview) -> InternalReview:
    return InternalReview.objects.select_for_update().select_related("case").get(pk=review.pk)


@transaction.atomic
def assign_internal_reviewer(
    review: InternalReview, *, actor: User, reviewer: User
) -> InternalReview:
    """Give the review to someone who made and approved none of the original decisions."""
    core.require(is_manager(actor), "Only a manager can assign an internal reviewer.")
    review = _locked_review(review)
    if not review.is_open:
        raise InvalidTransition("This internal review has already been decided.")
    check_reviewer_independent(review.case, reviewer)
    review.reviewer = reviewer
    review.save(update_fields=["reviewer"])
    core.record(
        review.case,
        Verb.REVIEWER_ASSIGNED,
        actor=actor,
        review=review.pk,
        reviewer=reviewer.get_username(),
        added_to_team=team.join_if_restricted(review.case, reviewer),
    )
    return review


@transaction.atomic
def decide_internal_review(
    review: InternalReview,
    *,
    actor: User,
    outcome: str,
    reasons: str,
    reopen: Sequence[Question] = (),
) -> InternalReview:
    """Record the reviewer's outcome; an overturned decision reopens the affected questions.

    1. Only the assigned reviewer decides, and independence is checked again now, since
       they may have touched the case after being assigned.
    2. Overturned (all questions unless some are chosen) or upheld in part (the chosen
       questions) moves the case back into progress for new decisions.
    3. The outcome letter is composed by the letters pipeline (its own LETTER_COMPOSED
       event), for the reviewer to complete and another reviewer to approve.
    """
    review = _locked_review(review)
    case = review.case
    if not review.is_open:
        raise InvalidTransition("This internal review has already been decided.")
    if review.reviewer_id is None:
        raise InvalidTransition("Assign an internal reviewer first.")
    core.require(
        actor.pk == review.reviewer_id, "Only the assigned internal reviewer can decide it."
    )
    check_reviewer_independent(case, actor)
    if outcome not in InternalReview.Outcome.values:
        raise ValidationError({"outcome": "Choose upheld, upheld in part or overturned."})
    if not reasons.strip():
        raise ValidationError({"reasons": "Give the reasons for the outcome."})
    questions = [q for q in reopen if q.case_id == case.pk]
    if outcome == InternalReview.Outcome.OVERTURNED and not questions:
        questions = list(case.questions.all())
    if outcome == InternalReview.Outcome.UPHELD:
        questions = []
    updated = InternalReview.objects.filter(pk=review.pk, outcome="").update(
        outcome=outcome, outcome_reasons=reasons.strip(), decided_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentUpdate("Someone decided this review a moment ago. Reload the page.")
    review.refresh_from_db()
    review.reopened_questions.set(questions)
    if questions and case.status != Status.IN_PROGRESS:
        core.move(case, Status.IN_PROGRESS, action="reopen")
    core.record(
        case,
        Verb.REVIEW_DECIDED,
        actor=actor,
        review=review.pk,
        outcome=outcome,
        reopened_questions=sorted(q.number for q in questions),
    )
    letter = compose_letter(case, actor=actor, kind=Letter.Kind.INTERNAL_REVIEW)
    InternalReview.objects.filter(pk=review.pk).update(letter=letter)
    review.letter = letter
    return review


def _locked_complaint(complaint: ICOComplaint) -> ICOComplaint:
    return ICOComplaint.objects.select_for_update().select_related("case").get(pk=complaint.pk)


@transaction.atomic
def record_ico_complaint(
    case: Case,
    *,
    actor: User,
    ico_reference: str,
    notified_on: dt.date,
    submissions_due_on: dt.date | None = None,
) -> ICOComplaint:
    core.require(can_record_after_response(actor), "Only FOI staff can record a complaint.")
    if core.response_date(case) is None and case.is_open and not case.is_overdue:
        raise InvalidTransition("An ICO complaint follows a response or a missed deadline.")
    if not ico_reference.strip():
        raise ValidationError({"ico_reference": "Enter the ICO's reference."})
    core.check_not_future(notified_on, "notified_on")
    complaint = ICOComplaint.objects.create(
        case=case,
        ico_reference=ico_reference.strip(),
        notified_on=notified_on,
        submissions_due_on=submissions_due_on,
        created_by=actor,
    )
    core.record(
        case,
        Verb.ICO_COMPLAINT,
        actor=actor,
        complaint=complaint.pk,
        ico_reference=complaint.ico_reference,
        notified_on=notified_on.isoformat(),
    )
    return complaint


@transaction.atomic
def record_decision_notice(
    complaint: ICOComplaint,
    *,
    actor: User,
    notice_on: dt.date,
    outcome: str,
    steps_required: str = "",
    steps_due_on: dt.date | None = None,
) -> ICOComplaint:
    """Record the decision notice; required steps are due 35 calendar days later by default."""
    core.require(can_record_after_response(actor), "Only FOI staff can record a decision.")
    complaint = _locked_complaint(complaint)
    if complaint.decision_notice_on is not None:
        raise InvalidTransition("The decision notice for this complaint is already recorded.")
    if outcome not in ICOComplaint.Outcome.values:
        raise ValidationError({"outcome": "Choose the outcome of the decision notice."})
    core.check_not_future(notice_on, "notice_on")
    if notice_on < complaint.notified_on:
        raise ValidationError({"notice_on": "The notice cannot be before the complaint."})
    steps_required = steps_required.strip()
    if steps_required and steps_due_on is None:
        steps_due_on = notice_on + dt.timedelta(days=ICO_STEPS_DAYS)
    if not steps_required:
        steps_due_on = None
    complaint.decision_notice_on = notice_on
    complaint.outcome = outcome
    complaint.steps_required = steps_required
    complaint.steps_due_on = steps_due_on
    complaint.closed_on = None if steps_required else notice_on
    complaint.save()
    appeal_due_on = complaint.appeal_due_on
    assert appeal_due_on is not None  # the decision notice was recorded just above
    core.record(
        complaint.case,
        Verb.ICO_DECISION,
        actor=actor,
        complaint=complaint.pk,
        outcome=outcome,
        notice_on=notice_on.isoformat(),
        steps_due_on=steps_due_on.isoformat() if steps_due_on else None,
        appeal_due_on=appeal_due_on.isoformat(),
    )
    return complaint


def _close_if_finished(complaint: ICOComplaint, on: dt.date) -> None:
    steps_done = not complaint.steps_required or complaint.steps_complied_on is not None
    appeals_open = complaint.appeals.filter(decided_on__isnull=True).exists()
    decided = complaint.decision_notice_on is not None
    complaint.closed_on = on if decided and steps_done and not appeals_open else None
    complaint.save(update_fields=["closed_on"])


@transaction.atomic
def record_steps_complied(complaint: ICOComplaint, *, actor: User, on: dt.date) -> ICOComplaint:
    core.require(can_record_after_response(actor), "Only FOI staff can record compliance.")
    complaint = _locked_complaint(complaint)
    if not complaint.steps_required:
        raise InvalidTransition("The decision notice required no steps.")
    if complaint.steps_complied_on is not None:
        raise InvalidTransition("Compliance with the steps is already recorded.")
    core.check_not_future(on, "on")
    complaint.steps_complied_on = on
    complaint.save(update_fields=["steps_complied_on"])
    _close_if_finished(complaint, on)
    core.record(
        complaint.case,
        Verb.ICO_STEPS_COMPLIED,
        actor=actor,
        complaint=complaint.pk,
        on=on.isoformat(),
        late=bool(complaint.steps_due_on and on > complaint.steps_due_on),
    )
    return complaint


@transaction.atomic
def record_tribunal_appeal(
    complaint: ICOComplaint,
    *,
    actor: User,
    appellant: str,
    lodged_on: dt.date,
    tribunal_reference: str = "",
    hearing_on: dt.date | None = None,
) -> TribunalAppeal:
    """Record an appeal to the First-tier Tribunal; one lodged after 28 days is flagged."""
    core.require(can_record_after_response(actor), "Only FOI staff can record an appeal.")
    complaint = _locked_complaint(complaint)
    appeal_due_on = complaint.appeal_due_on
    if complaint.decision_notice_on is None or appeal_due_on is None:
        raise InvalidTransition("An appeal follows the ICO's decision notice.")
    if appellant not in TribunalAppeal.Appellant.values:
        raise ValidationError({"appellant": "Choose who appealed."})
    core.check_not_future(lodged_on, "lodged_on")
    if lodged_on < complaint.decision_notice_on:
        raise ValidationError({"lodged_on": "The appeal cannot be before the decision notice."})
    appeal = TribunalAppeal.objects.create(
        complaint=complaint,
        appellant=appellant,
        lodged_on=lodged_on,
        lodged_late=lodged_on > appeal_due_on,
        tribunal_reference=tribunal_reference.strip(),
        hearing_on=hearing_on,
        created_by=actor,
    )
    complaint.closed_on = None
    complaint.save(update_fields=["closed_on"])
    core.record(
        complaint.case,
        Verb.TRIBUNAL_APPEAL,
        actor=actor,
        complaint=complaint.pk,
        appeal=appeal.pk,
        appellant=appellant,
        lodged_on=lodged_on.isoformat(),
        late=appeal.lodged_late,
    )
    return appeal


@transaction.atomic
def record_tribunal_decision(
    appeal: TribunalAppeal, *, actor: User, decided_on: dt.date, outcome: str
) -> TribunalAppeal:
    core.require(can_record_after_response(actor), "Only FOI staff can record a decision.")
    appeal = TribunalAppeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.decided_on is not None:
        raise InvalidTransition("The tribunal's decision is already recorded.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Describe the tribunal's decision."})
    core.check_not_future(decided_on, "decided_on")
    if decided_on < appeal.lodged_on:
        raise ValidationError({"decided_on": "The decision cannot be before the appeal."})
    appeal.decided_on, appeal.outcome = decided_on, outcome.strip()
    appeal.save(update_fields=["decided_on", "outcome"])
    complaint = _locked_complaint(appeal.complaint)
    _close_if_finished(complaint, decided_on)
    core.record(
        complaint.case,
        Verb.TRIBUNAL_DECIDED,
        actor=actor,
        complaint=complaint.pk,
        appeal=appeal.pk,
        decided_on=decided_on.isoformat(),
    )
    return appeal


@dataclass(frozen=True)
class UpcomingDate:
    on: dt.date
    what: str
    case: Case
    complaint: ICOComplaint

    @property
    def overdue(self) -> bool:
        return self.on < timezone.localdate()


def upcoming_ico_dates(
    *, today: dt.date | None = None, days: int = 30, cases: Any = None
) -> list[UpcomingDate]:
    """Outstanding ICO and tribunal dates up to `days` ahead, overdue ones included.

    Submissions due to the ICO, steps required by a decision notice, the end of the 28-day
    appeal window, and tribunal hearings. Pass `cases` (e.g. cases_visible_to(user)) to
    limit them to what a person may see.
    """
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=days)
    complaints = ICOComplaint.objects.filter(
        Q(closed_on__isnull=True) | Q(decision_notice_on__gte=today - dt.timedelta(days=28))
    ).select_related("case")
    if cases is not None:
        complaints = complaints.filter(case__in=cases)
    items: list[UpcomingDate] = []
    for complaint in complaints.prefetch_related("appeals"):
        case = complaint.case
        appeals = list(complaint.appeals.all())
        if complaint.decision_notice_on is None and complaint.submissions_due_on:
            items.append(
                UpcomingDate(
                    complaint.submissions_due_on, "Submissions due to the ICO", case, complaint
                )
            )
        if complaint.steps_due_on and complaint.steps_complied_on is None:
            items.append(
                UpcomingDate(complaint.steps_due_on, "Decision notice steps due", case, complaint)
            )
        appeal_due = complaint.appeal_due_on
        if appeal_due and not appeals and appeal_due >= today:
            items.append(UpcomingDate(appeal_due, "Tribunal appeal window closes", case, complaint))
        for appeal in appeals:
            if appeal.decided_on is None and appeal.hearing_on:
                items.append(UpcomingDate(appeal.hearing_on, "Tribunal hearing", case, complaint))
    return sorted((i for i in items if i.on <= horizon), key=lambda i: (i.on, i.case.reference))
