"""Everyday casework: internal notes, watching a case, linking related cases, reopening a
closed case and handing an officer's cases to another officer.

Each step takes the actor, checks what they may do (restricted cases stay need-to-know),
writes one audit event per case through `core.record` and leaves e-mail to after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from foi_cases import notifications
from foi_cases.clock import deadline_for
from foi_cases.models import Case, CaseEvent, CaseLink, CaseNote, CaseWatcher
from foi_cases.permissions import (
    can_edit_case,
    can_view_case,
    has_any_role,
    is_manager,
    is_officer,
)
from foi_cases.workflow import core
from foi_cases.workflow.core import ConcurrentUpdate, InvalidTransition

Status = Case.Status
Verb = CaseEvent.Verb
NOTE_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 2_000


def _require_view(actor: User, case: Case) -> None:
    core.require(
        has_any_role(actor) and can_view_case(actor, case), "You cannot work on this case."
    )


# --- Notes ---------------------------------------------------------------------------------


@transaction.atomic
def add_note(case: Case, *, actor: User, text: str) -> CaseNote:
    """Add an internal note: seen by whoever can open the case, never printed in a letter."""
    _require_view(actor, case)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the note."})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer."}
        )
    note = CaseNote.objects.create(case=case, author=actor, text=text, created_at=timezone.now())
    # The note's text stays in the note; the audit trail says one was added and by whom.
    core.record(case, Verb.NOTE_ADDED, actor=actor, note_id=note.pk)
    return note


# --- Watching ------------------------------------------------------------------------------


def is_watching(user: User, case: Case) -> bool:
    return CaseWatcher.objects.filter(case=case, user=user).exists()


@transaction.atomic
def watch_case(case: Case, *, actor: User) -> bool:
    """Start receiving the case's notifications; False if already watching."""
    _require_view(actor, case)
    _, created = CaseWatcher.objects.get_or_create(case=case, user=actor)
    if created:
        core.record(case, Verb.WATCHING_STARTED, actor=actor)
    return created


@transaction.atomic
def unwatch_case(case: Case, *, actor: User) -> bool:
    """Stop receiving the case's notifications; False if not watching. Always allowed, so a
    person removed from a restricted case's team can still stop watching it."""
    deleted, _ = CaseWatcher.objects.filter(case=case, user=actor).delete()
    if deleted:
        core.record(case, Verb.WATCHING_STOPPED, actor=actor)
    return bool(deleted)


# --- Links ---------------------------------------------------------------------------------


def links_of(case: Case) -> list[tuple[CaseLink, Case]]:
    """Every link of a case, made from it or to it, with the case at the other end."""
    links = CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case)).select_related(
        "from_case", "to_case"
    )
    return [(link, link.other(case)) for link in links]


@transaction.atomic
def link_cases(case: Case, other: Case, *, actor: User, kind: str) -> CaseLink:
    """Link two related cases (round-robin, follow-up, duplicate); shown on both."""
    _require_view(actor, case)
    if not can_view_case(actor, other):
        # The same words as for a reference that does not exist: nothing leaks.
        raise ValidationError({"reference": "There is no case with that reference."})
    if kind not in CaseLink.Kind.values:
        raise ValidationError({"kind": "Choose how the cases are related."})
    if other.pk == case.pk:
        raise ValidationError({"reference": "A case cannot be linked to itself."})
    if CaseLink.objects.filter(
        Q(from_case=case, to_case=other) | Q(from_case=other, to_case=case)
    ).exists():
        raise ValidationError({"reference": f"This case is already linked to {other.reference}."})
    try:
        with transaction.atomic():
            link = CaseLink.objects.create(
                from_case=case, to_case=other, kind=kind, created_by=actor
            )
    except IntegrityError as error:
        raise ValidationError(
            {"reference": f"This case is already linked to {other.reference}."}
        ) from error
    core.record(case, Verb.LINKED, actor=actor, other=other.reference, kind=kind)
    return link


@transaction.atomic
def remove_link(case: Case, link: CaseLink, *, actor: User) -> None:
    """Remove a link from the case it is shown on; the person must be able to see both ends."""
    if case.pk not in (link.from_case_id, link.to_case_id):
        raise ValidationError("That link does not belong to this case.")
    other = link.other(case)
    _require_view(actor, case)
    core.require(can_view_case(actor, other), "You cannot work on the linked case.")
    link.delete()
    core.record(case, Verb.LINK_REMOVED, actor=actor, other=other.reference, kind=link.kind)


# --- Reopening -----------------------------------------------------------------------------


@transaction.atomic
def reopen_case(case: Case, *, actor: User, reason: str) -> Case:
    """Reopen a closed case (closed by mistake, or the requester came back in time).

    It goes back into progress (the only move ALLOWED_TRANSITIONS gives a closed case), its
    outcome is cleared and its deadline computed again from its clock events.
    """
    core.require(can_edit_case(actor, case), "Only the case's officer or a manager can reopen it.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case is being reopened."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."}
        )
    if case.status != Status.CLOSED:
        current = Status(case.status).label.lower()
        raise InvalidTransition(f"You cannot reopen a case that is {current}: only a closed one.")
    previous_outcome = case.outcome
    core.move(case, Status.IN_PROGRESS, action="reopen", outcome="", closed_at=None)
    changes = core.apply_deadline(case, deadline_for(case))
    core.record(
        case,
        Verb.REOPENED,
        actor=actor,
        reason=reason,
        previous_outcome=previous_outcome,
        **changes,
    )
    return case


# --- Handing cases over --------------------------------------------------------------------


def reassignable_cases(from_officer: User) -> Iterable[Case]:
    """An officer's open cases, as bulk reassignment offers them (all ticked by default)."""
    return (
        Case.objects.open()
        .filter(assigned_to=from_officer)
        .select_related("requester")
        .order_by("due_on", "reference")
    )


@transaction.atomic
def reassign_cases(
    cases: Iterable[Case], *, actor: User, from_officer: User, to_officer: User
) -> list[Case]:
    """Hand open cases from one officer to another (leave, leavers): a manager's step.

    One audit event per case. The new officer joins the team of each restricted case, so
    they can open it. If any case has moved on meanwhile (reassigned, closed), nothing is
    changed and the manager is told which.
    """
    core.require(is_manager(actor), "Only a manager can reassign cases in bulk.")
    if not (is_officer(to_officer) and to_officer.is_active):
        raise ValidationError({"to_officer": "Cases can only be reassigned to an FOI officer."})
    if to_officer.pk == from_officer.pk:
        raise ValidationError({"to_officer": "Choose a different officer to hand the cases to."})
    cases = list(cases)
    if not cases:
        raise ValidationError({"cases": "Select at least one case to reassign."})
    now = timezone.now()
    for case in sorted(cases, key=lambda c: c.pk):  # a fixed order: no deadlock with another run
        moved = (
            Case.objects.open()
            .filter(pk=case.pk, assigned_to=from_officer)
            .update(assigned_to=to_officer, updated_at=now)
        )
        if moved != 1:
            raise ConcurrentUpdate(
                f"{case.reference} is no longer an open case of {from_officer.get_username()}: "
                "reload the page and try again."
            )
        case.assigned_to = to_officer
        if case.restricted:
            case.team.add(to_officer)
        core.record(
            case,
            Verb.ASSIGNED,
            actor=actor,
            assignee=to_officer.get_username(),
            previous=from_officer.get_username(),
            bulk=True,
        )
    notifications.notify_reassigned(cases, assignee=to_officer, actor=actor)
    return cases
