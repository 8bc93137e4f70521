"""Your account (password, two-factor, your sessions) and the managers' Sign-in security page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from foi_cases import account_sessions, sign_in_lockouts, two_factor
from foi_cases.account_forms import AccountPasswordForm, RemoveDeviceForm, UnlockForm
from foi_cases.permissions import is_manager
from foi_cases.workflow import people

audit_log = logging.getLogger("foi_cases.audit")


@never_cache
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    account_sessions.record_current(request)
    sessions = account_sessions.live_sessions(request.user)
    context = {
        "sessions": sessions,
        "current_key": request.session.session_key,
        "others": sum(1 for s in sessions if s.session_key != request.session.session_key),
        "two_factor_on": two_factor.has_two_factor(request.user),
    }
    return render(request, "registration/account.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AccountPasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.save()
        old_key = request.session.session_key
        update_session_auth_hash(request, user)  # keeps this session, with a new key
        account_sessions.session_key_changed(old_key, request)
        audit_log.info("Password changed by %s", user.get_username())
        ended = account_sessions.end_other_sessions(
            user, keep=request.session.session_key, why="password changed"
        )
        messages.success(request, _changed_message("Your password has been changed", ended))
        return redirect("account")
    return render(request, "registration/password_change.html", {"form": form})


def _changed_message(what: str, ended: int) -> str:
    if not ended:
        return what
    sessions = f"{ended} other session{'s' if ended != 1 else ''}"
    return f"{what}. You were signed out everywhere else ({sessions})"


@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign out one of your own sessions (another person's is 'already ended' to you)."""
    if account_sessions.end_session(request.user, pk):
        messages.success(request, "That session has been signed out")
    else:
        messages.info(request, "That session had already ended")
    return redirect("account")


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = account_sessions.end_other_sessions(
        request.user, keep=request.session.session_key, why="signed out by the person"
    )
    if ended:
        messages.success(request, _changed_message("You are still signed in here", ended))
    else:
        messages.info(request, "You had no other sessions")
    return redirect("account")


# --- Managers: sign-in security -----------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can see sign-in security.")


@never_cache
@require_GET
def sign_in_security(request: HttpRequest) -> HttpResponse:
    """Locks in force now, and who has two-factor on (to remove a lost device)."""
    _require_manager(request)
    with_devices = (
        get_user_model()
        .objects.filter(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user"))
        .exclude(pk=request.user.pk)
        .order_by("username")
    )
    context = {
        "lockouts": sign_in_lockouts.current_lockouts(),
        "with_devices": with_devices,
        **sign_in_lockouts.limits(),
    }
    return render(request, "registration/sign_in_security.html", context)


@require_POST
def sign_in_unlock(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a lock from the list to clear")
        return redirect("sign_in_security")
    username = form.cleaned_data["username"] or None
    address = form.cleaned_data["ip_address"]
    try:
        sign_in_lockouts.unlock(request.user, username=username, ip_address=address)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("sign_in_security")
    who = f"{username} from {address}" if username else f"everyone from {address}"
    messages.success(request, f"Sign-in unlocked for {who}")
    return redirect("sign_in_security")


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    person = get_object_or_404(get_user_model(), pk=pk)
    form = RemoveDeviceForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            people.reset_two_factor(person, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Two-factor device removed for {person.get_username()}. They have been told",
            )
            return redirect("sign_in_security")
    context = {"form": form, "person": person, "has_device": two_factor.has_two_factor(person)}
    return render(request, "registration/two_factor_remove.html", context)
