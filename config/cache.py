"""A Redis cache that degrades to no cache while Redis cannot be reached.

Django's RedisCache raises on a connection error, which turned every page that reads the
cache (any page showing a deadline reads the holiday calendar's version) into a 500 when
Redis stopped. Here a read is a miss and a write is dropped, with one warning per outage.
After a failure the cache is not asked again for RETRY_AFTER_SECONDS, so a Redis that
hangs rather than refuses costs at most one socket timeout per process in that time.

Nothing the app keeps in the cache is needed for correctness: the disclosure log PDF is
rendered afresh, and the holiday calendar version falls back to each process rebuilding
its calendars at least hourly (bank_holidays.MAX_AGE_SECONDS). Sessions and sign-in
lockouts (django-axes) are in PostgreSQL.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 5.0
SOCKET_TIMEOUT_SECONDS = 1.0


class _Unreachable(Exception):
    """Redis failed recently: do not wait on it again yet."""


def _degrades_to(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
            try:
                self._check_reachable()
                result = method(self, *args, **kwargs)
            except (*UNREACHABLE, _Unreachable) as exc:
                self._note_failure(exc)
                return fallback(*args, **kwargs)
            if self._down_since is not None:
                self._down_since = None
                logger.info("The cache is reachable again.")
            return result

        return wrapper

    return decorate


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _missing_key(*args: Any, **kwargs: Any) -> None:
    # What incr() raises for a key that is not there, which an unreachable cache resembles.
    raise ValueError("The cache is unreachable.")


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT_SECONDS)
        super().__init__(server, params)
        self._down_since: float | None = None
        self._retry_at = 0.0

    def _check_reachable(self) -> None:
        if self._down_since is not None and time.monotonic() < self._retry_at:
            raise _Unreachable

    def _note_failure(self, exc: Exception) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            logger.warning("The cache is unreachable; carrying on without it: %s", exc)
        if not isinstance(exc, _Unreachable):
            self._retry_at = now + RETRY_AFTER_SECONDS

    get = _degrades_to(_default)(RedisCache.get)
    get_many = _degrades_to(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _degrades_to(_false)(RedisCache.has_key)
    set = _degrades_to(_nothing)(RedisCache.set)
    set_many = _degrades_to(lambda *args, **kwargs: [])(RedisCache.set_many)
    add = _degrades_to(_false)(RedisCache.add)
    touch = _degrades_to(_false)(RedisCache.touch)
    delete = _degrades_to(_false)(RedisCache.delete)
    delete_many = _degrades_to(_nothing)(RedisCache.delete_many)
    incr = _degrades_to(_missing_key)(RedisCache.incr)
    clear = _degrades_to(_false)(RedisCache.clear)
