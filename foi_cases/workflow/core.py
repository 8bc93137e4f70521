"""The state machine every workflow step goes through: the transition table, `move`,
`record` (the one place a CaseEvent is written) and the after-commit helpers.

Status changes are conditional UPDATEs, so of two people acting at once one wins and the
other is told to reload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from foi_cases import deadlines
from foi_cases.models import Case, CaseEvent
from foi_cases.reporting import outcomes

Status = Case.Status
Verb = CaseEvent.Verb
User = User

ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.IN_PROGRESS, Status.AWAITING_CLARIFICATION, Status.CLOSED},
    Status.IN_PROGRESS: {
        Status.AWAITING_CLARIFICATION,
        Status.AWAITING_FEE,
        Status.IN_REVIEW,
        Status.CLOSED,
    },
    Status.AWAITING_CLARIFICATION: {Status.RECEIVED, Status.IN_PROGRESS, Status.CLOSED},
    Status.AWAITING_FEE: {Status.IN_PROGRESS, Status.CLOSED},
    Status.IN_REVIEW: {Status.IN_PROGRESS, Status.APPROVED},
    Status.APPROVED: {Status.IN_PROGRESS, Status.RESPONDED},
    Status.RESPONDED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: {Status.IN_PROGRESS},
}


class InvalidTransition(ValidationError):
    """The case's current status does not allow this step."""


class ConcurrentUpdate(ValidationError):
    """Someone else changed the case between reading and writing it."""


def record(case: Case, verb: str, *, actor: User | None, **data: Any) -> CaseEvent:
    """Write the audit event of a step: the one place a CaseEvent is created.

    Also the one place the case's stored reporting outcome is refreshed: every change to a
    case, its questions or their citations writes an event here once its rows are written.
    """
    event = CaseEvent.objects.create(case=case, actor=actor, verb=verb, data=data)
    outcomes.refresh_reporting([case.pk])
    return event


def move(case: Case, to: str, *, action: str, **fields: Any) -> None:
    """Move a case to another status with a conditional UPDATE, or explain why not."""
    if to not in ALLOWED_TRANSITIONS[case.status]:
        current = Status(case.status).label.lower()
        raise InvalidTransition(f"You cannot {action} a case that is {current}.")
    updated = Case.objects.filter(pk=case.pk, status=case.status).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if updated != 1:
        raise ConcurrentUpdate(
            "Someone else changed this case a moment ago. Reload the page to see the change, "
            "then try again."
        )
    case.status = to
    for name, value in fields.items():
        setattr(case, name, value)


def check_event_date(case: Case, on: dt.date, field: str = "on") -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future."})
    if on < timezone.localtime(case.received_at).date():
        raise ValidationError({field: "The date cannot be before the request was received."})


def apply_deadline(case: Case, deadline: deadlines.Deadline) -> dict[str, str | None]:
    """Store a computed deadline on the case; return what changed, for the audit event."""
    before = (case.due_on, case.extended_due_on)
    case.due_on = deadline.statutory_due
    case.extended_due_on = deadline.extended_due
    Case.objects.filter(pk=case.pk).update(due_on=case.due_on, extended_due_on=case.extended_due_on)
    if before == (case.due_on, case.extended_due_on):
        return {}
    return {
        "due_on_before": before[0].isoformat() if before[0] else None,
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "extended_due_on": case.extended_due_on.isoformat() if case.extended_due_on else None,
    }


def delete_file_after_commit(name: str | None) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def check_not_future(on: dt.date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future."})


def response_date(case: Case) -> dt.date | None:
    return timezone.localtime(case.responded_at).date() if case.responded_at else None
