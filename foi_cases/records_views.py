"""Records on a case, colleagues' searches (the contributor's own pages) and consultations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foi_cases import records_forms as forms
from foi_cases import workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case, CaseAccessLog, Consultation, ContributorTask, Record
from foi_cases.permissions import (
    can_add_records,
    can_view_record,
    get_case_for_user,
    get_task_for_user,
    is_contributor,
    tasks_visible_to,
)
from foi_cases.release_views import release_context


def _records_url(case: Case) -> str:
    return f"{case.get_absolute_url()}records/"


def _case_for_adding(request: HttpRequest, reference: str) -> Case:
    case = get_case_for_user(request, reference)
    if not can_add_records(request.user, case):
        raise PermissionDenied("Only the assigned officer or a manager can change the records.")
    return case


def _files(request: HttpRequest) -> dict[str, Any]:
    return {"files": request.FILES.getlist("files")}


def _render_records(request: HttpRequest, case: Case, **bound: Any) -> HttpResponse:
    context = {
        "case": case,
        "records": case.records.select_related("uploaded_by", "task__assignee", "duplicate_of"),
        "converting": case.records.filter(
            duplicate_of__isnull=True,
            conversion__in=(Record.Conversion.PENDING, Record.Conversion.CONVERTING),
        ).exists(),
        "tasks": case.contributor_tasks.select_related("assignee").prefetch_related("questions"),
        "consultations": case.consultations.prefetch_related("questions"),
        "can_add": can_add_records(request.user, case) and case.is_open,
        "upload_form": forms.RecordUploadForm(),
        "searched_hours": workflow.searched_hours(case),
        "today": timezone.localdate(),
        **release_context(case, request.user),
    }
    context.update(bound)
    return render(request, "foi_cases/records/case_records.html", context)


@require_GET
def case_records(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_records(request, get_case_for_user(request, reference))


@require_POST
def records_upload(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_adding(request, reference)
    form = forms.RecordUploadForm(request.POST, _files(request))
    if form.is_valid():
        try:
            added = workflow.add_records(case, actor=request.user, files=form.cleaned_data["files"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            _say_added(request, added)
            return redirect(_records_url(case))
    return _render_records(request, case, upload_form=form)


def _say_added(request: HttpRequest, added: list[Record]) -> None:
    duplicates = [r.original_name for r in added if r.duplicate_of_id]
    messages.success(request, f"{len(added)} file{'s' if len(added) != 1 else ''} added.")
    if duplicates:
        messages.info(
            request,
            "Already on the case (kept once, marked as duplicates): " + ", ".join(duplicates),
        )


@require_GET
def record_download(request: HttpRequest, pk: int) -> FileResponse:
    record = Record.objects.select_related("case", "task").filter(pk=pk).first()
    if record is None or not can_view_record(request.user, record):
        raise Http404("No record with that number.")
    if request.GET.get("copy") == "review":
        # The PDF made for review (a duplicate shares the first copy's).
        source = record.duplicate_of or record
        if not source.review_pdf:
            raise Http404("This record has not been converted for review.")
        stored, name, kind = source.review_pdf, f"{record.original_name}.pdf", "application/pdf"
    else:
        stored, name, kind = record.file, record.original_name, record.content_type
    if record.case.restricted:
        CaseAccessLog.objects.create(case=record.case, user=request.user, what=request.path[:200])
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name, content_type=kind)


# --- Asking colleagues to search ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def search_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_adding(request, reference)
    default_due = workflow.default_search_due(case)
    data = request.POST if request.method == "POST" else None
    form = forms.SearchRequestForm(data, case=case, default_due=default_due)
    if data is not None and form.is_valid():
        try:
            task = workflow.request_search(case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Search requested, due {task.due_on:%-d %B %Y}.")
            return redirect(_records_url(case))
    return render(request, "foi_cases/records/search_new.html", {"case": case, "form": form})


@require_POST
def search_cancel(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case_for_adding(request, reference)
    task = ContributorTask.objects.filter(case=case, pk=pk).first()
    if task is None:
        raise Http404("No such search on this case.")
    try:
        workflow.cancel_search(task, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Search cancelled.")
    return redirect(_records_url(case))


# --- The contributor's own pages --------------------------------------------------------------


@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    if not is_contributor(request.user):
        raise PermissionDenied("Only colleagues asked to search have tasks here.")
    tasks = tasks_visible_to(request.user).select_related("case")
    return render(request, "foi_cases/records/my_tasks.html", {"tasks": tasks})


def _render_task(request: HttpRequest, task: ContributorTask, **bound: Any) -> HttpResponse:
    context = {
        "task": task,
        "questions": task.questions.all(),
        "records": task.records.all(),
        "upload_form": forms.RecordUploadForm(),
        "statement_form": forms.SearchStatementForm(),
    }
    context.update(bound)
    return render(request, "foi_cases/records/task_detail.html", context)


@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_task(request, get_task_for_user(request, pk))


@require_POST
def task_upload(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request, pk)
    form = forms.RecordUploadForm(request.POST, _files(request))
    if form.is_valid():
        try:
            added = workflow.add_task_records(
                task, actor=request.user, files=form.cleaned_data["files"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            _say_added(request, added)
            return redirect("task_detail", pk=task.pk)
    return _render_task(request, task, upload_form=form)


@require_POST
def task_statement(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request, pk)
    form = forms.SearchStatementForm(request.POST)
    if form.is_valid():
        try:
            workflow.give_search_statement(task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Search statement sent. Thank you.")
            return redirect("task_detail", pk=task.pk)
    return _render_task(request, task, statement_form=form)


# --- Consultations -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def consultation_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_adding(request, reference)
    data = request.POST if request.method == "POST" else None
    form = forms.ConsultationForm(data, case=case)
    if data is not None and form.is_valid():
        try:
            workflow.record_consultation(case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Consultation recorded.")
            return redirect(_records_url(case))
    context = {"case": case, "form": form, "title": "Record a consultation"}
    return render(request, "foi_cases/records/consultation_form.html", context)


@require_http_methods(["GET", "POST"])
def consultation_advice(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case_for_adding(request, reference)
    consultation = Consultation.objects.filter(case=case, pk=pk).first()
    if consultation is None:
        raise Http404("No such consultation on this case.")
    data = request.POST if request.method == "POST" else None
    form = forms.AdviceForm(data)
    if data is not None and form.is_valid():
        try:
            workflow.record_advice(consultation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Advice recorded.")
            return redirect(_records_url(case))
    context = {
        "case": case,
        "form": form,
        "consultation": consultation,
        "title": "Record the advice given",
    }
    return render(request, "foi_cases/records/consultation_form.html", context)
