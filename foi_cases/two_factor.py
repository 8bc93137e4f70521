"""Optional TOTP two-factor sign-in (django-otp): set-up, the code check, and the middleware.

Anyone may set up an authenticator app. After the password, a person with a confirmed device
must enter a code before any other page works. With FOI_REQUIRE_TWO_FACTOR on, reviewers and
managers without a device are sent to set one up first; FOI officers are not forced.
Wrong codes are throttled by the device itself (1, 2, 4, 8 … seconds between tries).
"""

from __future__ import annotations

import base64
import io
import logging
import math

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from foi_cases.permissions import is_manager, is_reviewer
from foi_cases.two_factor_forms import SecurityCodeForm

audit_log = logging.getLogger("foi_cases.audit")

# Pages that work before the second factor: signing in and out, health, the public log.
OPEN_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "disclosure_log",
        "disclosure_log_csv",
        "disclosure_log_entry",
        "disclosure_log_entry_pdf",
    }
)
SESSION_KEY = "foi_two_factor_device"
WRONG_CODE = "The security code is wrong or has expired. Enter the code your app shows now"


def _confirmed_device(user) -> TOTPDevice | None:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def has_device(request: HttpRequest) -> bool:
    """Whether the signed-in person has a confirmed device, as noted at sign-in.

    Noting it at sign-in spares every page a query; a device added in the admin counts from
    the person's next sign-in, and a removed one is noticed by the code page.
    """
    remembered = request.session.get(SESSION_KEY)
    if remembered and remembered[0] == request.user.pk:
        return bool(remembered[1])
    found = _confirmed_device(request.user) is not None
    request.session[SESSION_KEY] = [request.user.pk, found]
    return found


@receiver(user_logged_in, dispatch_uid="foi_cases.two_factor.note_device")
def note_device_at_sign_in(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    """Connected by FoiCasesConfig.ready(), as django_otp connects its own sign-in receiver."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = [user.pk, _confirmed_device(user) is not None]


def _forget_device(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    query = QueryDict(mutable=True)
    query["next"] = request.get_full_path()
    return f"{reverse(name)}?{query.urlencode(safe='/')}"


def _check_code(device: TOTPDevice, code: str) -> str:
    """'' if the code is right, else what to tell the person. Failures are throttled."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            until = (details or {}).get("locked_until")
            wait = math.ceil((until - timezone.now()).total_seconds()) if until else 0
            seconds = max(wait, 1)
            return (
                f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''}, "
                "then enter the code your app shows"
            )
        if device.verify_token(code):
            return ""
    return WRONG_CODE


def _sign_in_with(request: HttpRequest, device: TOTPDevice) -> None:
    request.session.cycle_key()  # a new session id for the more trusted session
    django_otp.login(request, device)
    _forget_device(request)


def _qr_code(uri: str) -> str:
    """A data: URI of an SVG QR code (an <img> cannot run script; the CSP allows data:)."""
    out = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=4).save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache  # the page shows the secret
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret; turn two-factor on once a code from it is entered."""
    user = request.user
    existing = _confirmed_device(user)
    if existing is not None:
        if not user.is_verified():  # a password alone may not add or see a device
            return redirect(_with_next("two_factor_verify", request))
        return render(request, "registration/two_factor_setup.html", {"device": existing})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = SecurityCodeForm(
        request.POST if request.method == "POST" else None,
        button="Turn on two-factor authentication",
    )
    if form.is_valid():
        error = _check_code(device, form.cleaned_data["code"])
        if not error:
            TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device.refresh_from_db()
            _sign_in_with(request, device)
            audit_log.info("Two-factor authentication set up by %s", user.get_username())
            messages.success(request, "Two-factor authentication is on")
            return redirect(_next_url(request))
        form.add_error("code", error)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret": _grouped(secret),
        "otpauth_uri": device.config_url,
        "qr_code": _qr_code(device.config_url),
        "required": _required_for(user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the person's authenticator app."""
    user = request.user
    device = _confirmed_device(user)
    if device is None or user.is_verified():
        _forget_device(request)  # e.g. a manager removed a lost phone's device
        return redirect(_next_url(request))
    form = SecurityCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        error = _check_code(device, form.cleaned_data["code"])
        if not error:
            _sign_in_with(request, device)
            return redirect(_next_url(request))
        audit_log.warning("Wrong two-factor code for %s", user.get_username())
        form.add_error("code", error)
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "registration/two_factor_verify.html", context)


def _required_for(user) -> bool:  # type: ignore[no-untyped-def]
    return settings.FOI_REQUIRE_TWO_FACTOR and (is_reviewer(user) or is_manager(user))


class TwoFactorMiddleware:
    """Hold a signed-in person at the code page (or the set-up page, when required).

    Goes after django_otp's OTPMiddleware, which gives request.user its is_verified().
    """

    def __init__(self, get_response) -> None:  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in OPEN_URL_NAMES:
            return None
        if has_device(request):
            return (
                None
                if name == "two_factor_verify"
                else redirect(_with_next("two_factor_verify", request))
            )
        if name in ("two_factor_setup", "two_factor_verify"):
            return None
        if _required_for(user):
            return redirect(_with_next("two_factor_setup", request))
        return None
