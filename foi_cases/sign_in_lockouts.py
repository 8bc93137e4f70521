"""Sign-in lockouts: per person-and-address, with a higher ceiling per address.

django-axes counts failures per (username, address) pair (AXES_LOCKOUT_PARAMETERS), so
wrong passwords typed at one desk lock neither the person out everywhere (anyone could lock
a colleague out by typing their name) nor the desk for everyone. Password spraying, one
address trying many names, is stopped by a separate, higher ceiling on all failures from the
address (FOI_ADDRESS_FAILURE_LIMIT). axes applies one limit to every parameter set, so the
ceiling is checked here, by a small subclass of its database handler, over the same rows.

Managers list both kinds of lock and clear them (audited) on the Sign-in security page.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from foi_cases.permissions import is_manager

audit_log = logging.getLogger("foi_cases.audit")


def _address_failures(ip_address: str | None, since: dt.datetime) -> int:
    if not ip_address:
        return 0
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class PairAndAddressLockoutHandler(AxesDatabaseHandler):
    """axes' database handler, also locking an address past FOI_ADDRESS_FAILURE_LIMIT."""

    def _address_locked(self, request: Any) -> bool:
        since = get_cool_off_threshold(request)
        failures = _address_failures(request.axes_ip_address, since)
        return failures >= settings.FOI_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(
        self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any
    ) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or not self._address_locked(request):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes", request=request, username=None, ip_address=request.axes_ip_address
        )


def lockout_minutes() -> int:
    return round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def limits() -> dict[str, int]:
    """What the pages say about the locks."""
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.FOI_ADDRESS_FAILURE_LIMIT,
        "lockout_minutes": lockout_minutes(),
    }


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the locked page, saying how long and who can unlock."""
    return render(
        request, "registration/locked_out.html", limits(), status=settings.AXES_HTTP_RESPONSE_CODE
    )


@dataclass(frozen=True)
class Lockout:
    """A current lock: a name at an address, or (username None) an address for everyone."""

    username: str | None
    ip_address: str
    failures: int
    locked_until: dt.datetime


def _recent_attempts() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    )


def current_lockouts() -> list[Lockout]:
    """Every lock in force now, addresses first, then by name."""
    cool_off = settings.AXES_COOLOFF_TIME
    addresses = (
        _recent_attempts()
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.FOI_ADDRESS_FAILURE_LIMIT)
        .order_by("ip_address")
    )
    pairs = (
        _recent_attempts()
        .exclude(username=None)  # an empty name at the form locks out no one
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username", "ip_address")
    )
    return [
        Lockout(None, row["ip_address"], row["failures"], row["last"] + cool_off)
        for row in addresses
    ] + [
        Lockout(row["username"], row["ip_address"], row["failures"], row["last"] + cool_off)
        for row in pairs
    ]


def unlock(actor: Any, *, username: str | None, ip_address: str) -> int:
    """Clear a lock: a name's failures at an address, or (no name) all from the address."""
    if not is_manager(actor):
        raise ValidationError("Only managers can unlock sign-in.")
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if username is not None:
        attempts = attempts.filter(username=username)
    cleared, _ = attempts.delete()
    if not cleared:
        raise ValidationError("That sign-in is not locked any more.")
    if username is None:
        audit_log.warning(
            "Sign-in from address %s unlocked by %s", ip_address, actor.get_username()
        )
    else:
        audit_log.warning(
            "Sign-in of %s from address %s unlocked by %s",
            username,
            ip_address,
            actor.get_username(),
        )
    return cleared
