"""What a reviewer approves: the canonical content of a case's decisions, its hash, and
whether the standing approval still matches it.

Reads only. The workflow (foi_cases.workflow.decisions and .review) writes approvals; letters
check against them. Both import this module, so letters need not import the workflow.

The records reviewed (in or out of the request) and their redactions are part of it, so an
approval is bound to them as well as to the decisions.

`decisions_hash(case)` is the sha256 of the canonical content, `approved_hash(case)` the hash
the last approval recorded ("" if none stands), and `is_approved(case)` whether that approval
still matches the content.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Q

from exemptions.models import ExemptionCitation, PublicInterestTest, Review
from foi_cases.models import Case, Question, Record, RecordRedaction

Status = Case.Status


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
    records = records_content(case)
    # Only when a record has been reviewed, so that approvals given before records existed
    # (and of cases without records) still match.
    return {
        "case": case.reference,
        "questions": content,
        **({"records": records} if records else {}),
    }


def records_content(case: Case) -> list[dict[str, Any]]:
    """Each record reviewed or redacted: its hash, whether it is in the request, its boxes."""
    reviewed = (
        Record.objects.filter(case=case, duplicate_of__isnull=True)
        .filter(
            ~Q(responsive=Record.Responsiveness.UNREVIEWED)
            | Q(pk__in=RecordRedaction.objects.filter(record__case=case).values("record_id"))
        )
        .order_by("pk")
        .prefetch_related("redactions__citation__exemption", "redactions__citation__question")
    )
    return [
        {
            "record": record.pk,
            "name": record.original_name,
            "sha256": record.sha256,
            "responsive": record.responsive,
            "redactions": [
                {
                    "page": r.page,
                    "box": [round(c, 2) for c in (r.x0, r.y0, r.x1, r.y1)],
                    "question": r.citation.question.number,
                    "exemption": r.citation.exemption.code,
                    "provision": r.citation.provision,
                    "citation": r.citation_id,
                }
                for r in sorted(
                    record.redactions.all(), key=lambda r: (r.page, r.y0, r.x0, r.x1, r.y1)
                )
            ],
        }
        for record in reviewed
    ]


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
