"""Reads that scale out: reporting pages read from a streaming replica, when one is set.

With `REPLICA_DATABASE_URL` set, `config/settings.py` adds the database alias `replica` and
`ReplicaRouter`. The views that only report (dashboards, statistics, search, exports) are
marked `@reads_from_replica`; while one of them runs, the router sends its reads to the
replica. Everything else, and every write, goes to the primary.

A replica is a moment behind the primary, so whoever has just written reads their own writes
from the primary: `RecentWriteMiddleware` sets a cookie on the response to any POST, and
while it lasts (`REPLICA_PIN_SECONDS`) that browser's reporting pages read the primary too.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
RECENT_WRITE_COOKIE = "foi_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reading_replica", default=False
)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def wrote_recently(request: HttpRequest) -> bool:
    return RECENT_WRITE_COOKIE in request.COOKIES


def reads_from_replica(
    view: Callable[..., HttpResponse] | None = None,
    *,
    when: Callable[[HttpRequest], bool] | None = None,
) -> Any:
    """Mark a reporting view: its reads go to the replica, unless this browser just wrote.

    `when` narrows it to some requests of the view (the case list only when searching).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            use = (
                replica_configured()
                and not wrote_recently(request)
                and (when is None or when(request))
            )
            token = _reading_replica.set(use)
            try:
                return view(request, *args, **kwargs)
            finally:
                _reading_replica.reset(token)

        return wrapped

    return decorate(view) if view is not None else decorate


class ReplicaRouter:
    """Reads inside a `@reads_from_replica` view go to the replica; all else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data: the replica is a copy of the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA


class RecentWriteMiddleware:
    """After any POST, pin this browser's reads to the primary for `REPLICA_PIN_SECONDS`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_cookie(
                RECENT_WRITE_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
