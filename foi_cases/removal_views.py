"""Taking back an approval, and deleting a case (s77 and the legal hold permitting)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from foi_cases import workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case
from foi_cases.permissions import get_case_for_user
from foi_cases.removal_forms import ReasonForm


@require_http_methods(["GET", "POST"])
def withdraw_approval(request: HttpRequest, reference: str) -> HttpResponse:
    """Send approved decisions back to drafting, saying why."""
    case = get_case_for_user(request, reference)
    if not workflow.can_withdraw_approval(request.user, case):
        raise PermissionDenied("Only the assigned officer or a manager can withdraw approval.")
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is the approval withdrawn?",
        hint="The decisions go back to drafting and must be reviewed again before a "
        "response is sent. The reason goes on the case's timeline.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            workflow.withdraw_approval(case, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Approval withdrawn: the decisions are back in drafting.")
            return redirect(case)
    return render(
        request,
        "foi_cases/withdraw_approval.html",
        {"case": case, "form": form, "available": case.status == Case.Status.APPROVED},
    )


@require_http_methods(["GET", "POST"])
def delete_case(request: HttpRequest, reference: str) -> HttpResponse:
    """Delete a case for good: a reason, then a confirmation page, then the deletion.

    A POST without `confirmed` checks the reason and shows the confirmation page; the
    confirmation page posts the reason again with `confirmed`.
    """
    case = get_case_for_user(request, reference)
    if not workflow.can_delete_case(request.user):
        raise PermissionDenied("Only a manager can delete a case.")
    blockers = workflow.deletion_blockers(case)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label="Why is this case deleted?",
        hint="For example: the retention period has ended, or it was logged by mistake. "
        "The case's own audit trail goes with it, so the reason is kept in the audit log.",
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed") != "yes":
            confirming = True
        else:
            try:
                workflow.delete_case(case, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, f"Case {reference} was deleted.")
                return redirect("case_list")
    return render(
        request,
        "foi_cases/delete_case.html",
        {"case": case, "form": form, "blockers": blockers, "confirming": confirming},
    )
