"""Fixed-window rate limits counted in the cache (Redis), for the public request form.

The counted values (an IP address, an e-mail address) are hashed before they become keys.
While the cache is unreachable nothing is counted and everything is allowed: a request for
information must not be refused because Redis stopped (config/cache.py).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode("utf-8")).hexdigest()[:32]
    return f"rate:{scope}:{digest}"


def count(scope: str, value: str, *, window_seconds: int) -> int:
    """Count one use of `value` in this window and return the uses so far (0: not counted)."""
    key = _key(scope, value)
    cache.add(key, 0, window_seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # the cache is unreachable, or the window ended just now
        return 0
