"""The case team page: who may open the case and why, and adding or removing people."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from foi_cases import team
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case
from foi_cases.permissions import REVIEWER, can_manage_team, get_case_for_user, is_manager
from foi_cases.team_forms import ClearanceForm, ReviewerForm, TeamMemberForm, TeamRemoveForm


def _render_team(
    request: HttpRequest,
    case: Case,
    *,
    add_form: TeamMemberForm | None = None,
    remove_form: TeamRemoveForm | None = None,
    clearance_form: ClearanceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    members = team.team_of(case)
    manage = can_manage_team(request.user, case)
    initial = {"clearance": ClearanceForm.initial_for(case.manager_clearance)}
    return render(
        request,
        "foi_cases/case_team.html",
        {
            "case": case,
            "members": members,
            "history": team.team_history(case),
            "can_manage": manage,
            "add_form": add_form
            or (TeamMemberForm(exclude={m.pk for m in members}) if manage else None),
            "remove_form": remove_form or TeamRemoveForm(),
            "clearance_form": clearance_form
            or (ClearanceForm(initial=initial) if is_manager(request.user) else None),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def case_team(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    if request.method == "GET":
        return _render_team(request, case)
    if not can_manage_team(request.user, case):
        raise PermissionDenied("Only a manager can change the team of a restricted case.")
    members = team.team_of(case)
    form = TeamMemberForm(request.POST, exclude={m.pk for m in members})
    if form.is_valid():
        member = form.cleaned_data["member"]
        try:
            team.add_team_member(
                case, actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            name = member.get_full_name() or member.get_username()
            messages.success(request, f"{name} was added to the team.")
            return redirect("case_team", case.reference)
    return _render_team(request, case, add_form=form, status=400)


@require_POST
def case_clearance(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    if not is_manager(request.user):
        raise PermissionDenied("Only a manager can change a case's clearance.")
    form = ClearanceForm(request.POST)
    if form.is_valid():
        team.set_manager_clearance(
            case,
            actor=request.user,
            required=ClearanceForm.VALUES[form.cleaned_data["clearance"]],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Manager clearance saved.")
        return redirect("case_team", case.reference)
    return _render_team(request, case, clearance_form=form, status=400)


@require_POST
def case_team_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    if not can_manage_team(request.user, case):
        raise PermissionDenied("Only a manager can change the team of a restricted case.")
    member = get_object_or_404(get_user_model(), pk=pk)
    form = TeamRemoveForm(request.POST)
    if form.is_valid():
        try:
            team.remove_team_member(
                case, actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            name = member.get_full_name() or member.get_username()
            messages.success(request, f"{name} was taken off the team.")
            return redirect("case_team", case.reference)
    return _render_team(request, case, remove_form=form, status=400)


def allocate(request: HttpRequest, work: Any) -> HttpResponse:
    """Allocate decisions waiting (a Review) or a letter to the reviewer posted; back to `next`.

    Who may allocate whom is the workflow's call (`team.check_allocation`).
    """
    reviewers = get_user_model().objects.filter(groups__name=REVIEWER, is_active=True)
    form = ReviewerForm(request.POST, reviewers=list(reviewers), required=True)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            team.allocate_reviewer(work, actor=request.user, reviewer=reviewer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = reviewer.get_full_name() or reviewer.get_username()
            messages.success(request, f"{work.case.reference}: allocated to {name}.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("approval_queue")
    return redirect(target)
