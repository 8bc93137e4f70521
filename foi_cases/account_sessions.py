"""A person's signed-in sessions: an index by user, so sessions can be listed and ended.

Django's session store cannot be searched by user, so each sign-in writes a SignedInSession
row naming the session's key; `session_key_changed` follows the key when this service cycles
it (the second factor, a password change). Ending a session deletes it from the configured
session store, whatever the engine, so the browser holding it is signed out at once.

Turning on two-factor, or changing the password, ends every other session: they were
signed in with less than the person now requires (Django's session hash would end them on
a password change only at their next request, and leave them listed until then).
"""

from __future__ import annotations

import logging
import time
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.backends.base import SessionBase
from django.dispatch import receiver
from django.http import HttpRequest

from foi_cases.models import SignedInSession

audit_log = logging.getLogger("foi_cases.audit")
USER_AGENT_LENGTH = 255


def _store(session_key: str | None = None) -> SessionBase:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def _client_address(request: HttpRequest) -> str | None:
    """The address axes worked out (it honours PROXY_COUNT), else the socket's."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def _record(request: HttpRequest, user: Any) -> None:
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": _client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
        },
    )


@receiver(user_logged_in, dispatch_uid="foi_cases.account_sessions.record")
def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Connected by FoiCasesConfig.ready(). login() has just given the session a new key."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return
    _record(request, user)
    live_sessions(user, signing_in=session.session_key)


def record_current(request: HttpRequest) -> None:
    """Index the current session if it is not (one signed in before the index existed)."""
    key = request.session.session_key
    if key and not SignedInSession.objects.filter(session_key=key).exists():
        _record(request, request.user)


@receiver(user_logged_out, dispatch_uid="foi_cases.account_sessions.forget")
def forget_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        SignedInSession.objects.filter(session_key=session.session_key).delete()


def session_key_changed(old_key: str | None, request: HttpRequest) -> None:
    """Call after cycling the session's key, so the index keeps naming the live session."""
    new_key = request.session.session_key
    if old_key and new_key and old_key != new_key:
        SignedInSession.objects.filter(session_key=old_key).update(session_key=new_key)


def _alive(row: SignedInSession) -> bool:
    """Whether the store still holds the session, unexpired and signed in as its person."""
    data = _store(row.session_key).load()
    return str(data.get(AUTH_SESSION_KEY, "")) == str(row.user_id)


def live_sessions(user: Any, *, signing_in: str = "") -> list[SignedInSession]:
    """The person's sessions still alive in the store, newest first; dead ones are forgotten.

    Sessions that time out leave their rows behind; each sign-in and each look at the list
    clears the person's, so the rows stay few. A session `signing_in` is not yet saved as
    signed in, so it is left out.
    """
    rows = list(SignedInSession.objects.filter(user=user).exclude(session_key=signing_in))
    alive = [row for row in rows if _alive(row)]
    dead = [row.pk for row in rows if row not in alive]
    if dead:
        SignedInSession.objects.filter(pk__in=dead).delete()
    return alive


def _end(rows: list[SignedInSession]) -> int:
    for row in rows:
        _store(row.session_key).delete()
    SignedInSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def end_session(user: Any, session_id: int) -> bool:
    """End one of the person's own sessions (not another person's); whether one was ended."""
    rows = list(SignedInSession.objects.filter(user=user, pk=session_id))
    return _end(rows) > 0


def end_other_sessions(user: Any, *, keep: str | None, why: str) -> int:
    """End all the person's sessions but the one keyed `keep`; audited with the reason."""
    rows = list(SignedInSession.objects.filter(user=user).exclude(session_key=keep or ""))
    ended = _end(rows)
    if ended:
        audit_log.info(
            "%d other session%s of %s ended (%s)",
            ended,
            "" if ended == 1 else "s",
            user.get_username(),
            why,
        )
    return ended


# The session's last refresh, in the session itself (seconds since the epoch).
REFRESHED_KEY = "_idle_refreshed"


def _now() -> float:
    return time.time()


class IdleExpiryMiddleware:
    """Moves a session's idle expiry on with use, writing the session at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) wrote its row and
    committed on every page anyone opened, to move its expiry on by seconds. Marked modified
    here once `SESSION_REFRESH_SECONDS` have passed, Django's session middleware saves it
    (and sends the cookie again): an idle session ends at most that much before
    `SESSION_COOKIE_AGE`, never after.
    """

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = _now()
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = int(now)
        return response
