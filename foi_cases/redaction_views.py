"""Reviewing a case's records: the PDF viewer, responsiveness, redactions, search and redact.

The review PDF is served only through `record_review_pdf`, which checks the case like every
other page (contributors and anyone without need-to-know get 404).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exemptions.models import ExemptionCitation
from foi_cases import record_text, workflow
from foi_cases import redaction_forms as forms
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case, Record, RecordRedaction
from foi_cases.permissions import can_add_records, get_case_for_user
from foi_cases.release.bundle import box_label
from foi_cases.workflow.redactions import record_question_ids


def _record(case: Case, pk: int) -> Record:
    record = Record.objects.select_related("case", "task").filter(case=case, pk=pk).first()
    if record is None:
        raise Http404("No such record on this case.")
    record.case = case
    return record


def _review_url(record: Record) -> str:
    return f"{record.case.get_absolute_url()}records/{record.pk}/review/"


def _citations(case: Case, record: Record | None = None) -> QuerySet[ExemptionCitation]:
    """The grounds a redaction may cite: disclosure exemptions of the case (or the record's)."""
    rows = ExemptionCitation.objects.filter(
        case=case, role=ExemptionCitation.Role.DISCLOSURE
    ).select_related("question", "exemption")
    questions = record_question_ids(record) if record is not None else set()
    if questions:
        rows = rows.filter(question__in=questions)
    return rows.order_by("question__number", "position", "pk")


def _boxes(record: Record) -> list[dict[str, Any]]:
    return [
        {
            "id": r.pk,
            "page": r.page,
            "box": [r.x0, r.y0, r.x1, r.y1],
            "label": box_label(r.citation),
        }
        for r in record.redactions.select_related("citation")
    ]


def _render_review(request: HttpRequest, record: Record, **bound: Any) -> HttpResponse:
    case = record.case
    context = {
        "case": case,
        "record": record,
        "ready": record.conversion == Record.Conversion.READY and bool(record.review_pdf),
        "can_change": can_add_records(request.user, case) and case.is_open,
        "citations": _citations(case, record),
        "redactions": record.redactions.select_related(
            "citation__question", "citation__exemption", "created_by"
        ),
        "boxes": _boxes(record),
        "responsiveness_form": forms.ResponsivenessForm(initial={"responsive": record.responsive}),
        "redaction_form": forms.RedactionForm(),
    }
    context.update(bound)
    return render(request, "foi_cases/records/record_review.html", context)


@require_GET
def record_review(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    record = _record(get_case_for_user(request, reference), pk)
    if record.duplicate_of_id:
        # A duplicate shares the first copy's file: it is reviewed there.
        messages.info(request, f"{record.original_name} is a duplicate: review the first copy.")
        return redirect(_review_url(_record(record.case, record.duplicate_of_id)))
    return _render_review(request, record)


@require_GET
def record_review_pdf(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    record = _record(get_case_for_user(request, reference), pk)
    if record.duplicate_of_id or not record.review_pdf:
        raise Http404("This record has no review copy.")
    response = FileResponse(
        record.review_pdf.open("rb"),
        filename=f"{record.original_name}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _changeable(request: HttpRequest, reference: str, pk: int) -> Record:
    record = _record(get_case_for_user(request, reference), pk)
    if not can_add_records(request.user, record.case):
        raise PermissionDenied("Only the assigned officer or a manager can review the records.")
    return record


@require_POST
def record_responsiveness(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    record = _changeable(request, reference, pk)
    form = forms.ResponsivenessForm(request.POST)
    if form.is_valid():
        try:
            workflow.set_responsiveness(
                record, actor=request.user, responsive=form.cleaned_data["responsive"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Marked: {record.get_responsive_display().lower()}.")
            return redirect(_review_url(record))
    return _render_review(request, record, responsiveness_form=form)


def _case_citation(case: Case, pk: int) -> ExemptionCitation | None:
    """A citation by id, only if it is this case's: another case's is not even looked at."""
    return ExemptionCitation.objects.select_related("question").filter(case=case, pk=pk).first()


@require_POST
def record_redact(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    record = _changeable(request, reference, pk)
    form = forms.RedactionForm(request.POST)
    if form.is_valid():
        citation = _case_citation(record.case, form.cleaned_data["citation"])
        try:
            if citation is None:
                raise ValidationError({"citation": "That exemption is not cited on this case."})
            workflow.add_redactions(
                record,
                actor=request.user,
                citation=citation,
                areas=[workflow.Area(*box) for box in form.cleaned_data["areas"]],
                method=form.cleaned_data["method"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Redacted under {box_label(citation)}.")
            return redirect(_review_url(record))
    return _render_review(request, record, redaction_form=form)


@require_POST
def record_redaction_remove(
    request: HttpRequest, reference: str, pk: int, redaction: int
) -> HttpResponse:
    record = _changeable(request, reference, pk)
    row = RecordRedaction.objects.filter(record=record, pk=redaction).first()
    if row is None:
        raise Http404("No such redaction on this record.")
    try:
        workflow.remove_redaction(row, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Redaction on page {row.page} removed.")
    return redirect(_review_url(record))


# --- Search and redact across the case's records ----------------------------------------------


@dataclass(frozen=True)
class Found:
    record: Record
    match: record_text.Match

    @property
    def key(self) -> str:
        box = self.match.box
        corners = ":".join(f"{c:.2f}" for c in (box.x0, box.y0, box.x1, box.y1))
        return f"{self.record.pk}:{self.match.page}:{corners}"


@dataclass(frozen=True)
class Unreadable:
    record: Record
    reason: str


@contextmanager
def _local_copy(record: Record) -> Iterator[Path]:
    """The review PDF as a local file for pdftotext, whatever the storage."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        with record.review_pdf.open("rb") as stored:
            for chunk in stored.chunks():
                copy.write(chunk)
        copy.flush()
        yield Path(copy.name)


def _search(case: Case, pattern: Any) -> tuple[list[Found], list[Unreadable]]:
    found, unreadable = [], []
    records = Record.objects.filter(
        case=case, duplicate_of__isnull=True, conversion=Record.Conversion.READY
    ).exclude(review_pdf="")
    for record in records:
        record.case = case
        try:
            with _local_copy(record) as path:
                pages = record_text.read_pages(path)
        except (ValueError, OSError) as error:
            unreadable.append(Unreadable(record, str(error)))
            continue
        found += [Found(record, m) for m in record_text.find_matches(pages, pattern)]
    # Two matches on the same words give the same box: offer (and redact) it once.
    unique = {item.key: item for item in found}
    return list(unique.values()), unreadable


@require_http_methods(["GET", "POST"])
def records_search_redact(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    can_change = can_add_records(request.user, case) and case.is_open
    if request.method == "POST" and not can_change:
        raise PermissionDenied("Only the assigned officer or a manager can redact records.")
    data = request.POST if request.method == "POST" else request.GET
    search = forms.SearchForm(data if data else None)
    context: dict[str, Any] = {
        "case": case,
        "search": search,
        "can_change": can_change,
        "found": None,
        "redact": None,
    }
    if not search.is_valid():
        return render(request, "foi_cases/records/search_redact.html", context)
    found, unreadable = _search(case, search.cleaned_data["pattern"])
    keys = [f.key for f in found]
    redact = forms.SearchRedactForm(
        request.POST if request.method == "POST" else None,
        keys=keys,
        initial={"to_redact": keys},
    )
    if request.method == "POST" and redact.is_valid():
        if _redact_chosen(request, case, redact, found):
            return redirect(f"{case.get_absolute_url()}records/")
    context.update(
        found=found,
        unreadable=unreadable,
        redact=redact,
        citations=_citations(case),
        pages=len({(f.record.pk, f.match.page) for f in found}),
    )
    return render(request, "foi_cases/records/search_redact.html", context)


def _redact_chosen(
    request: HttpRequest, case: Case, form: forms.SearchRedactForm, found: list[Found]
) -> bool:
    data = form.cleaned_data
    chosen = set(data["to_redact"])
    by_record: dict[Record, list[workflow.Area]] = {}
    for item in found:
        if item.key in chosen:
            box = item.match.box
            area = workflow.Area(item.match.page, box.x0, box.y0, box.x1, box.y1)
            by_record.setdefault(item.record, []).append(area)
    citation = _case_citation(case, data["citation"])
    try:
        if citation is None:
            raise ValidationError({"citation": "That exemption is not cited on this case."})
        rows = workflow.redact_search_matches(
            case,
            actor=request.user,
            citation=citation,
            matches=by_record,
            search_kind="phrase" if data["phrase"] else data["preset"],
        )
    except ValidationError as error:
        attach_errors(form, error)
        return False
    messages.success(
        request,
        f"{len(rows)} place{'s' if len(rows) != 1 else ''} redacted in "
        f"{len(by_record)} record{'s' if len(by_record) != 1 else ''} under "
        f"{box_label(citation)}.",
    )
    return True
