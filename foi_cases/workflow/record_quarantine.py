"""An officer's way out for a record kept from review: accept a document's tracked changes,
or convert again a record whose conversion failed."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from foi_cases import outbox
from foi_cases.models import CaseEvent, Record
from foi_cases.permissions import can_add_records
from foi_cases.workflow import core

Conversion = Record.Conversion
TRACKED_CHANGES = "tracked changes"


def has_tracked_changes(record: Record) -> bool:
    """Whether the record is in quarantine for its tracked changes (the only kind accepted)."""
    return record.conversion == Conversion.QUARANTINED and TRACKED_CHANGES in record.conversion_note


def _requeue(record: Record, *, frm: str, **fields: object) -> None:
    """Send the record back to conversion with a conditional UPDATE from the state `frm`."""
    updated = Record.objects.filter(pk=record.pk, conversion=frm).update(
        conversion=Conversion.PENDING, conversion_progress=0, conversion_note="", **fields
    )
    if updated != 1:
        raise core.ConcurrentUpdate(
            "Someone else changed this record a moment ago. Reload the page and try again."
        )
    record.conversion = Conversion.PENDING
    outbox.enqueue(
        "foi_cases.tasks.convert_record", record.pk, dedupe_key=f"convert-record:{record.pk}"
    )


@transaction.atomic
def accept_tracked_changes(record: Record, *, actor: User) -> Record:
    """Accept every tracked change of a document in quarantine for them, and convert it."""
    core.require(
        can_add_records(actor, record.case),
        "Only the assigned officer or a manager can accept tracked changes.",
    )
    if not has_tracked_changes(record):
        raise core.InvalidTransition("This record is not in quarantine for tracked changes.")
    _requeue(record, frm=Conversion.QUARANTINED, changes_accepted_by=actor)
    record.changes_accepted_by = actor
    core.record(
        record.case,
        CaseEvent.Verb.RECORD_CHANGES_ACCEPTED,
        actor=actor,
        record=record.pk,
        name=record.original_name,
    )
    return record


@transaction.atomic
def retry_conversion(record: Record, *, actor: User) -> Record:
    """Convert again a record whose conversion failed (a tool crashed or timed out)."""
    core.require(
        can_add_records(actor, record.case),
        "Only the assigned officer or a manager can retry a conversion.",
    )
    if record.conversion != Conversion.FAILED:
        raise core.InvalidTransition("Only a record whose conversion failed can be retried.")
    _requeue(record, frm=Conversion.FAILED)
    core.record(
        record.case,
        CaseEvent.Verb.RECORD_CONVERSION_RETRIED,
        actor=actor,
        record=record.pk,
        name=record.original_name,
    )
    return record
