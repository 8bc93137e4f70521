"""Reviewing records: in or out of the request, and the boxes withheld on their pages.

Redactions and responsiveness are part of what the reviewer approves (`approval`), so while
the decisions are in review they are frozen, and a change after approval withdraws it, as an
edited decision does. The redacted text is never read or kept here: a redaction is a box.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from exemptions.models import ExemptionCitation
from foi_cases.models import Case, CaseEvent, Record, RecordRedaction
from foi_cases.permissions import can_add_records
from foi_cases.workflow import core, decisions

Status = Case.Status
Verb = CaseEvent.Verb
User = User
Method = RecordRedaction.Method

# Smaller than this (in points) is a slip of the mouse, not a redaction.
MIN_BOX_POINTS = 1.0
# Far beyond any real page (A0 is 2384 points tall): a box out here is an error.
MAX_COORDINATE = 20000.0


@dataclass(frozen=True)
class Area:
    """A box on a page, in PDF points from the top-left corner of the page as displayed."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float


def _open_for_change(record: Record, *, actor: User, what: str) -> Case:
    """Lock the case and check the actor may change its records' review now.

    A standing approval is withdrawn first; decisions in review are frozen.
    """
    case = record.case
    decisions.lock_case(case)
    core.require(
        can_add_records(actor, case),
        "Only the assigned officer or a manager can review and redact records.",
    )
    if not case.is_open:
        raise core.InvalidTransition("The records of a case that is closed cannot be changed.")
    if case.status == Status.IN_REVIEW:
        raise core.InvalidTransition(
            "The decisions and redactions are with the reviewer. Wait for them to approve or "
            "return them before changing the records."
        )
    if case.status == Status.APPROVED:
        decisions.withdraw_standing_approval(
            case, actor=actor, reason=f"Records changed after approval: {what}"
        )
    return case


def _check_reviewable(record: Record) -> None:
    if record.duplicate_of_id:
        raise ValidationError("This file is a duplicate: review and redact the first copy.")
    if record.conversion != Record.Conversion.READY or not record.review_pdf:
        raise ValidationError("This record is not ready for review yet.")


def _check_area(record: Record, area: Area) -> None:
    pages = record.review_pages or 0
    if not 1 <= area.page <= pages:
        raise ValidationError(f"There is no page {area.page} in this record.")
    coordinates = (area.x0, area.y0, area.x1, area.y1)
    if not all(math.isfinite(c) and 0 <= c <= MAX_COORDINATE for c in coordinates):
        raise ValidationError("The box is not on the page.")
    if area.x1 - area.x0 < MIN_BOX_POINTS or area.y1 - area.y0 < MIN_BOX_POINTS:
        raise ValidationError("The box is too small to redact anything.")


def record_question_ids(record: Record) -> set[int]:
    """The questions a record was gathered for (its colleague's search), or none if not known."""
    if record.task_id is None:
        return set()
    return set(record.task.questions.values_list("pk", flat=True))  # type: ignore[union-attr]


def check_citation(record: Record, citation: ExemptionCitation) -> None:
    """A redaction's ground: a disclosure exemption cited for a question this record is about."""
    if citation.case_id != record.case_id:
        raise ValidationError({"citation": "That exemption is not cited on this case."})
    if citation.role != ExemptionCitation.Role.DISCLOSURE:
        raise ValidationError(
            {"citation": "Only an exemption from disclosure can be a ground for a redaction."}
        )
    questions = record_question_ids(record)
    if questions and citation.question_id not in questions:
        raise ValidationError(
            {
                "citation": "That exemption is cited for a question this record was not "
                "gathered for. Cite the exemption on the record's question first."
            }
        )


def _event_data(redaction: RecordRedaction) -> dict[str, object]:
    """What the audit trail keeps of a redaction: where and why, never the text under it."""
    return {
        "record": redaction.record_id,
        "name": redaction.record.original_name,
        "page": redaction.page,
        "box": [round(c, 2) for c in (redaction.x0, redaction.y0, redaction.x1, redaction.y1)],
        "citation": redaction.citation_id,
        "provision": redaction.citation.provision,
        "method": redaction.method,
    }


def _validated(record: Record, citation: ExemptionCitation, areas: Sequence[Area]) -> None:
    if not areas:
        raise ValidationError("Choose at least one place to redact.")
    _check_reviewable(record)
    check_citation(record, citation)
    for area in areas:
        _check_area(record, area)


def _create(
    record: Record,
    areas: Sequence[Area],
    *,
    actor: User,
    citation: ExemptionCitation,
    method: str,
    search_pattern: str = "",
) -> list[RecordRedaction]:
    return RecordRedaction.objects.bulk_create(
        RecordRedaction(
            record=record,
            page=area.page,
            x0=area.x0,
            y0=area.y0,
            x1=area.x1,
            y1=area.y1,
            citation=citation,
            method=method,
            search_pattern=search_pattern[:200],
            created_by=actor,
        )
        for area in areas
    )


@transaction.atomic
def add_redactions(
    record: Record,
    *,
    actor: User,
    citation: ExemptionCitation,
    areas: Sequence[Area],
    method: str = Method.BOX,
) -> list[RecordRedaction]:
    """Withhold areas of a record's pages (a drawn box, or selected text) under one citation."""
    if method not in (Method.BOX, Method.TEXT):
        raise ValueError(f"Search redactions go through redact_search_matches, not {method}.")
    _validated(record, citation, areas)
    case = _open_for_change(record, actor=actor, what=f"redaction on {record.original_name}")
    rows = _create(record, areas, actor=actor, citation=citation, method=method)
    core.record(
        case,
        Verb.RECORD_REDACTED,
        actor=actor,
        record=record.pk,
        name=record.original_name,
        provision=citation.provision,
        citation=citation.pk,
        method=method,
        redactions=[_event_data(r) for r in rows],
    )
    return rows


@transaction.atomic
def redact_search_matches(
    case: Case,
    *,
    actor: User,
    citation: ExemptionCitation,
    matches: Mapping[Record, Sequence[Area]],
    search_kind: str,
) -> list[RecordRedaction]:
    """Withhold the chosen matches of a search across the case's records, all or none.

    Only the kind of search ("phrase" or a preset) is kept, on each redaction and in the event:
    a typed phrase is usually the very text withheld.
    """
    if not any(matches.values()):
        raise ValidationError("Choose at least one match to redact.")
    for record, areas in matches.items():
        if record.case_id != case.pk:
            raise ValueError("Every record searched must be on the case.")
        try:
            _validated(record, citation, areas)
        except ValidationError as error:
            raise ValidationError(f"{record.original_name}: {' '.join(error.messages)}") from error
    first = next(iter(matches))
    _open_for_change(first, actor=actor, what="search and redact")
    rows = []
    for record, areas in matches.items():
        rows += _create(
            record,
            areas,
            actor=actor,
            citation=citation,
            method=Method.SEARCH,
            search_pattern=search_kind,
        )
    core.record(
        case,
        Verb.RECORD_REDACTED,
        actor=actor,
        provision=citation.provision,
        citation=citation.pk,
        method=Method.SEARCH,
        search=search_kind,
        redactions=[_event_data(r) for r in rows],
    )
    return rows


@transaction.atomic
def remove_redaction(redaction: RecordRedaction, *, actor: User) -> None:
    """Take a redaction off a record."""
    data = _event_data(redaction)
    case = _open_for_change(
        redaction.record, actor=actor, what=f"redaction removed from {redaction.record}"
    )
    deleted, _ = RecordRedaction.objects.filter(pk=redaction.pk).delete()
    if not deleted:
        raise core.ConcurrentUpdate("That redaction was already removed.")
    core.record(case, Verb.RECORD_REDACTION_REMOVED, actor=actor, **data)


@transaction.atomic
def set_responsiveness(record: Record, *, actor: User, responsive: str) -> Record:
    """Mark a record as within the request or outside it."""
    if responsive not in (
        Record.Responsiveness.RESPONSIVE,
        Record.Responsiveness.NOT_RESPONSIVE,
    ):
        raise ValidationError({"responsive": "Say whether the record is within the request."})
    _check_reviewable(record)
    if record.responsive == responsive:
        return record
    case = _open_for_change(record, actor=actor, what=f"{record.original_name} marked")
    before = record.responsive
    Record.objects.filter(pk=record.pk).update(responsive=responsive)
    record.responsive = responsive
    core.record(
        case,
        Verb.RECORD_RESPONSIVENESS,
        actor=actor,
        record=record.pk,
        name=record.original_name,
        before=before,
        after=responsive,
    )
    return record
