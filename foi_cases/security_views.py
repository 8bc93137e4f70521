"""The restricted-case read log, for managers: who read what, and when."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from exemptions.models import Review
from foi_cases import approval
from foi_cases.models import CaseAccessLog
from foi_cases.permissions import get_case_for_user, is_manager

PAGE_SIZE = 100


def _page(request: HttpRequest, rows):  # type: ignore[no-untyped-def]
    rows = rows.select_related("case", "user").order_by("-at", "-pk")
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def access_log_all(request: HttpRequest) -> HttpResponse:
    """Every recorded read of every restricted case, newest first."""
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can see the read log of restricted cases.")
    page = _page(request, CaseAccessLog.objects.all())
    return render(request, "foi_cases/access_log.html", {"case": None, "page": page})


@require_GET
def access_log(request: HttpRequest, reference: str) -> HttpResponse:
    """One case's recorded reads. 404 for those who may not see the case, 403 for non-managers."""
    case = get_case_for_user(request, reference)
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can see who read this case.")
    page = _page(request, CaseAccessLog.objects.filter(case=case))
    # The approved content's sha256 is for audit only: people's pages say "unchanged since".
    approvals = Review.objects.filter(case=case).exclude(approved_hash="").order_by("round")
    return render(
        request,
        "foi_cases/access_log.html",
        {
            "case": case,
            "page": page,
            "approvals": approvals.select_related("reviewed_by", "manager_approved_by"),
            "current_hash": approval.decisions_hash(case) if approvals else "",
        },
    )
