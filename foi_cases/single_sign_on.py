"""Single sign-on with OpenID Connect (mozilla-django-oidc), and the local-password rules.

* `SingleSignOnBackend` signs a person in from the provider's ID token and userinfo: the
  e-mail claim finds (or creates) the account, and the groups claim gives the roles through
  OIDC_ROLE_MAP. With OIDC_SYNC_ROLES the roles follow the groups at every sign-in and
  re-check; a person with no mapped group, or deactivated here, is refused.
* `ProviderRecheckMiddleware` sends a single sign-on session back to the provider (silently,
  prompt=none) at the first page opened after OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS; a leaver
  is refused there and signed out.
* `LocalPasswordBackend` is Django's password check, refusing everyone but the break-glass
  accounts when FOI_LOCAL_PASSWORDS is off; each break-glass sign-in tells every manager.

Two-factor is the provider's business for single sign-on sessions (foi_cases.two_factor).
Every sign-in, refusal and role change goes to the audit log.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh

from foi_cases.access_events import record_access_event
from foi_cases.models import AccessEvent
from foi_cases.notifications import notify_account_security
from foi_cases.permissions import CONTRIBUTOR, MANAGER, ROLES

audit_log = logging.getLogger("foi_cases.audit")
PROVIDER_SOURCE = "the identity provider"

ALL_ROLES = (*ROLES, CONTRIBUTOR)
BACKEND_PATH = "foi_cases.single_sign_on.SingleSignOnBackend"
# Why the provider's sign-in was refused, kept in the session for the page that says so.
REFUSAL_KEY = "foi_sso_refusal"


class Refused(SuspiciousOperation):
    """The provider vouched for the person, but this service does not let them in."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@register()
def check_role_map(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """OIDC_ROLE_MAP may name only this service's roles."""
    unknown = sorted(set(settings.OIDC_ROLE_MAP.values()) - set(ALL_ROLES))
    if not unknown:
        return []
    return [
        Error(
            f"OIDC_ROLE_MAP names roles this service does not have: {unknown}.",
            hint=f"Use {', '.join(ALL_ROLES)} (group=role, comma-separated).",
            id="foi_cases.E101",
        )
    ]


def signed_in_with_provider(request: HttpRequest) -> bool:
    """Whether this session was signed in through the identity provider."""
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH


def roles_from_claims(claims: dict[str, Any]) -> set[str]:
    """The roles the provider's groups claim maps to (unmapped groups give none)."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    role_map = settings.OIDC_ROLE_MAP
    return {role_map[group] for group in groups if group in role_map}


def _current_roles(user: User) -> set[str]:
    return set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))


def _set_roles(user: User, roles: set[str]) -> None:
    """Give the person exactly these roles (their other groups stay); audit any change."""
    before = _current_roles(user)
    if roles == before:
        return
    user.groups.remove(*Group.objects.filter(name__in=before - roles))
    user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in roles - before))
    audit_log.warning(
        "Roles of %s changed by the identity provider: %s (were %s)",
        user.get_username(),
        ", ".join(sorted(roles)) or "none",
        ", ".join(sorted(before)) or "none",
    )
    record_access_event(
        user,
        AccessEvent.Verb.ROLES_CHANGED,
        actor=None,
        source=PROVIDER_SOURCE,
        before=sorted(before),
        after=sorted(roles),
    )


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Sign people in with the identity provider's word, mapped to this service's roles."""

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and nonce; this adds expiry, audience and issuer."""
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token was issued to another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token was issued by another provider")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict[str, Any]:
        """The ID token's claims with the userinfo endpoint's (Entra puts groups in the token)."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo is about someone other than the ID token")
        return {**payload, **userinfo}

    def _email(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_EMAIL_CLAIM) or "").strip().lower()

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not self._email(claims):
            raise Refused("no_email", f"No {settings.OIDC_EMAIL_CLAIM} claim from the provider")
        # Google signs in any Google account; only the organisation's carry its `hd` claim.
        domain = settings.OIDC_HOSTED_DOMAIN
        if domain and claims.get("hd") != domain:
            raise Refused("other_domain", f"{self._email(claims)} is not an account of {domain}")
        return True

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return self._email(claims)

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(email__iexact=self._email(claims))

    def _admit(self, user: User | None, claims: dict[str, Any]) -> set[str]:
        """The roles the person signs in with; Refused if they may not sign in."""
        email = self._email(claims)
        if user is not None and not user.is_active:
            raise Refused("deactivated", f"{email} is deactivated here")
        # Kept apart from the provider, so that a provider's mistake cannot take it over.
        if user is not None and user.get_username() in settings.FOI_BREAK_GLASS_USERNAMES:
            raise Refused("break_glass", f"{email} is a break-glass account")
        roles = roles_from_claims(claims)
        if not settings.OIDC_SYNC_ROLES and user is not None:
            roles = _current_roles(user)
        if not roles:
            raise Refused("no_role", f"{email} has no group that maps to a role")
        return roles

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        """A new account, without a usable password, with the roles of the person's groups."""
        roles = self._admit(None, claims)
        email = self._email(claims)
        user = self.UserModel.objects.create_user(
            email,
            email=email,
            first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
        )
        audit_log.warning("Account %s created at first single sign-on", email)
        record_access_event(user, AccessEvent.Verb.JOINED, actor=None, source=PROVIDER_SOURCE)
        _set_roles(user, roles)
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        roles = self._admit(user, claims)
        if settings.OIDC_SYNC_ROLES:
            _set_roles(user, roles)
        return user

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        """Keep why a refusal happened for the refusal page (the library only logs it)."""
        try:
            return super().get_or_create_user(access_token, id_token, payload)
        except Refused as refusal:
            self.request.session[REFUSAL_KEY] = refusal.reason
            raise

    def get_user(self, user_id: int) -> User | None:
        """As Django's backend: a deactivated person's sessions stop working at once."""
        return ModelBackend.get_user(self, user_id)


class LocalPasswordBackend(ModelBackend):
    """Username and password; with local passwords off, for break-glass accounts only."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or settings.FOI_LOCAL_PASSWORDS:
            return user
        if user.get_username() not in settings.FOI_BREAK_GLASS_USERNAMES:
            audit_log.warning(
                "Password sign-in refused for %s: local passwords are turned off",
                user.get_username(),
            )
            return None
        announce_break_glass(user, request)
        return user


def announce_break_glass(user: User, request: HttpRequest | None) -> None:
    """Audit a break-glass sign-in loudly and tell every manager (in the app and by e-mail)."""
    address = request.META.get("REMOTE_ADDR", "an unknown address") if request else "unknown"
    when = timezone.localtime().strftime("%d %B %Y at %H:%M")
    audit_log.critical("Break-glass sign-in by %s from %s", user.get_username(), address)
    record_access_event(user, AccessEvent.Verb.BREAK_GLASS_SIGN_IN, actor=user, address=address)
    message = (
        f"The emergency (break-glass) account {user.get_username()} signed in with a password "
        f"on {when} from {address}. Local passwords are turned off: if this was not an "
        "emergency you know of, disable the account in the admin and tell your security team."
    )
    managers = User.objects.filter(groups__name=MANAGER, is_active=True).distinct()
    with transaction.atomic():
        for manager in managers:
            notify_account_security(manager, message)


class ProviderRecheckMiddleware(SessionRefresh):
    """The library's silent re-check with the provider, for single sign-on sessions only.

    A page (GET) opened after OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS goes to the provider first.
    A form sent without any page opened for twice that long does too (its text is lost,
    which is the price of not letting a leaver keep posting); sooner, it goes through.
    """

    @cached_property
    def exempt_urls(self) -> set[str]:
        # The library's own list names an `oidc_logout` URL this service does not have.
        names = ("oidc_authentication_init", "oidc_authentication_callback", "sign_in_refused")
        return {reverse(name) for name in (*names, "logout")}

    def is_refreshable_url(self, request: HttpRequest) -> bool:
        if not (request.user.is_authenticated and signed_in_with_provider(request)):
            return False
        if request.path in self.exempt_urls:
            return False
        if request.method == "GET":
            return True
        checked_until = request.session.get("oidc_id_token_expiration", 0)
        return time.time() > checked_until + settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        if not settings.OIDC_ENABLED:
            return None
        # Read per request, not once at start-up as the library does, so tests can set them.
        self.OIDC_OP_AUTHORIZATION_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_SCOPES = settings.OIDC_RP_SCOPES
        response: HttpResponse | None = super().process_request(request)
        if response is not None and request.method != "GET":
            request.session["oidc_login_next"] = resolve_url(settings.LOGIN_REDIRECT_URL)
        return response
