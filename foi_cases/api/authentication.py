"""Bearer tokens for the API; the staff pages' own session is DRF's SessionAuthentication."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from foi_cases.api.tokens import token_for_secret
from foi_cases.models import ApiToken

# last_used_at is a hint for managers, not an audit: written at most once a minute.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <secret>`; request.auth is the ApiToken."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _, secret = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        token = token_for_secret(secret.strip())
        if token is None:
            raise exceptions.AuthenticationFailed(
                "The token is not valid: it is unknown, expired or revoked, or its owner's "
                "account is deactivated."
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.owner, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token: HTTP bearer."""

    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token a manager issued (`foi_…`), with its scopes.",
        }
