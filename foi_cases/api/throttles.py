"""One request budget per token (or per signed-in person, or per address), kept in the cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from foi_cases.models import ApiToken

if TYPE_CHECKING:
    from rest_framework.views import APIView


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        # DRF asks before the caller is known; allow_request then picks the caller's rate,
        # read from the settings at each request (DRF's own is read once, at import).
        return settings.API_RATE_LIMIT

    def allow_request(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            self.rate = settings.API_ANONYMOUS_RATE_LIMIT
        else:
            self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
