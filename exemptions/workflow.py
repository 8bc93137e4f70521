"""Exemption decisions and their review: plain functions that take the acting user.

Each function is atomic, locks the case row, checks its status, validates with
`exemptions.validation`, changes the rows, and writes one CaseEvent (an edit to approved
decisions also writes the APPROVAL_WITHDRAWN event of the withdrawal it causes). Case status
moves only through `foi_cases.workflow._move`.

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
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from exemptions import validation
from exemptions.catalogue import EMISSIONS_BARRED_LIMBS
from exemptions.models import (
    Exemption,
    ExemptionCitation,
    InternalHeldStatus,
    PublicInterestFactor,
    PublicInterestTest,
    Review,
    ReviewComment,
)
from exemptions.permissions import (
    can_decide,
    can_review,
    can_second_approve,
    can_see_internal_held,
)
from exemptions.validation import CitationData, CitedSummary, PitData
from foi_cases import notifications, team
from foi_cases.models import Case, CaseEvent, Question
from foi_cases.permissions import is_manager, is_reviewer
from foi_cases.workflow import InvalidTransition, _move, _record

Status = Case.Status
Verb = CaseEvent.Verb
Role = ExemptionCitation.Role
User = AbstractBaseUser


class NotAllowed(ValidationError):
    """The actor may not take this step on this case (e.g. approving their own decisions)."""


# --- Reading -------------------------------------------------------------------------------


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


def _citation_content(citation: ExemptionCitation) -> dict[str, Any]:
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
                    _citation_content(c)
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


# --- Shared steps --------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    """Lock the case row for this transaction and refresh the status we act on."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    case.status = locked.status
    case.restricted = locked.restricted
    case.assigned_to_id = locked.assigned_to_id
    case.manager_clearance = locked.manager_clearance
    return case


def _require_decider(case: Case, actor: User) -> None:
    if not can_decide(actor, case):
        raise PermissionDenied("Only the assigned officer or a manager can change these decisions.")


def _withdraw(case: Case, *, actor: User | None, reason: str) -> None:
    review = current_review(case)
    _move(case, Status.IN_PROGRESS, action="withdraw the approval of")
    if review is not None and review.status == Review.Status.APPROVED:
        Review.objects.filter(pk=review.pk).update(
            status=Review.Status.WITHDRAWN,
            withdrawn_by=actor,
            withdrawn_at=timezone.now(),
            withdrawn_reason=reason[:300],
        )
    _record(
        case,
        Verb.APPROVAL_WITHDRAWN,
        actor=actor,
        review=review.round if review else None,
        approved_hash=review.approved_hash if review else "",
        reason=reason,
    )


def _open_for_edit(case: Case, *, actor: User, what: str) -> None:
    """Lock the case; allow edits in progress, and withdraw a standing approval first."""
    _lock(case)
    _require_decider(case, actor)
    if case.status == Status.APPROVED:
        _withdraw(case, actor=actor, reason=f"Decision changed after approval: {what}")
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


def _save_pit(
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


def _pit_event(pit: PitData | None, case: Case) -> dict[str, Any] | None:
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


def _received_on(case: Case) -> dt.date:
    return timezone.localtime(case.received_at).date()


# --- Answers per question ------------------------------------------------------------------


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
    _require_decider(case, actor)
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
    _open_for_edit(case, actor=actor, what=f"question {question.number} answer")
    Question.objects.filter(pk=question.pk).update(
        held_status=held_status, outcome=outcome, answer_text=answer_text
    )
    question.held_status, question.outcome, question.answer_text = (
        held_status,
        outcome,
        answer_text,
    )
    _record(
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
    case = _lock(question.case)
    _require_decider(case, actor)
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
    _record(
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
    _record(
        case,
        Verb.HELD_STATUS_VIEWED,
        actor=actor,
        question=question.number,
        recorded=record is not None,
    )
    return record


# --- Exemption decisions -------------------------------------------------------------------


def _normalise(exemption: Exemption, data: CitationData) -> CitationData:
    """Fill what follows from the catalogue: the role of a procedural ground, "required"."""
    changes: dict[str, Any] = {}
    if exemption.is_procedural:
        changes["role"] = Role.PROCEDURAL
    if data.on_emissions is not None and not EMISSIONS_BARRED_LIMBS & set(data.limbs):
        changes["on_emissions"] = None
    if (
        exemption.test_type == Exemption.TestType.REQUIRED
        and data.role != Role.PROCEDURAL
        and not data.likelihood
    ):
        changes["likelihood"] = ExemptionCitation.Likelihood.REQUIRED
    if not data.omit_reasons and data.omit_reasons_justification:
        changes["omit_reasons_justification"] = ""
    if not changes:
        return data
    values = {**data.__dict__, **changes}
    return CitationData(**values)


def _check(
    question: Question, exemption: Exemption, data: CitationData, pit: PitData | None
) -> None:
    validation.check_citation(
        exemption,
        data,
        pit=pit,
        regime=question_regime(question),
        house_of_parliament=settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT,
        government_department=settings.FOI_AUTHORITY_IS_GOVERNMENT_DEPARTMENT,
        today=timezone.localdate(),
        received_on=_received_on(question.case),
        compliance_due=question.case.current_due_on,
    )


def _citation_fields(data: CitationData) -> dict[str, Any]:
    return {
        "role": data.role,
        "limbs": list(data.limbs),
        "provision": validation.provision_text(data.limbs),
        "alternative_group": data.alternative_group.strip().upper(),
        "likelihood": data.likelihood,
        "harm_interest": data.harm_interest.strip(),
        "harm_mechanism": data.harm_mechanism.strip(),
        "harm_evidence": data.harm_evidence.strip(),
        "qp_name": data.qp_name.strip(),
        "qp_opinion_on": data.qp_opinion_on,
        "qp_material": data.qp_material.strip(),
        "reasoning": data.reasoning.strip(),
        "omit_reasons": data.omit_reasons,
        "omit_reasons_justification": data.omit_reasons_justification.strip(),
        "template_version_id": data.template_version_id,
        "on_emissions": data.on_emissions,
    }


def _check_question_with(
    question: Question, candidate: CitedSummary, replacing: int | None = None
) -> None:
    others = [s for s in summaries(question) if s.pk != replacing]
    validation.check_question_citations(
        question.held_status, [*others, candidate], outcome=question.outcome
    )


def _summary_of(exemption: Exemption, data: CitationData, pk: int | None = None) -> CitedSummary:
    return CitedSummary(
        name=validation.provision_text(data.limbs) or exemption.section,
        role=data.role,
        limbs=tuple(data.limbs),
        alternative_group=data.alternative_group.strip().upper(),
        exemption_code=exemption.code,
        absolute=validation.citation_is_absolute(
            exemption, data.limbs, house_of_parliament=settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT
        ),
        pk=pk,
    )


@transaction.atomic
def apply_exemption(
    question: Question,
    *,
    actor: User,
    exemption: Exemption,
    data: CitationData,
    pit: PitData | None = None,
) -> ExemptionCitation:
    """Cite an exemption, NCND provision or procedural ground against one question."""
    case = question.case
    _require_decider(case, actor)
    question = Question.objects.select_related("case").get(pk=question.pk)
    data = _normalise(exemption, data)
    _check(question, exemption, data, pit)
    _check_question_with(question, _summary_of(exemption, data))
    _open_for_edit(case, actor=actor, what=f"question {question.number} {exemption.section}")
    position = (question.citations.aggregate(top=Max("position"))["top"] or 0) + 1
    now = timezone.now()
    citation = ExemptionCitation.objects.create(
        question=question,
        exemption=exemption,
        position=position,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
        **_citation_fields(data),
    )
    if pit is not None:
        _save_pit(question, citation, pit, actor=actor)
    _record(
        case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="citation_added",
        question=question.number,
        citation=citation.pk,
        provision=citation.provision,
        role=citation.role,
        likelihood=citation.likelihood,
        template_version=data.template_version_id,
        pit=_pit_event(pit, case),
    )
    return citation


@transaction.atomic
def update_citation(
    citation: ExemptionCitation,
    *,
    actor: User,
    data: CitationData,
    pit: PitData | None = None,
) -> ExemptionCitation:
    """Change an exemption decision and its public interest test."""
    citation = ExemptionCitation.objects.select_related("question__case", "exemption").get(
        pk=citation.pk
    )
    question, exemption = citation.question, citation.exemption
    case = question.case
    _require_decider(case, actor)
    data = _normalise(exemption, data)
    _check(question, exemption, data, pit)
    summary = _summary_of(exemption, data, pk=citation.pk)
    _check_question_with(question, summary, replacing=citation.pk)
    aggregate = citation.aggregate_tests.first()
    if aggregate is not None:
        combined = [
            s for s in summaries(question) if s.pk in {c.pk for c in aggregate.combines.all()}
        ]
        combined = [summary if s.pk == citation.pk else s for s in combined]
        validation.check_aggregate(combined, same_question=True)
    before = _citation_content(citation)
    fields = _citation_fields(data)
    if data.template_version_id is None:
        fields["template_version_id"] = citation.template_version_id
    if _unchanged(citation, fields, pit):
        return citation
    _open_for_edit(case, actor=actor, what=f"question {question.number} {citation.provision}")
    for name, value in fields.items():
        setattr(citation, name, value)
    citation.updated_by = actor
    citation.updated_at = timezone.now()
    citation.save()
    if pit is None:
        PublicInterestTest.objects.filter(citation=citation).delete()
    else:
        _save_pit(question, citation, pit, actor=actor)
    _record(
        case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="citation_changed",
        question=question.number,
        citation=citation.pk,
        provision=citation.provision,
        provision_before=before["provision"],
        template_version=data.template_version_id,
        pit=_pit_event(pit, case),
        pit_removed=pit is None and before["pit"] is not None,
    )
    return citation


def _unchanged(citation: ExemptionCitation, fields: Mapping[str, Any], pit: PitData | None) -> bool:
    if any(getattr(citation, name) != value for name, value in fields.items()):
        return False
    current = getattr(citation, "pit", None)
    if (current is None) != (pit is None):
        return False
    if current is None or pit is None:
        return True
    factors = [(f.side, f.text, f.weight) for f in current.factors.order_by("position", "pk")]
    return (
        current.as_at == pit.as_at
        and current.conclusion == pit.conclusion
        and current.summary == pit.summary.strip()
        and current.override_reason == pit.override_reason.strip()
        and current.presumption_applied == pit.presumption_applied
        and current.late_reason == pit.late_reason.strip()
        and factors == [(f.side, f.text.strip(), f.weight) for f in pit.factors]
    )


@transaction.atomic
def remove_citation(citation: ExemptionCitation, *, actor: User) -> None:
    """Take an exemption decision off a question."""
    citation = ExemptionCitation.objects.select_related("question__case").get(pk=citation.pk)
    question = citation.question
    _require_decider(question.case, actor)
    if citation.aggregate_tests.exists():
        raise ValidationError(
            f"{citation.provision} is weighed in the question's aggregate public interest test: "
            "remove it from that test first."
        )
    _open_for_edit(question.case, actor=actor, what=f"question {question.number} removal")
    provision, pk = citation.provision, citation.pk
    citation.delete()
    _record(
        question.case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="citation_removed",
        question=question.number,
        citation=pk,
        provision=provision,
    )


@transaction.atomic
def record_aggregate_pit(
    question: Question,
    *,
    actor: User,
    citations: Iterable[ExemptionCitation],
    pit: PitData,
) -> PublicInterestTest:
    """Weigh several qualified exemptions engaged by one question together (DBT v IC 2025)."""
    question = Question.objects.select_related("case").get(pk=question.pk)
    _require_decider(question.case, actor)
    chosen = list(citations)
    by_pk = {s.pk: s for s in summaries(question)}
    combined = [
        by_pk.get(c.pk)
        or CitedSummary(name=c.provision, role=c.role, limbs=tuple(c.limbs), pk=c.pk)
        for c in chosen
    ]
    validation.check_aggregate(
        combined, same_question=all(c.question_id == question.pk for c in chosen)
    )
    validation.check_pit(
        pit,
        today=timezone.localdate(),
        received_on=_received_on(question.case),
        regime=question_regime(question),
        compliance_due=question.case.current_due_on,
    )
    _open_for_edit(question.case, actor=actor, what=f"question {question.number} aggregate test")
    test = _save_pit(question, None, pit, actor=actor)
    test.combines.set(chosen)
    _record(
        question.case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="aggregate_pit",
        question=question.number,
        combines=[c.provision for c in chosen],
        pit=_pit_event(pit, question.case),
    )
    return test


@transaction.atomic
def remove_aggregate_pit(question: Question, *, actor: User) -> None:
    test = PublicInterestTest.objects.filter(question=question, citation__isnull=True).first()
    if test is None:
        return
    _open_for_edit(question.case, actor=actor, what=f"question {question.number} aggregate test")
    test.delete()
    _record(
        question.case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="aggregate_pit_removed",
        question=question.number,
    )


# --- Review --------------------------------------------------------------------------------


@transaction.atomic
def submit_for_review(case: Case, *, actor: User, reviewer: User | None = None) -> Review:
    """Send the case's decisions for review (IN_PROGRESS → IN_REVIEW).

    With a reviewer, the decisions are allocated to them (who joins a restricted case's team);
    without, they wait in the review queue for a reviewer to take them.
    """
    _lock(case)
    _require_decider(case, actor)
    if case.status != Status.IN_PROGRESS:
        current = Status(case.status).label.lower()
        raise InvalidTransition(f"You cannot submit for review a case that is {current}.")
    problems = readiness_problems(case)
    if problems:
        raise ValidationError(problems)
    content_hash = decisions_hash(case)
    round_number = (Review.objects.filter(case=case).aggregate(top=Max("round"))["top"] or 0) + 1
    _move(case, Status.IN_REVIEW, action="submit for review")
    review = Review.objects.create(
        case=case,
        round=round_number,
        submitted_by=actor,
        submitted_hash=content_hash,
        needs_manager_approval=case.needs_manager_clearance,
    )
    if reviewer is not None:
        # After creating the review, so that the submitter counts as an author.
        team.check_allocation(case, actor=actor, reviewer=reviewer, work=review, at_submission=True)
        Review.objects.filter(pk=review.pk).update(reviewer=reviewer)
        review.reviewer = reviewer
    _record(
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
    review = current_review(case)
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
            raise NotAllowed("Only a reviewer can approve or return decisions.")
        raise NotAllowed(
            "You wrote, changed or submitted decisions on this case, or it is assigned to you, "
            "so another reviewer must review them."
        )
    if review.reviewer_id not in (None, actor.pk):
        raise NotAllowed(
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
    _lock(case)
    review = _open_review(case)
    if review.status == Review.Status.AWAITING_MANAGER:
        if not can_second_approve(actor, case, review.reviewed_by_id):
            raise NotAllowed("Only a manager who took no part in these decisions can return them.")
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
    _move(case, Status.IN_PROGRESS, action="return the decisions of")
    ReviewComment.objects.bulk_create(rows)
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.RETURNED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        note=note.strip(),
    )
    _record(
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
    _lock(case)
    review = _open_review(case)
    content_hash = decisions_hash(case)
    if content_hash != review.submitted_hash:
        raise ValidationError(
            "The decisions changed after they were submitted. Return them to the officer."
        )
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
            raise NotAllowed("This restricted case needs a manager's second approval.")
        if not can_second_approve(actor, case, review.reviewed_by_id):
            raise NotAllowed(
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
        _move(case, Status.APPROVED, action="approve")
    Review.objects.filter(pk=review.pk).update(**update)
    _record(
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


@transaction.atomic
def withdraw_approval(case: Case, *, actor: User, reason: str) -> Case:
    """Take back an approval by hand (an edit to approved decisions does this itself)."""
    _lock(case)
    if not (can_decide(actor, case) or is_manager(actor)):
        raise PermissionDenied("Only the assigned officer or a manager can withdraw approval.")
    if case.status != Status.APPROVED:
        raise InvalidTransition("Only approved decisions can have their approval withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the approval is withdrawn."})
    _withdraw(case, actor=actor, reason=reason.strip())
    return case
