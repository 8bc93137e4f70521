"""Optional TOTP two-factor sign-in (django-otp): set-up, the code check, and the middleware.

Anyone may set up an authenticator app. After the password, a person with a confirmed device
must enter a code before any other page works. With FOI_REQUIRE_TWO_FACTOR on, reviewers and
managers without a device are sent to set one up first (everyone, with
FOI_REQUIRE_TWO_FACTOR_FOR_ALL). Turning two-factor on ends the person's other sessions, which
were signed in without a code. A manager can remove someone else's lost device (audited).
Wrong codes are throttled by the device itself (1, 2, 4, 8 … seconds between tries).

Confirming a device also makes 10 single-use recovery codes (django-otp's static plugin), shown
once. At sign-in a recovery code stands in for the app's code; wrong ones count against the
app's device, so both kinds of code share one throttle. StaticToken would keep the codes in
plain text (readable in the admin and in backups), so each is stored as a keyed hash instead.
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
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from foi_cases import account_sessions, single_sign_on
from foi_cases.notifications import notify_account_security
from foi_cases.permissions import is_manager, is_reviewer
from foi_cases.two_factor_forms import SecurityCodeForm, is_recovery_code

audit_log = logging.getLogger("foi_cases.audit")

# Pages that work before the second factor: signing in and out, health, the public log.
OPEN_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "sign_in_emergency",
        "sign_in_refused",
        "healthz",
        "disclosure_log",
        "disclosure_log_csv",
        "disclosure_log_entry",
        "disclosure_log_entry_pdf",
    }
)
SESSION_KEY = "foi_two_factor_device"
WRONG_CODE = "The security code is wrong or has expired. Enter the code your app shows now"
WRONG_RECOVERY_CODE = (
    "The recovery code is wrong or has already been used. "
    "Enter an unused recovery code, or the code your app shows now"
)
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
NOTIFICATION_LENGTH = 500  # Notification.message's max_length


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
    # Only a path: redirect() would take a bare word ("1", "home") for a URL name to reverse.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, request: HttpRequest) -> str:
    query = QueryDict(mutable=True)
    query["next"] = request.get_full_path()
    return f"{reverse(name)}?{query.urlencode(safe='/')}"


def _wait_message(details: dict | None) -> str:
    until = (details or {}).get("locked_until")
    wait = math.ceil((until - timezone.now()).total_seconds()) if until else 0
    seconds = max(wait, 1)
    return (
        f"Too many wrong codes. Wait {seconds} second{'s' if seconds != 1 else ''}, "
        "then enter the code your app shows"
    )


def _check_code(device: TOTPDevice, code: str) -> str:
    """'' if the code is right, else what to tell the person. Failures are throttled."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return _wait_message(details)
        if device.verify_token(code):
            return ""
    return WRONG_CODE


# --- Recovery codes -----------------------------------------------------------------------------


def _recovery_hash(code: str, secret: str | bytes) -> str:
    """What is stored for a code: 16 hex digits of an HMAC (StaticToken.token holds 16)."""
    return salted_hmac(
        "foi_cases.two_factor.recovery_code", code, secret=secret, algorithm="sha256"
    ).hexdigest()[:16]


def _recovery_hashes(code: str) -> list[str]:
    """The code's hash under the secret key and any old keys still accepted."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_recovery_hash(code, secret) for secret in secrets]


def _recovery_device(user) -> StaticDevice | None:  # type: ignore[no-untyped-def]
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).order_by("pk").first()


def unused_recovery_codes(user) -> int:  # type: ignore[no-untyped-def]
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def new_recovery_codes(user) -> list[str]:  # type: ignore[no-untyped-def]
    """Make a new set of recovery codes, replacing any old set; return them for showing once."""
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    with transaction.atomic():
        device, _ = StaticDevice.objects.select_for_update().get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=_recovery_hash(code, settings.SECRET_KEY))
            for code in codes
        )
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def _check_recovery_code(device: TOTPDevice, code: str) -> tuple[StaticDevice | None, str]:
    """Use up a recovery code: (its device, '') if right, else (None, what to tell the person).

    Tries and failures go through the app's device, so the throttle is the app code's one.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return None, _wait_message(details)
        recovery = _recovery_device(device.user)
        if recovery is not None:
            token = recovery.token_set.filter(token__in=_recovery_hashes(code)).first()
            if token is not None and StaticToken.objects.filter(pk=token.pk).delete()[0]:
                recovery.set_last_used_timestamp()
                device.throttle_reset()
                return recovery, ""
        device.throttle_increment()
    return None, WRONG_RECOVERY_CODE


def _sign_in_with(request: HttpRequest, device: Device) -> None:
    old_key = request.session.session_key
    request.session.cycle_key()  # a new session id for the more trusted session
    account_sessions.session_key_changed(old_key, request)
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
        context = {"device": existing, "recovery_codes_left": unused_recovery_codes(user)}
        return render(request, "registration/two_factor_setup.html", context)
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
            # Sessions signed in before this had no code asked of them: they end here.
            account_sessions.end_other_sessions(
                user, keep=request.session.session_key, why="two-factor turned on"
            )
            codes = new_recovery_codes(user)
            audit_log.info("Recovery codes generated for %s", user.get_username())
            return _show_recovery_codes(request, codes, then=_next_url(request), first=True)
        form.add_error("code", error)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret": _grouped(secret),
        "otpauth_uri": device.config_url,
        "qr_code": _qr_code(device.config_url),
        "required": _required_for(user),
        "required_for_all": settings.FOI_REQUIRE_TWO_FACTOR_FOR_ALL,
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
    form = SecurityCodeForm(request.POST if request.method == "POST" else None, recovery_codes=True)
    if form.is_valid():
        code = form.cleaned_data["code"]
        if is_recovery_code(code):
            recovery, error = _check_recovery_code(device, code)
            if recovery is not None:
                _sign_in_with(request, recovery)
                left = unused_recovery_codes(user)
                audit_log.info("Recovery code used by %s (%d left)", user.get_username(), left)
                messages.warning(
                    request,
                    f"You signed in with a recovery code. You have {left} unused recovery "
                    f"code{'' if left == 1 else 's'} left. You can get new ones on the "
                    "Two-factor authentication page",
                )
                return redirect(_next_url(request))
            audit_log.warning("Wrong recovery code for %s", user.get_username())
            form.add_error("code", error)
        else:
            error = _check_code(device, code)
            if not error:
                _sign_in_with(request, device)
                return redirect(_next_url(request))
            audit_log.warning("Wrong two-factor code for %s", user.get_username())
            form.add_error("code", error)
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "registration/two_factor_verify.html", context)


def _show_recovery_codes(
    request: HttpRequest, codes: list[str], *, then: str, first: bool
) -> HttpResponse:
    """The codes, in the answer to the POST that made them: never stored, never shown again."""
    context = {"codes": codes, "then": then, "first": first}
    return render(request, "registration/two_factor_recovery_codes.html", context)


@never_cache  # the answer shows the codes
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the signed-in person's recovery codes with a new set, shown once."""
    user = request.user
    # No app set up, or (past the middleware) a password alone: the set-up page says what to do.
    if _confirmed_device(user) is None or not user.is_verified():
        return redirect("two_factor_setup")
    codes = new_recovery_codes(user)
    audit_log.info(
        "New recovery codes generated by %s; the old ones no longer work", user.get_username()
    )
    return _show_recovery_codes(request, codes, then=reverse("two_factor_setup"), first=False)


def _required_for(user) -> bool:  # type: ignore[no-untyped-def]
    if not settings.FOI_REQUIRE_TWO_FACTOR:
        return False
    return settings.FOI_REQUIRE_TWO_FACTOR_FOR_ALL or is_reviewer(user) or is_manager(user)


def has_two_factor(user) -> bool:  # type: ignore[no-untyped-def]
    return _confirmed_device(user) is not None


def remove_device(actor, person, *, reason: str) -> None:  # type: ignore[no-untyped-def]
    """A manager removes someone else's lost authenticator app and recovery codes.

    The person then signs in with their password alone (or is sent to set up a new app, where
    two-factor is required); they are told, and the removal is audited with the reason.
    """
    if not is_manager(actor):
        raise ValidationError("Only managers can remove someone's two-factor device.")
    if person.pk == actor.pk:
        raise ValidationError(
            "You cannot remove your own two-factor device. Ask another manager to remove it"
        )
    reason = " ".join(reason.split())  # one line in the audit log
    if not reason:
        raise ValidationError("Enter why you are removing the device")
    if _confirmed_device(person) is None:
        raise ValidationError(f"{person.get_username()} has no two-factor device to remove")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person, name=RECOVERY_DEVICE_NAME).delete()
        audit_log.warning(
            "Two-factor device of %s removed by %s: %s",
            person.get_username(),
            actor.get_username(),
            reason,
        )
        message = (
            f"{actor.get_full_name() or actor.get_username()} removed your two-factor "
            "authentication app and recovery codes. Set up a new authenticator app on the "
            "Two-factor authentication page. If you did not ask for this, tell a manager now. "
            f"Reason given: {reason}"
        )
        notify_account_security(person, message[:NOTIFICATION_LENGTH])


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
        if single_sign_on.signed_in_with_provider(request):
            return None  # the identity provider asked for the second factor
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
