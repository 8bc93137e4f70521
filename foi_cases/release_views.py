"""Releasing records: building and downloading the release bundle, and getting a record out
of quarantine (accepting its tracked changes) or converted again after a failure."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from foi_cases import workflow
from foi_cases.models import Case, Record, ReleaseBundle
from foi_cases.permissions import can_add_records, can_download_release_bundle, get_case_for_user
from foi_cases.release import bundle


def release_context(case: Case, user: AbstractBaseUser | AnonymousUser) -> dict[str, Any]:
    """What the records page shows of the release: the latest build and whether it is current."""
    latest = case.release_bundles.first()
    return {
        "latest_bundle": latest,
        "current_bundle": bundle.current_bundle(case) if latest else None,
        "release_problem": bundle.readiness_problem(case),
        "can_download_bundle": can_download_release_bundle(user, case),
    }


def _records_url(case: Case) -> str:
    return f"{case.get_absolute_url()}records/"


def _case_for_release(request: HttpRequest, reference: str) -> Case:
    case = get_case_for_user(request, reference)
    if not can_add_records(request.user, case):
        raise PermissionDenied("Only the assigned officer or a manager can do this.")
    return case


def _say(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
def release_bundle_build(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_release(request, reference)
    try:
        built = workflow.request_release_bundle(case, actor=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        if built.status == ReleaseBundle.Status.READY:
            messages.info(request, "The release bundle is already up to date.")
        else:
            messages.success(request, "The release bundle is being built.")
    return redirect(_records_url(case))


@require_GET
def release_bundle_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    case = get_case_for_user(request, reference)
    if not can_download_release_bundle(request.user, case):
        raise PermissionDenied("Only the case team and managers can download the release bundle.")
    row = case.release_bundles.filter(pk=pk, status=ReleaseBundle.Status.READY).first()
    if row is None:
        raise Http404("No such release bundle on this case.")
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=bundle.download_name(row),
        content_type="application/pdf",
    )


def _record(case: Case, pk: int) -> Record:
    record = case.records.filter(pk=pk, duplicate_of__isnull=True).first()
    if record is None:
        raise Http404("No such record on this case.")
    return record


@require_POST
def record_accept_changes(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case_for_release(request, reference)
    record = _record(case, pk)
    try:
        workflow.accept_tracked_changes(record, actor=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(
            request, f"All tracked changes of {record.original_name} accepted; converting it."
        )
    return redirect(_records_url(case))


@require_POST
def record_retry(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case_for_release(request, reference)
    record = _record(case, pk)
    try:
        workflow.retry_conversion(record, actor=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, f"Converting {record.original_name} again.")
    return redirect(_records_url(case))
