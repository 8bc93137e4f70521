"""Team administration: managers invite people, change their roles, deactivate leavers,
reactivate them and reset their two-factor. Each change writes one AccessEvent.

An invitation's set-up link names the Invitation row, signed with SECRET_KEY (so a copy of
the database or the outbox cannot make one); the row makes it single-use and expiring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from foi_cases import account_sessions, outbox, two_factor
from foi_cases.access_events import record_access_event
from foi_cases.models import AccessEvent, Case, Invitation
from foi_cases.permissions import CONTRIBUTOR, MANAGER, ROLES, is_manager
from foi_cases.workflow import core
from foi_cases.workflow.casework import reassign_cases, reassignable_cases

Verb = AccessEvent.Verb
# The roles a manager gives, in the order the pages list them.
TEAM_ROLES = (*ROLES, CONTRIBUTOR)
TOKEN_SALT = "foi_cases.invitation"
LINK_USED = "used"
LINK_EXPIRED = "expired"
LINK_INVALID = "invalid"


def _require_manager(actor: User, what: str) -> None:
    core.require(is_manager(actor) and actor.is_active, f"Only a manager can {what}.")


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = [role for role in TEAM_ROLES if role in set(roles)]
    if not chosen:
        raise ValidationError({"roles": "Choose at least one role."})
    return chosen


def _keep_a_manager(person: User, *, losing: str) -> None:
    """Refuse a change that would leave the team with no active manager.

    The other managers' rows are locked, so two managers demoting each other at once cannot
    both succeed.
    """
    others = (
        User.objects.select_for_update(of=("self",))
        .filter(groups__name=MANAGER, is_active=True)
        .exclude(pk=person.pk)
        .values_list("pk", flat=True)
    )
    if not list(others):
        raise ValidationError(
            f"You cannot {losing}: you are the last active manager. "
            "Give someone else the Manager role first."
        )


# --- Invitations -----------------------------------------------------------------------------


def _account_exists(email: str) -> bool:
    return User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


@transaction.atomic
def invite_person(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    roles: Collection[str],
    site_url: str,
) -> Invitation:
    """Invite someone to join: their set-up link is e-mailed after the commit.

    A new invitation to the same address voids any earlier link still unused.
    """
    _require_manager(actor, "invite people")
    email = email.strip().lower()
    if _account_exists(email):
        raise ValidationError({"email": f"{email} already has an account."})
    chosen = _clean_roles(roles)
    now = timezone.now()
    Invitation.objects.filter(email=email, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    invitation = Invitation.objects.create(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        roles=chosen,
        invited_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.FOI_INVITE_LINK_HOURS),
    )
    record_access_event(
        None, Verb.INVITED, actor=actor, subject=email, roles=chosen, invitation=invitation.pk
    )
    outbox.enqueue(
        "foi_cases.tasks.send_invitation",
        invitation.pk,
        site_url,
        dedupe_key=f"invitation:{invitation.pk}",
    )
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=TOKEN_SALT)


def invitation_link(invitation: Invitation, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("people_join", args=[invitation_token(invitation)])


def send_invitation(invitation_id: int, site_url: str) -> bool:
    """E-mail the set-up link of a pending invitation once; whether it was sent now."""
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation_id, sent_at__isnull=True, used_at__isnull=True
        ).update(sent_at=timezone.now())
        if not claimed:
            return False
        invitation = Invitation.objects.select_related("invited_by").get(pk=invitation_id)
        hours = settings.FOI_INVITE_LINK_HOURS
        body = (
            f"Hello {invitation.first_name},\n\n"
            f"{_name(invitation.invited_by)} has invited you to join {settings.SERVICE_NAME} "
            f"as: {', '.join(invitation.roles)}.\n\n"
            "Set your password here (the link works once, for "
            f"{hours} hour{'s' if hours != 1 else ''}):\n"
            f"{invitation_link(invitation, site_url)}\n\n"
            f"Your username will be {invitation.email}.\n"
            "If you did not expect this, you can ignore this e-mail.\n"
        )
        send_mail(
            f"[{settings.SERVICE_NAME}] You have been invited to join",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    return True


def invitation_for_token(token: str) -> tuple[Invitation | None, str]:
    """(the invitation, '') if the link still works, else (None or it, why it does not)."""
    try:
        pk = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None, LINK_INVALID
    invitation = Invitation.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if invitation is None:
        return None, LINK_INVALID
    if invitation.used_at is not None:
        return invitation, LINK_USED
    if invitation.expires_at <= timezone.now():
        return invitation, LINK_EXPIRED
    return invitation, ""


def draft_user(invitation: Invitation) -> User:
    """The account the invitation will make, unsaved: the password validators compare to it."""
    return User(
        username=invitation.email,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, *, password: str) -> User:
    """Use the link: make the account with its password and roles. The link works once."""
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        raise ValidationError(
            "This set-up link has already been used or has expired. "
            "Ask a manager to invite you again."
        )
    if _account_exists(invitation.email):
        raise ValidationError(
            f"{invitation.email} already has an account. Sign in, or ask a manager for help."
        )
    user = draft_user(invitation)
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in invitation.roles])
    Invitation.objects.filter(pk=invitation.pk).update(user=user)
    record_access_event(
        user, Verb.JOINED, actor=user, roles=list(invitation.roles), invitation=invitation.pk
    )
    return user


# --- Roles, leavers and two-factor -----------------------------------------------------------


@transaction.atomic
def set_roles(person: User, *, actor: User, roles: Collection[str]) -> list[str]:
    """Give a person exactly these roles; refused if it leaves no active manager."""
    _require_manager(actor, "change people's roles")
    chosen = _clean_roles(roles)
    before = [role for role in TEAM_ROLES if person.groups.filter(name=role).exists()]
    if chosen == before:
        raise ValidationError({"roles": "These are already their roles: change one, or go back."})
    if MANAGER in before and MANAGER not in chosen and person.is_active:
        _keep_a_manager(person, losing="remove your own Manager role")
    kept = person.groups.exclude(name__in=TEAM_ROLES)
    person.groups.set([*kept, *(Group.objects.get_or_create(name=role)[0] for role in chosen)])
    record_access_event(person, Verb.ROLES_CHANGED, actor=actor, before=before, after=chosen)
    return chosen


@transaction.atomic
def deactivate_person(
    person: User,
    *,
    actor: User,
    cases: Iterable[Case],
    to_officer: User | None,
) -> list[Case]:
    """A leaver loses access at once; their open cases go to another officer in the same step.

    1. Refuse if it would leave no active manager, or if the open cases are not exactly the
       ones the manager was shown (one was assigned or closed meanwhile).
    2. Reassign them with `reassign_cases` (a CaseEvent each; the new officer is told).
    3. Deactivate the account and end every session it has. Their history, authorship and
       audit stay as they are.
    """
    _require_manager(actor, "deactivate people")
    if not person.is_active:
        raise ValidationError(f"{_name(person)} is already deactivated.")
    if is_manager(person):
        _keep_a_manager(person, losing="deactivate yourself")
    cases = list(cases)
    open_now = {case.pk for case in reassignable_cases(person)}
    if {case.pk for case in cases} != open_now:
        raise ValidationError(
            f"{_name(person)}'s open cases changed while you were on this page. "
            "Check the list again."
        )
    moved: list[Case] = []
    if cases:
        if to_officer is None:
            raise ValidationError({"to_officer": "Choose the officer who takes the cases."})
        moved = reassign_cases(cases, actor=actor, from_officer=person, to_officer=to_officer)
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.is_active = False
    ended = account_sessions.end_other_sessions(person, keep=None, why="account deactivated")
    record_access_event(
        person,
        Verb.DEACTIVATED,
        actor=actor,
        cases=[case.reference for case in moved],
        to=to_officer.get_username() if moved and to_officer else "",
        sessions_ended=ended,
    )
    return moved


@transaction.atomic
def reactivate_person(person: User, *, actor: User) -> User:
    _require_manager(actor, "reactivate people")
    if person.is_active:
        raise ValidationError(f"{_name(person)} is already active.")
    User.objects.filter(pk=person.pk).update(is_active=True)
    person.is_active = True
    record_access_event(person, Verb.REACTIVATED, actor=actor)
    return person


@transaction.atomic
def reset_two_factor(person: User, *, actor: User, reason: str) -> None:
    """Remove someone's lost authenticator app and recovery codes; they are told by e-mail."""
    _require_manager(actor, "reset someone's two-factor")
    two_factor.remove_device(actor, person, reason=reason)
    record_access_event(person, Verb.TWO_FACTOR_RESET, actor=actor, reason=" ".join(reason.split()))
