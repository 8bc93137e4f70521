"""Exemption citations and public interest tests: apply, update and remove them.

Each function locks the case row, validates with `exemptions.validation`, and writes one
CaseEvent (an edit to approved decisions also writes the APPROVAL_WITHDRAWN event of the
withdrawal it causes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from exemptions import validation
from exemptions.catalogue import EMISSIONS_BARRED_LIMBS
from exemptions.models import Exemption, ExemptionCitation, PublicInterestTest
from exemptions.validation import CitationData, CitedSummary, PitData
from foi_cases import approval
from foi_cases.models import Case, CaseEvent, Consultation, Question
from foi_cases.workflow import core, decisions

Status = Case.Status
Verb = CaseEvent.Verb
User = User
Role = ExemptionCitation.Role


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
    if (
        data.evidence_consultation_id is not None
        and not Consultation.objects.filter(
            pk=data.evidence_consultation_id, case_id=question.case_id
        ).exists()
    ):
        raise ValidationError(
            {"evidence_consultation": "Choose a consultation recorded on this case."}
        )
    validation.check_citation(
        exemption,
        data,
        pit=pit,
        regime=approval.question_regime(question),
        house_of_parliament=settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT,
        government_department=settings.FOI_AUTHORITY_IS_GOVERNMENT_DEPARTMENT,
        today=timezone.localdate(),
        received_on=decisions.received_on(question.case),
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
        "evidence_consultation_id": data.evidence_consultation_id,
    }


def _check_question_with(
    question: Question, candidate: CitedSummary, replacing: int | None = None
) -> None:
    others = [s for s in decisions.summaries(question) if s.pk != replacing]
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
    decisions.require_decider(case, actor)
    question = Question.objects.select_related("case").get(pk=question.pk)
    data = _normalise(exemption, data)
    _check(question, exemption, data, pit)
    _check_question_with(question, _summary_of(exemption, data))
    decisions.open_for_edit(
        case, actor=actor, what=f"question {question.number} {exemption.section}"
    )
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
        decisions.save_pit(question, citation, pit, actor=actor)
    core.record(
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
        pit=decisions.pit_event_data(pit, case),
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
    decisions.require_decider(case, actor)
    data = _normalise(exemption, data)
    _check(question, exemption, data, pit)
    summary = _summary_of(exemption, data, pk=citation.pk)
    _check_question_with(question, summary, replacing=citation.pk)
    aggregate = citation.aggregate_tests.first()
    if aggregate is not None:
        combined = [
            s
            for s in decisions.summaries(question)
            if s.pk in {c.pk for c in aggregate.combines.all()}
        ]
        combined = [summary if s.pk == citation.pk else s for s in combined]
        validation.check_aggregate(combined, same_question=True)
    before = approval.citation_content(citation)
    fields = _citation_fields(data)
    if data.template_version_id is None:
        fields["template_version_id"] = citation.template_version_id
    if _unchanged(citation, fields, pit):
        return citation
    decisions.open_for_edit(
        case, actor=actor, what=f"question {question.number} {citation.provision}"
    )
    for name, value in fields.items():
        setattr(citation, name, value)
    citation.updated_by = actor
    citation.updated_at = timezone.now()
    citation.save()
    if pit is None:
        PublicInterestTest.objects.filter(citation=citation).delete()
    else:
        decisions.save_pit(question, citation, pit, actor=actor)
    core.record(
        case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="citation_changed",
        question=question.number,
        citation=citation.pk,
        provision=citation.provision,
        provision_before=before["provision"],
        template_version=data.template_version_id,
        pit=decisions.pit_event_data(pit, case),
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
    decisions.require_decider(question.case, actor)
    if citation.aggregate_tests.exists():
        raise ValidationError(
            f"{citation.provision} is weighed in the question's aggregate public interest test: "
            "remove it from that test first."
        )
    decisions.open_for_edit(question.case, actor=actor, what=f"question {question.number} removal")
    provision, pk = citation.provision, citation.pk
    citation.delete()
    core.record(
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
    decisions.require_decider(question.case, actor)
    chosen = list(citations)
    by_pk = {s.pk: s for s in decisions.summaries(question)}
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
        received_on=decisions.received_on(question.case),
        regime=approval.question_regime(question),
        compliance_due=question.case.current_due_on,
    )
    decisions.open_for_edit(
        question.case, actor=actor, what=f"question {question.number} aggregate test"
    )
    test = decisions.save_pit(question, None, pit, actor=actor)
    test.combines.set(chosen)
    core.record(
        question.case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="aggregate_pit",
        question=question.number,
        combines=[c.provision for c in chosen],
        pit=decisions.pit_event_data(pit, question.case),
    )
    return test


@transaction.atomic
def remove_aggregate_pit(question: Question, *, actor: User) -> None:
    test = PublicInterestTest.objects.filter(question=question, citation__isnull=True).first()
    if test is None:
        return
    decisions.open_for_edit(
        question.case, actor=actor, what=f"question {question.number} aggregate test"
    )
    test.delete()
    core.record(
        question.case,
        Verb.DECISION_RECORDED,
        actor=actor,
        action="aggregate_pit_removed",
        question=question.number,
    )
