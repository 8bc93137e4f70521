"""What an API caller may do: the token's scopes, within the owner's own permissions.

A session (the staff pages' own use) has every scope; what the person may do still decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import permissions
from rest_framework.request import Request

from foi_cases.models import ApiToken
from foi_cases.permissions import can_log_requests, has_any_role, is_manager

if TYPE_CHECKING:
    from rest_framework.views import APIView


def has_scope(request: Request, scope: str) -> bool:
    token = request.auth
    if isinstance(token, ApiToken):
        return scope in token.scopes
    return request.user.is_authenticated


class _ScopePermission(permissions.BasePermission):
    scope = ""
    refusal = ""
    message = ""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return False  # 401: DRF answers "not authenticated" first
        if not has_scope(request, self.scope):
            self.message = f"The token does not have the {self.scope!r} scope."
            return False
        self.message = self.refusal
        return self.owner_may(request)

    def owner_may(self, request: Request) -> bool:
        raise NotImplementedError


class CanLogRequests(_ScopePermission):
    scope = ApiToken.Scope.INTAKE.value
    refusal = "Only FOI officers and managers can log requests."

    def owner_may(self, request: Request) -> bool:
        return can_log_requests(request.user)


class CanReadCases(_ScopePermission):
    scope = ApiToken.Scope.READ.value
    refusal = "The account has no role that opens cases."

    def owner_may(self, request: Request) -> bool:
        return has_any_role(request.user)


class CanReadStatistics(_ScopePermission):
    scope = ApiToken.Scope.STATISTICS.value
    refusal = "Only managers can see the statistics."

    def owner_may(self, request: Request) -> bool:
        return is_manager(request.user)
