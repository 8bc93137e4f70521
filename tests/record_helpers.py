"""A record with planted personal details, ready for review, and a ground to redact it under."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from weasyprint import HTML

from exemptions.models import ExemptionCitation
from foi_cases import workflow
from foi_cases.demo import seed_citation, seed_pit
from foi_cases.models import Case, Record
from tests import factories

# 72 pt margins and 12 pt text on 14 pt lines: each line's top is near a known place.
PLANTED = """
<style>
  @page { size: A4; margin: 72pt } body, p { margin: 0 } p { font: 12pt/14pt sans-serif }
</style>
<p>Jane Doe wrote about the patrols on the estate.</p>
<p style="break-before: page">07700 900123 is the mobile number she gave.</p>
<p>Her postcode is SW1A 1AA, near the gate.</p>
"""


def cite(question, code: str, limb: str) -> ExemptionCitation:
    """Withhold the question in full under one exemption; its citation."""
    workflow.record_answer(
        question, actor=question.case.assigned_to, held_status="held", outcome="withheld_in_full"
    )
    workflow.apply_exemption(
        question,
        actor=question.case.assigned_to,
        exemption=factories.catalogue_exemption(code),
        data=seed_citation(limbs=(limb,), likelihood="would", reasoning="Would prejudice."),
        pit=seed_pit(question.case.received_at.date(), "Maintained.", "Openness.", "Safety."),
    )
    return ExemptionCitation.objects.filter(question=question).latest("pk")


def planted_record(case: Case, officer, *, name: str = "patrols.pdf") -> Record:
    """Two pages: a name on the first, a phone number and a postcode on the second."""
    pdf = HTML(string=PLANTED).write_pdf()
    record = Record(
        case=case,
        original_name=name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        content_type="application/pdf",
        uploaded_by=officer,
        conversion=Record.Conversion.READY,
        review_pages=2,
    )
    record.file.save(f"{record.sha256[:32]}.pdf", ContentFile(pdf), save=False)
    record.review_pdf.save(f"{record.sha256[:32]}-review.pdf", ContentFile(pdf), save=False)
    record.save()
    return record
