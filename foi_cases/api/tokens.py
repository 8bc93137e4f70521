"""Issuing and revoking API tokens: the secret is random, shown once, and kept only hashed."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from foi_cases.models import ApiToken
from foi_cases.permissions import ROLES, is_manager

audit_log = logging.getLogger("foi_cases.audit")
LONDON = ZoneInfo("Europe/London")

# "foi_" marks the secret as ours (secret scanners can match it); 32 random bytes follow.
SECRET_PREFIX = "foi_"
PREFIX_LENGTH = 12


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def can_manage_tokens(user: User) -> bool:
    return is_manager(user)


@transaction.atomic
def issue_token(
    *,
    actor: User,
    owner: User,
    name: str,
    scopes: list[str],
    expires_on: dt.date,
    channel: str = ApiToken._meta.get_field("channel").default,
) -> IssuedToken:
    """Issue a token to `owner`; the returned secret is the only copy there will be."""
    if not can_manage_tokens(actor):
        raise PermissionDenied("Only managers can issue API tokens.")
    if not owner.is_active:
        raise ValidationError({"owner": "The owner's account is deactivated."})
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if not scopes or unknown:
        raise ValidationError({"scopes": "Choose at least one of the scopes listed."})
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": "The expiry date must be in the future."})
    if expires_on > today + dt.timedelta(days=settings.API_TOKEN_MAX_DAYS):
        raise ValidationError(
            {"expires_on": f"A token can last at most {settings.API_TOKEN_MAX_DAYS} days."}
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip(),
        owner=owner,
        scopes=sorted(set(scopes)),
        channel=channel,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        # Valid to the end of its last day, UK time.
        expires_at=dt.datetime.combine(expires_on, dt.time.max, tzinfo=LONDON),
        created_by=actor,
    )
    audit_log.info(
        "API token %s (%s) issued to %s by %s, scopes %s, expires %s",
        token.pk,
        token.prefix,
        owner.get_username(),
        actor.get_username(),
        ",".join(token.scopes),
        expires_on.isoformat(),
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User) -> ApiToken:
    """Stop a token working at once; revoking twice changes nothing."""
    if not can_manage_tokens(actor):
        raise PermissionDenied("Only managers can revoke API tokens.")
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if updated:
        audit_log.info(
            "API token %s (%s) of %s revoked by %s",
            token.pk,
            token.prefix,
            token.owner.get_username(),
            actor.get_username(),
        )
    token.refresh_from_db()
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret, or None (unknown, revoked, expired, owner gone)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    return (
        ApiToken.objects.usable()
        .select_related("owner")
        .filter(key_hash=hash_secret(secret))
        .first()
    )


SERVICE_ACCOUNT_PREFIX = "service-"


@transaction.atomic
def create_service_account(*, actor: User, name: str, role: str) -> User:
    """An account for another system: a role, and no password (it signs in only by token)."""
    if not can_manage_tokens(actor):
        raise PermissionDenied("Only managers can create service accounts.")
    if role not in ROLES:
        raise ValidationError({"service_role": "Choose a role for the service account."})
    username = SERVICE_ACCOUNT_PREFIX + name.lower()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"service_name": f"There is already an account {username}."})
    account = User(username=username, first_name=f"Service: {name}")
    account.set_unusable_password()
    account.save()
    account.groups.add(Group.objects.get_or_create(name=role)[0])
    audit_log.info("Service account %s (%s) created by %s", username, role, actor.get_username())
    return account
