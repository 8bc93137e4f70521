"""Records gathered for a case: files added, colleagues asked to search, their search statements.

Files are checked (size, kind, content matching the name) and hashed before anything is kept;
a batch is all or nothing. An identical file already on the case is kept as a duplicate row
that shares the first one's stored file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from foi_cases import notifications, outbox, record_files
from foi_cases.bank_holidays import calendar_for
from foi_cases.deadlines import receipt_date
from foi_cases.models import Case, CaseEvent, ContributorTask, Correspondence, Question, Record
from foi_cases.permissions import can_add_records, can_work_on_task, is_contributor
from foi_cases.workflow import core

Verb = CaseEvent.Verb
User = User
Source = Record.Source
TaskStatus = ContributorTask.Status

# A colleague's search is due on working day 10 of the case, unless the officer says otherwise.
SEARCH_DUE_WORKING_DAY = 10
# When working day 10 has already passed, the search is due this many working days from today.
LATE_SEARCH_WORKING_DAYS = 5
MAX_SEARCH_HOURS = Decimal(1000)
# A reminder goes this many working days before the search is due (and once if it is late).
SEARCH_REMINDER_WORKING_DAYS = 2


def _lock_case(case: Case) -> Case:
    """Lock the case row, so two uploads of the same file cannot both be kept as originals."""
    return Case.objects.select_for_update().get(pk=case.pk)


def _check_files(files: Sequence[UploadedFile[Any]]) -> list[record_files.CheckedFile]:
    if not files:
        raise ValidationError({"files": "Choose at least one file."})
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(
                record_files.check_file(
                    upload,
                    max_bytes=settings.FOI_RECORD_MAX_MB * 1024 * 1024,
                    extensions=settings.FOI_RECORD_EXTENSIONS,
                )
            )
        except ValueError as error:
            errors.append(str(error))
    if errors:
        raise ValidationError({"files": errors})
    return checked


def _store(
    case: Case,
    files: Sequence[File[Any]],
    checked: list[record_files.CheckedFile],
    *,
    actor: User,
    source: str,
    task: ContributorTask | None,
) -> list[Record]:
    """Keep each file (or point it at the identical one already kept) and create its row."""
    originals = {
        r.sha256: r
        for r in Record.objects.filter(
            case=case, duplicate_of__isnull=True, sha256__in=[c.sha256 for c in checked]
        )
    }
    stored: list[str] = []
    created = []
    try:
        for upload, info in zip(files, checked, strict=True):
            record = Record(
                case=case,
                original_name=info.name,
                sha256=info.sha256,
                size=info.size,
                content_type=info.content_type,
                source=source,
                task=task,
                uploaded_by=actor,
            )
            original = originals.get(info.sha256)
            if original is not None:
                record.duplicate_of = original
                record.file.name = original.file.name
            else:
                # Named by hash, never by what the sender called it.
                name = f"{info.sha256[:32]}.{info.extension}"
                record.file.save(name, upload, save=False)
                stored.append(record.file.name or "")
            record.save()
            if original is None:
                outbox.enqueue(
                    "foi_cases.tasks.convert_record",
                    record.pk,
                    dedupe_key=f"convert-record:{record.pk}",
                )
            originals.setdefault(info.sha256, record)
            created.append(record)
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise
    return created


def _event_data(records: Iterable[Record]) -> dict[str, Any]:
    rows = list(records)
    return {
        "records": [r.pk for r in rows],
        "names": [r.original_name for r in rows],
        "duplicates": sum(1 for r in rows if r.duplicate_of_id),
    }


@transaction.atomic
def add_records(
    case: Case,
    *,
    actor: User,
    files: Sequence[UploadedFile[Any]],
    source: str = Source.UPLOAD,
) -> list[Record]:
    """Add files the FOI team uploaded, or attachments of an e-mail on the case (source EMAIL)."""
    core.require(
        can_add_records(actor, case), "Only the assigned officer or a manager can add records."
    )
    if source not in (Source.UPLOAD, Source.EMAIL):
        raise ValueError(f"Records come from a contributor only through their task, not {source}.")
    if not case.is_open:
        raise core.InvalidTransition("Records cannot be added to a case that is closed.")
    checked = _check_files(files)
    case = _lock_case(case)
    records = _store(case, files, checked, actor=actor, source=source, task=None)
    core.record(case, Verb.RECORDS_ADDED, actor=actor, source=source, **_event_data(records))
    return records


@transaction.atomic
def add_mail_attachments(row: Correspondence, *, actor: User) -> list[Record]:
    """Make an imported e-mail's attachments records of its case (source EMAIL).

    Only the mail import calls this, as its own account, once the message is on an open case.
    Blocked attachments stay on the message only. Each file is checked on its own: one the
    records checks refuse stays on the message, and why is noted on the message and the event.
    """
    if row.direction != Correspondence.Direction.IN or row.case is None:
        raise core.InvalidTransition("Only an imported e-mail on a case gives records.")
    attachments = [a for a in row.attachments.all() if not a.blocked_reason]
    if not attachments:
        return []
    if not row.case.is_open:
        _note(row, "attachments not added as records: the case is closed")
        return []
    files: list[File[Any]] = []
    checked: list[record_files.CheckedFile] = []
    refused: list[str] = []
    for attachment in attachments:
        with attachment.file.open("rb") as handle:
            upload = ContentFile(handle.read(), name=attachment.filename)
        try:
            checked.append(
                record_files.check_file(
                    upload,
                    max_bytes=settings.FOI_RECORD_MAX_MB * 1024 * 1024,
                    extensions=settings.FOI_RECORD_EXTENSIONS,
                )
            )
            files.append(upload)
        except ValueError as error:
            refused.append(str(error))
    if refused:
        _note(row, "not added as records (kept on the e-mail): " + " ".join(refused))
    if not files:
        return []
    case = _lock_case(row.case)
    records = _store(case, files, checked, actor=actor, source=Source.EMAIL, task=None)
    core.record(
        case,
        Verb.RECORDS_ADDED,
        actor=actor,
        source=Source.EMAIL,
        message_id=row.message_id,
        refused=refused,
        **_event_data(records),
    )
    return records


def _note(row: Correspondence, note: str) -> None:
    row.reason = "; ".join(r for r in (row.reason, note) if r)
    row.save(update_fields=["reason"])


# --- Contributor tasks ------------------------------------------------------------------------


def default_search_due(case: Case, today: dt.date | None = None) -> dt.date:
    """Working day 10 of the case, or 5 working days from today if that has passed."""
    today = today or timezone.localdate()
    calendar = calendar_for(case.regime)
    due = calendar.add_working_days(receipt_date(case.received_at), SEARCH_DUE_WORKING_DAY)
    if due < today:
        due = calendar.add_working_days(today, LATE_SEARCH_WORKING_DAYS)
    return due


@transaction.atomic
def request_search(
    case: Case,
    *,
    actor: User,
    assignee: User,
    questions: Sequence[Question],
    instructions: str = "",
    due_on: dt.date | None = None,
) -> ContributorTask:
    """Ask a named colleague to search for the records that answer some of the questions."""
    core.require(
        can_add_records(actor, case),
        "Only the assigned officer or a manager can ask colleagues to search.",
    )
    if not case.is_open:
        raise core.InvalidTransition("A closed case needs no more searches.")
    errors: dict[str, str] = {}
    if not (assignee.is_active and is_contributor(assignee)):
        errors["assignee"] = "Choose a colleague who has the Contributor role."
    if not questions:
        errors["questions"] = "Choose at least one question to search for."
    elif any(q.case_id != case.pk for q in questions):
        errors["questions"] = "Choose questions of this case."
    due_on = due_on or default_search_due(case)
    if due_on < timezone.localdate():
        errors["due_on"] = "The due date cannot be in the past."
    if errors:
        raise ValidationError(errors)
    task = ContributorTask.objects.create(
        case=case,
        assignee=assignee,
        instructions=instructions.strip(),
        due_on=due_on,
        requested_by=actor,
    )
    task.questions.set(questions)
    notifications.notify_search_requested(task, actor=actor)
    core.record(
        case,
        Verb.SEARCH_REQUESTED,
        actor=actor,
        task=task.pk,
        assignee=assignee.pk,
        questions=[q.number for q in questions],
        due_on=due_on.isoformat(),
    )
    return task


def _move_task(task: ContributorTask, to: str, **fields: Any) -> None:
    """Change a task's state with a conditional UPDATE: only an open task moves."""
    if task.status != TaskStatus.OPEN:
        current = TaskStatus(task.status).label.lower()
        raise core.InvalidTransition(f"This search is already finished ({current}).")
    updated = ContributorTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
        status=to, **fields
    )
    if updated != 1:
        raise core.ConcurrentUpdate(
            "Someone else changed this search a moment ago. Reload the page and try again."
        )
    task.status = to
    for name, value in fields.items():
        setattr(task, name, value)


@transaction.atomic
def add_task_records(
    task: ContributorTask, *, actor: User, files: Sequence[UploadedFile[Any]]
) -> list[Record]:
    """Add the records a colleague found to the case, through their task."""
    core.require(can_work_on_task(actor, task), "Only the colleague asked can add to this search.")
    if task.status != TaskStatus.OPEN:
        raise core.InvalidTransition("This search is finished; records can no longer be added.")
    checked = _check_files(files)
    case = _lock_case(task.case)
    records = _store(case, files, checked, actor=actor, source=Source.CONTRIBUTOR, task=task)
    core.record(
        case,
        Verb.RECORDS_ADDED,
        actor=actor,
        source=Source.CONTRIBUTOR,
        task=task.pk,
        **_event_data(records),
    )
    return records


@transaction.atomic
def give_search_statement(
    task: ContributorTask,
    *,
    actor: User,
    places_searched: str,
    search_terms: str,
    hours_searching: Decimal,
) -> ContributorTask:
    """Finish a search with where was searched, the terms used and the time it took."""
    core.require(can_work_on_task(actor, task), "Only the colleague asked can finish this search.")
    errors = {}
    if not places_searched.strip():
        errors["places_searched"] = "Say where you searched."
    if not search_terms.strip():
        errors["search_terms"] = "Say what terms you searched for."
    if not Decimal(0) <= hours_searching <= MAX_SEARCH_HOURS:
        errors["hours_searching"] = f"Give the time taken in hours, from 0 to {MAX_SEARCH_HOURS}."
    if errors:
        raise ValidationError(errors)
    _move_task(
        task,
        TaskStatus.SUBMITTED,
        places_searched=places_searched.strip(),
        search_terms=search_terms.strip(),
        hours_searching=hours_searching,
        submitted_at=timezone.now(),
    )
    # The search is time spent locating the information: it counts in the s12 estimate.
    Case.objects.filter(pk=task.case_id).update(
        hours_locating=F("hours_locating") + hours_searching
    )
    core.record(
        task.case,
        Verb.SEARCH_STATEMENT,
        actor=actor,
        task=task.pk,
        hours=str(hours_searching),
        records=task.records.count(),
    )
    return task


@transaction.atomic
def cancel_search(task: ContributorTask, *, actor: User, reason: str = "") -> ContributorTask:
    """Withdraw a request to search (the colleague no longer sees it as waiting)."""
    core.require(
        can_add_records(actor, task.case),
        "Only the assigned officer or a manager can cancel a search.",
    )
    _move_task(task, TaskStatus.CANCELLED)
    core.record(task.case, Verb.SEARCH_CANCELLED, actor=actor, task=task.pk, reason=reason)
    return task


def searched_hours(case: Case) -> Decimal:
    """The hours colleagues' search statements added to the case's s12 estimate (locating)."""
    total = ContributorTask.objects.filter(case=case, status=TaskStatus.SUBMITTED).aggregate(
        total=Sum("hours_searching")
    )["total"]
    return total or Decimal(0)


# --- Reminders ----------------------------------------------------------------------------------


@transaction.atomic
def remind_contributor(task: ContributorTask, *, today: dt.date) -> bool:
    """Remind a colleague of a search due soon or late, once per due date; False if already."""
    updated = (
        ContributorTask.objects.filter(pk=task.pk, status=TaskStatus.OPEN)
        .exclude(reminded_for=task.due_on)
        .update(reminded_for=task.due_on)
    )
    if updated != 1:
        return False
    notifications.notify_search_due(task, today=today)
    core.record(
        task.case, Verb.SEARCH_REMINDED, actor=None, task=task.pk, due_on=task.due_on.isoformat()
    )
    return True


def send_search_reminders(today: dt.date | None = None) -> int:
    """Remind every colleague whose open search is due within 2 working days or late."""
    today = today or timezone.localdate()
    calendars = {regime: calendar_for(regime) for regime in Case.Regime.values}
    limits = {
        r: c.add_working_days(today, SEARCH_REMINDER_WORKING_DAYS) for r, c in calendars.items()
    }
    tasks = ContributorTask.objects.filter(
        status=TaskStatus.OPEN, due_on__lte=max(limits.values())
    ).select_related("case")
    sent = 0
    for task in tasks:
        if task.due_on <= limits[task.case.regime] and task.reminded_for != task.due_on:
            sent += remind_contributor(task, today=today)
    return sent


# --- Conversion for review (run by the convert_record task) -------------------------------------

Conversion = Record.Conversion


def start_conversion(record: Record) -> None:
    """Mark a record as converting (no event: the outcome writes one)."""
    Record.objects.filter(pk=record.pk).exclude(
        conversion__in=(Conversion.READY, Conversion.QUARANTINED)
    ).update(conversion=Conversion.CONVERTING, conversion_progress=0, conversion_note="")
    record.conversion = Conversion.CONVERTING


@transaction.atomic
def record_converted(record: Record, *, pdf: bytes, pages: int, ocr: int, note: str = "") -> Record:
    """Keep the review copy of a record and record that it is ready (with what the reviewer
    must know of the copy, e.g. hidden sheets shown)."""
    name = f"{record.sha256[:32]}.pdf"
    record.review_pdf.save(name, ContentFile(pdf), save=False)
    record.conversion = Conversion.READY
    record.conversion_progress = 100
    record.review_pages = pages
    record.conversion_note = note
    record.save(
        update_fields=[
            "review_pdf",
            "conversion",
            "conversion_progress",
            "review_pages",
            "conversion_note",
        ]
    )
    core.record(
        record.case,
        Verb.RECORD_CONVERTED,
        actor=None,
        record=record.pk,
        name=record.original_name,
        pages=pages,
        ocr_pages=ocr,
        note=note,
    )
    return record


@transaction.atomic
def record_conversion_failed(record: Record, *, reason: str, quarantine: bool) -> Record:
    """Keep a record out of review, with the reason: in quarantine, or failed (to retry)."""
    record.conversion = Conversion.QUARANTINED if quarantine else Conversion.FAILED
    record.conversion_note = reason
    record.save(update_fields=["conversion", "conversion_note"])
    if quarantine:
        core.record(
            record.case,
            Verb.RECORD_QUARANTINED,
            actor=None,
            record=record.pk,
            name=record.original_name,
            reason=reason,
        )
    return record
