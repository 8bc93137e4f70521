"""Decisions per question: reading them (the canonical content and its hash), the steps
every decision change shares, and the answers and internal held status.

Decisions can be changed while the case is in progress; changing them once approved
withdraws the approval (APPROVED → IN_PROGRESS). While in review they are frozen.

For letters: `decisions_hash(case)` is the sha256 of the canonical content,
`approved_hash(case)` the hash the last approval recorded ("" if none stands), and
`is_approved(case)` whether that approval still matches the content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from exemptions import validation
from exemptions.models import (
    ExemptionCitation,
    InternalHeldStatus,
    PublicInterestFactor,
    PublicInterestTest,
    Review,
)
from exemptions.permissions import can_decide, can_see_internal_held
from exemptions.validation import CitedSummary, PitData
from foi_cases.models import Case, CaseEvent, Question
from foi_cases.workflow import core
from foi_cases.workflow.core import InvalidTransition

Status = Case.Status
Verb = CaseEvent.Verb
User = User
Role = ExemptionCitation.Role


class NotAllowed(ValidationError):
    """The actor may not take this step on this case (e.g. approving their own decisions)."""


def question_regime(question: Question) -> str:
    return question.regime or question.case.regime


def _pit_content(pit: PublicInterestTest | None) -> dict[str, Any] | None:
    if pit is None:
        return None
    factors = sorted(pit.factors.all(), key=lambda f: (f.side, f.position, f.pk))
    return {
        "as_at": pit.as_at.isoformat(),
        "conclusion": pit.conclusion,
        "summary": pit.summary,
        "override_reason": pit.override_reason,
        "factors": [{"side": f.side, "text": f.text, "weight": f.weight} for f in factors],
        # Only when recorded, so that the hash of decisions approved before these existed
        # stays what it was.
        **({"presumption_applied": True} if pit.presumption_applied else {}),
        **({"late_reason": pit.late_reason} if pit.late_reason else {}),
    }


def citation_content(citation: ExemptionCitation) -> dict[str, Any]:
    pit = getattr(citation, "pit", None)
    return {
        "exemption": citation.exemption.code,
        "section": citation.exemption.section,
        "role": citation.role,
        "limbs": list(citation.limbs),
        "provision": citation.provision,
        "alternative_group": citation.alternative_group,
        "likelihood": citation.likelihood,
        "harm_interest": citation.harm_interest,
        "harm_mechanism": citation.harm_mechanism,
        "harm_evidence": citation.harm_evidence,
        "qp_name": citation.qp_name,
        "qp_opinion_on": citation.qp_opinion_on.isoformat() if citation.qp_opinion_on else None,
        "qp_material": citation.qp_material,
        "reasoning": citation.reasoning,
        "omit_reasons": citation.omit_reasons,
        "omit_reasons_justification": citation.omit_reasons_justification,
        "pit": _pit_content(pit),
        **({"on_emissions": citation.on_emissions} if citation.on_emissions is not None else {}),
        # Only when set, so that approvals given before consultations existed still match.
        **(
            {"evidence_consultation": citation.evidence_consultation_id}
            if citation.evidence_consultation_id is not None
            else {}
        ),
    }


def canonical_decisions(case: Case) -> dict[str, Any]:
    """Exactly what a reviewer approves: every question's answer and every decision.

    The internal held status of NCND questions is left out on purpose: a hash of so few
    possible values could be reversed by anyone who can see it.
    """
    questions = (
        Question.objects.filter(case=case)
        .order_by("number")
        .prefetch_related(
            "citations__exemption",
            "citations__pit__factors",
            "public_interest_tests__factors",
            "public_interest_tests__combines__exemption",
        )
    )
    content = []
    for question in questions:
        aggregate = next((t for t in question.public_interest_tests.all() if t.is_aggregate), None)
        aggregate_content = _pit_content(aggregate)
        if aggregate is not None and aggregate_content is not None:
            aggregate_content["combines"] = sorted(
                [c.exemption.code, c.provision] for c in aggregate.combines.all()
            )
        content.append(
            {
                "number": question.number,
                "text": question.text,
                "regime": question_regime(question),
                "held_status": question.held_status,
                "outcome": question.outcome,
                "answer_text": question.answer_text,
                "citations": [
                    citation_content(c)
                    for c in sorted(question.citations.all(), key=lambda c: (c.position, c.pk))
                ],
                "aggregate_pit": aggregate_content,
            }
        )
    return {"case": case.reference, "questions": content}


def decisions_hash(case: Case) -> str:
    """sha256 of the canonical JSON of the case's decisions as they are now."""
    canonical = json.dumps(
        canonical_decisions(case), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_review(case: Case) -> Review | None:
    return Review.objects.filter(case=case).order_by("-round").first()


def approved_hash(case: Case) -> str:
    """The hash the standing approval recorded, or "" when the decisions are not approved."""
    review = current_review(case)
    if review is None or review.status != Review.Status.APPROVED:
        return ""
    return review.approved_hash


def is_approved(case: Case) -> bool:
    """Approved, and the decisions are still exactly what was approved."""
    status = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first()
    if status not in (Status.APPROVED, Status.RESPONDED, Status.CLOSED):
        return False
    recorded = approved_hash(case)
    return bool(recorded) and recorded == decisions_hash(case)


def summaries(question: Question) -> list[CitedSummary]:
    """The facts the question-level rules need, for each citation of the question."""
    aggregate = (
        PublicInterestTest.objects.filter(question=question, citation__isnull=True)
        .prefetch_related("combines")
        .first()
    )
    in_aggregate = {c.pk for c in aggregate.combines.all()} if aggregate else set()
    result = []
    for citation in question.citations.select_related("exemption", "pit"):
        pit = getattr(citation, "pit", None)
        result.append(
            CitedSummary(
                name=citation.provision or citation.exemption.section,
                role=citation.role,
                limbs=tuple(citation.limbs),
                alternative_group=citation.alternative_group,
                exemption_code=citation.exemption.code,
                absolute=citation.role != Role.PROCEDURAL and citation.is_absolute,
                pit_conclusion=pit.conclusion if pit else "",
                in_maintained_aggregate=citation.pk in in_aggregate,
                pk=citation.pk,
            )
        )
    return result


def readiness_problems(case: Case) -> list[str]:
    """Everything that stops the case's decisions going to review."""
    problems: list[str] = []
    questions = list(Question.objects.filter(case=case).order_by("number"))
    if not questions:
        return ["The case has no questions to decide."]
    for question in questions:
        aggregate = PublicInterestTest.objects.filter(
            question=question, citation__isnull=True
        ).first()
        problems += validation.check_question_ready(
            question.number,
            question.held_status,
            question.outcome,
            question.answer_text,
            summaries(question),
            aggregate_conclusion=aggregate.conclusion if aggregate else "",
        )
    return problems


def lock_case(case: Case) -> Case:
    """Lock the case row for this transaction and refresh the status we act on."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    case.status = locked.status
    case.restricted = locked.restricted
    case.assigned_to_id = locked.assigned_to_id
    case.manager_clearance = locked.manager_clearance
    return case


def require_decider(case: Case, actor: User) -> None:
    if not can_decide(actor, case):
        raise PermissionDenied("Only the assigned officer or a manager can change these decisions.")


def withdraw_standing_approval(case: Case, *, actor: User | None, reason: str) -> None:
    review = current_review(case)
    core.move(case, Status.IN_PROGRESS, action="withdraw the approval of")
    if review is not None and review.status == Review.Status.APPROVED:
        Review.objects.filter(pk=review.pk).update(
            status=Review.Status.WITHDRAWN,
            withdrawn_by=actor,
            withdrawn_at=timezone.now(),
            withdrawn_reason=reason[:300],
        )
    core.record(
        case,
        Verb.APPROVAL_WITHDRAWN,
        actor=actor,
        review=review.round if review else None,
        approved_hash=review.approved_hash if review else "",
        reason=reason,
    )


def open_for_edit(case: Case, *, actor: User, what: str) -> None:
    """Lock the case; allow edits in progress, and withdraw a standing approval first."""
    lock_case(case)
    require_decider(case, actor)
    if case.status == Status.APPROVED:
        withdraw_standing_approval(
            case, actor=actor, reason=f"Decision changed after approval: {what}"
        )
    elif case.status != Status.IN_PROGRESS:
        current = Status(case.status).label.lower()
        hint = (
            " Wait for the reviewer to approve or return it."
            if case.status == Status.IN_REVIEW
            else ""
        )
        raise InvalidTransition(
            f"Decisions can be changed only while the case is in progress, and this case is "
            f"{current}.{hint}"
        )


def save_pit(
    question: Question,
    citation: ExemptionCitation | None,
    pit: PitData,
    *,
    actor: User,
) -> PublicInterestTest:
    fields = {
        "as_at": pit.as_at,
        "conclusion": pit.conclusion,
        "summary": pit.summary.strip(),
        "override_reason": pit.override_reason.strip(),
        "presumption_applied": pit.presumption_applied,
        "late_reason": pit.late_reason.strip(),
        "recorded_by": actor,
        "recorded_at": timezone.now(),
    }
    if citation is not None:
        test, _ = PublicInterestTest.objects.update_or_create(
            citation=citation, defaults={"question": question, **fields}
        )
    else:
        test, _ = PublicInterestTest.objects.update_or_create(
            question=question, citation=None, defaults=fields
        )
    test.factors.all().delete()
    PublicInterestFactor.objects.bulk_create(
        PublicInterestFactor(
            test=test, side=f.side, text=f.text.strip(), weight=f.weight, position=position
        )
        for position, f in enumerate(pit.factors, start=1)
    )
    return test


def pit_event_data(pit: PitData | None, case: Case) -> dict[str, Any] | None:
    if pit is None:
        return None
    late = validation.is_pit_late(pit, case.current_due_on)
    return {
        **({"late": True, "late_reason": pit.late_reason.strip()} if late else {}),
        "conclusion": pit.conclusion,
        "as_at": pit.as_at.isoformat(),
        "for_disclosure": pit.total(PublicInterestFactor.Side.DISCLOSURE),
        "for_maintaining": pit.total(PublicInterestFactor.Side.MAINTAIN),
        "overridden": bool(pit.override_reason.strip()),
    }


def received_on(case: Case) -> dt.date:
    return timezone.localtime(case.received_at).date()


@transaction.atomic
def record_answer(
    question: Question,
    *,
    actor: User,
    held_status: str,
    outcome: str,
    answer_text: str = "",
) -> Question:
    """Record what is held for one question, what happens to it, and the answer given."""
    case = question.case
    require_decider(case, actor)
    question = Question.objects.get(pk=question.pk)
    answer_text = answer_text.strip()
    outcome = validation.outcome_for(held_status, outcome)
    if (question.held_status, question.outcome, question.answer_text) == (
        held_status,
        outcome,
        answer_text,
    ):
        return question
    errors: dict[str, list[str]] = {}
    if held_status not in Question.Held.values:
        errors["held_status"] = ["Choose whether the information is held."]
    if outcome not in Question.Outcome.values:
        errors["outcome"] = ["Choose what happens to the information."]
    if held_status == Question.Held.NCND and answer_text:
        errors["answer_text"] = [
            "Leave the answer empty when neither confirming nor denying: the letter uses wording "
            "that is the same whether or not the information is held."
        ]
    if errors:
        raise ValidationError(errors)
    validation.check_answer(held_status, outcome)
    validation.check_question_citations(held_status, summaries(question), outcome=outcome)
    open_for_edit(case, actor=actor, what=f"question {question.number} answer")
    Question.objects.filter(pk=question.pk).update(
        held_status=held_status, outcome=outcome, answer_text=answer_text
    )
    question.held_status, question.outcome, question.answer_text = (
        held_status,
        outcome,
        answer_text,
    )
    core.record(
        case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="answer",
        question=question.number,
        held_status=held_status,
        outcome=outcome,
    )
    return question


@transaction.atomic
def record_internal_held_status(
    question: Question, *, actor: User, held: str, note: str = ""
) -> InternalHeldStatus:
    """Record whether an NCND question's information is in fact held (need to know)."""
    case = lock_case(question.case)
    require_decider(case, actor)
    if not can_see_internal_held(actor, case):
        raise PermissionDenied("Only the people on this case can record its NCND held status.")
    if question.held_status != Question.Held.NCND:
        raise ValidationError(
            "The internal held status is kept only for questions that neither confirm nor deny."
        )
    if held not in InternalHeldStatus.Held.values:
        raise ValidationError({"held": "Choose whether the information is in fact held."})
    if not case.is_open:
        raise InvalidTransition("This case has been responded to.")
    record, _ = InternalHeldStatus.objects.update_or_create(
        question=question,
        defaults={
            "held": held,
            "note": note.strip(),
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    # The value itself stays out of the audit trail, which more people can read.
    core.record(
        case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="internal_held_status",
        question=question.number,
    )
    return record


@transaction.atomic
def view_internal_held_status(question: Question, *, actor: User) -> InternalHeldStatus | None:
    """Read the truth behind an NCND answer: only for the case's people, and always audited."""
    case = question.case
    if not can_see_internal_held(actor, case):
        raise PermissionDenied("Only the people on this case can see whether this is held.")
    record = InternalHeldStatus.objects.filter(question=question).first()
    core.record(
        case,
        Verb.HELD_STATUS_VIEWED,
        actor=actor,
        question=question.number,
        recorded=record is not None,
    )
    return record
