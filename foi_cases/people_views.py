"""Team administration for managers: the team page, invitations, roles, leavers, the log.

The set-up page an invitation links to (`join`) is the one page here open to anyone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from foi_cases.form_errors import attach_errors
from foi_cases.models import AccessEvent, Case, Invitation
from foi_cases.people_forms import DeactivateForm, InviteForm, JoinForm, RolesForm
from foi_cases.permissions import is_manager
from foi_cases.reporting.csv_export import csv_response
from foi_cases.workflow import people
from foi_cases.workflow.casework import reassignable_cases

STATUS_FILTERS = {"active": {"is_active": True}, "deactivated": {"is_active": False}, "all": {}}


def _require_manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can administer the team.")


def _person(request: HttpRequest, pk: int) -> User:
    _require_manager(request)
    return get_object_or_404(get_user_model(), pk=pk)


def _team(role: str, status: str) -> QuerySet[User]:
    rows = get_user_model().objects.filter(**STATUS_FILTERS[status])
    if role:
        rows = rows.filter(groups__name=role)
    return (
        rows.prefetch_related("groups")
        .annotate(
            open_cases=Count(
                "assigned_cases",
                filter=~Q(assigned_cases__status__in=Case.FINISHED_STATUSES),
            ),
            two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .order_by("first_name", "last_name", "username")
    )


def _roles(user: User) -> list[str]:
    names = {group.name for group in user.groups.all()}
    return [role for role in people.TEAM_ROLES if role in names]


@never_cache
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """Who is in the team, their roles and open cases, last sign-in and two-factor."""
    _require_manager(request)
    role = request.GET.get("role", "")
    role = role if role in people.TEAM_ROLES else ""
    status = request.GET.get("status", "active")
    status = status if status in STATUS_FILTERS else "active"
    members = [(user, _roles(user)) for user in _team(role, status)]
    pending = Invitation.objects.filter(
        used_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")
    context = {
        "members": members,
        "pending": pending,
        "roles": people.TEAM_ROLES,
        "role": role,
        "status": status,
        "statuses": [("active", "Active"), ("deactivated", "Deactivated"), ("all", "Everyone")],
    }
    return render(request, "foi_cases/people/team.html", context)


@never_cache
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    user = _person(request, pk)
    context = {
        "person": user,
        "roles": _roles(user),
        "open_cases": reassignable_cases(user),
        "two_factor": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "events": AccessEvent.objects.filter(person=user).select_related("actor")[:50],
    }
    return render(request, "foi_cases/people/person.html", context)


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            invitation = people.invite_person(
                actor=request.user,
                site_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}")
            return redirect("people_team")
    context = {"form": form, "link_hours": settings.FOI_INVITE_LINK_HOURS}
    return render(request, "foi_cases/people/invite.html", context)


@require_http_methods(["GET", "POST"])
def roles(request: HttpRequest, pk: int) -> HttpResponse:
    user = _person(request, pk)
    data = request.POST if request.method == "POST" else None
    form = RolesForm(data, initial={"roles": _roles(user)})
    if form.is_valid():
        try:
            people.set_roles(user, actor=request.user, roles=form.cleaned_data["roles"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Roles changed for {user.get_full_name() or user}")
            return redirect("people_person", pk=user.pk)
    return render(request, "foi_cases/people/roles.html", {"person": user, "form": form})


@require_http_methods(["GET", "POST"])
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a leaver, handing every open case of theirs to one officer in one step."""
    user = _person(request, pk)
    open_cases = list(reassignable_cases(user))
    if request.method == "POST":
        form = DeactivateForm(request.POST, person=user)
        if form.is_valid():
            try:
                moved = people.deactivate_person(
                    user,
                    actor=request.user,
                    cases=form.cleaned_data["cases"],
                    to_officer=form.cleaned_data["to_officer"],
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                count = len(moved)
                reassigned = f" and {count} case{'s' if count != 1 else ''} reassigned"
                messages.success(
                    request,
                    f"{user.get_full_name() or user} deactivated{reassigned if count else ''}",
                )
                return redirect("people_person", pk=user.pk)
    else:
        form = DeactivateForm(initial={"cases": [case.pk for case in open_cases]}, person=user)
    context = {"person": user, "form": form, "open_cases": open_cases}
    return render(request, "foi_cases/people/deactivate.html", context)


@require_POST
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _person(request, pk)
    try:
        people.reactivate_person(user, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{user.get_full_name() or user} can sign in again")
    return redirect("people_person", pk=user.pk)


@require_GET
def access_log_csv(request: HttpRequest) -> HttpResponse:
    """Every change to anyone's access, newest first, as a spreadsheet-safe CSV."""
    _require_manager(request)
    events = AccessEvent.objects.select_related("actor", "person").iterator(chunk_size=500)
    return csv_response(
        "access-log.csv",
        ["When", "Person", "Change", "By", "Details"],
        (
            (
                timezone.localtime(event.at),
                event.subject,
                event.get_verb_display(),
                event.actor.get_username() if event.actor else event.data.get("source", ""),
                "; ".join(f"{key}: {_cell(value)}" for key, value in event.data.items()),
            )
            for event in events
        ),
    )


def _cell(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's set-up link: choose a password, then sign in (and set up two-factor)."""
    invitation, problem = people.invitation_for_token(token)
    if invitation is None or problem:
        # 410 Gone for a link that worked once; 404 for one that never did.
        status = 404 if problem == people.LINK_INVALID else 410
        context = {"problem": problem}
        return render(request, "foi_cases/people/join_unusable.html", context, status=status)
    draft = people.draft_user(invitation)
    form = JoinForm(draft, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            people.accept_invitation(invitation, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                f"Your account is ready. Sign in with your username {draft.username} "
                "and your new password",
            )
            return redirect("login")
    context = {"form": form, "invitation": invitation}
    return render(request, "foi_cases/people/join.html", context)
