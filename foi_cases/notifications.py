"""Telling people what needs them: an in-app list, and e-mail through Django's backend.

* Workflow functions call `notify_assigned`, `notify_returned`, `notify_review_waiting` and
  the `notify_letter_*` functions inside their transaction; the e-mail goes after the commit.
  Only people who can open the case are told about it (`_who_can_open`).
* `send_deadline_reminders` runs daily from Celery beat: one digest per person listing the
  cases due within 5 working days and the cases that became overdue.

Every notice about a case is recorded in `ReminderSent`, unique per (user, case, kind,
for_date), in the same transaction as the notification and the queued e-mail. A second run,
a run after a missed day, or two runs at once therefore never tell anyone the same thing
twice, and a run only looks for what has not been recorded yet, so nothing is missed.
For deadline reminders `for_date` is the deadline, so a new deadline earns a new reminder.
Restricted cases are named by reference only in e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from foi_cases import outbox
from foi_cases.bank_holidays import calendar_for
from foi_cases.date_words import long_date as _long_date
from foi_cases.deadlines import due_soon_limits
from foi_cases.models import Case, CaseWatcher, ContributorTask, Notification, ReminderSent
from foi_cases.permissions import (
    DECISIONS,
    MANAGER,
    REVIEWER,
    can_view_case,
    reviewer_conflicts,
)

Kind = Notification.Kind
EMAIL_LIST_LIMIT = 100


@dataclass(frozen=True)
class Notice:
    user_id: int
    case_id: int | None
    kind: str
    message: str
    for_date: dt.date


def _case_words(case: Any) -> str:
    """How a message names a case: reference and title, or only the reference if restricted."""
    if case.restricted:
        return f"{case.reference} (restricted)"
    return f"{case.reference} {case.title}"


def _record(notices: list[Notice]) -> list[int]:
    """Record notices not yet given, all or nothing; return the new notification IDs.

    Must run inside a transaction. A notice already recorded for its (user, case, kind,
    for_date) is skipped; a concurrent run inserting the same row makes this one give way.
    """
    if not notices:
        return []
    notices = notices + _watcher_copies(notices)
    keyed = [n for n in notices if n.case_id is not None]
    already = set(
        ReminderSent.objects.filter(
            case_id__in={n.case_id for n in keyed},
            user_id__in={n.user_id for n in keyed},
            kind__in={n.kind for n in keyed},
            for_date__in={n.for_date for n in keyed},
        ).values_list("user_id", "case_id", "kind", "for_date")
    )
    fresh = [n for n in notices if (n.user_id, n.case_id, n.kind, n.for_date) not in already]
    if not fresh:
        return []
    now = timezone.now()
    try:
        with transaction.atomic():
            ReminderSent.objects.bulk_create(
                ReminderSent(
                    user_id=n.user_id,
                    case_id=n.case_id,
                    kind=n.kind,
                    for_date=n.for_date,
                    sent_at=now,
                )
                for n in fresh
                if n.case_id is not None
            )
    except IntegrityError:
        return []  # another run recorded (and so sends) them
    created = Notification.objects.bulk_create(
        Notification(
            user_id=n.user_id, case_id=n.case_id, kind=n.kind, message=n.message, created_at=now
        )
        for n in fresh
    )
    ids = [row.pk for row in created]
    _email_after_commit(ids)
    return ids


def record_notices(notices: list[Notice]) -> list[int]:
    """Record and queue notices worked out elsewhere (foi_cases.clock_reminders)."""
    return _record(notices)


def _watcher_copies(notices: list[Notice]) -> list[Notice]:
    """The same notices for each case's watchers who can open it and are not told already."""
    case_ids = {n.case_id for n in notices if n.case_id is not None}
    if not case_ids:
        return []
    watchers = CaseWatcher.objects.filter(case_id__in=case_ids, user__is_active=True)
    rows = list(watchers.select_related("user", "case"))
    told = {(n.user_id, n.case_id, n.kind) for n in notices}
    copies = []
    for row in rows:
        if not can_view_case(row.user, row.case):
            continue  # removed from a restricted case's team: told nothing about it
        for notice in notices:
            key = (row.user_id, notice.case_id, notice.kind)
            if notice.case_id != row.case_id or key in told:
                continue
            told.add(key)
            message = notice.message
            if notice.kind == Kind.ASSIGNED:
                message = message.replace("assigned to you", "assigned to another officer")
            copies.append(
                Notice(row.user_id, notice.case_id, notice.kind, message, notice.for_date)
            )
    return copies


def _email_after_commit(ids: list[int]) -> None:
    """Queue the e-mail in the outbox with the notifications; it is sent after the commit."""
    if ids:
        outbox.enqueue(
            "foi_cases.tasks.email_notifications", ids, dedupe_key=f"email-notifications:{min(ids)}"
        )


# --- Event-driven notifications (called from workflow functions) ----------------------------


def notify_assigned(case: Case, *, assignee: Any, actor: Any) -> list[int]:
    """Tell an officer a case was assigned to them (not when they assigned it themselves)."""
    if assignee is None or (actor is not None and assignee.pk == actor.pk):
        return []
    return _record(
        [
            Notice(
                assignee.pk,
                case.pk,
                Kind.ASSIGNED,
                f"{_case_words(case)} was assigned to you by {_name(actor)}.",
                timezone.localdate(),
            )
        ]
    )


def notify_reassigned(cases: Iterable[Case], *, assignee: Any, actor: Any) -> list[int]:
    """Tell an officer that cases were handed to them: one e-mail for the whole handover."""
    if actor is not None and assignee.pk == actor.pk:
        return []
    today = timezone.localdate()
    return _record(
        [
            Notice(
                assignee.pk,
                case.pk,
                Kind.ASSIGNED,
                f"{_case_words(case)} was assigned to you by {_name(actor)}.",
                today,
            )
            for case in cases
        ]
    )


def _who_can_open(case: Case, user_ids: Iterable[int]) -> list[int]:
    """Only people who can open the case hear about it: no one gets a link they cannot use."""
    users = get_user_model().objects.filter(pk__in=set(user_ids), is_active=True).order_by("pk")
    return [user.pk for user in users if can_view_case(user, case)]


def notify_returned(case: Case, *, officer: Any, actor: Any, note: str = "") -> list[int]:
    """Tell the officer a reviewer returned the case's decisions for revision."""
    if officer is None:
        return []
    message = f"{_case_words(case)} was returned for revision by {_name(actor)}."
    today = timezone.localdate()
    return _record(
        [
            Notice(pk, case.pk, Kind.RETURNED, message, today)
            for pk in _who_can_open(case, [officer.pk])
        ]
    )


def _reviewers_to_tell(case: Case, *, actor: Any, reviewer: Any, work: Any) -> list[int]:
    """The allocated reviewer; else every reviewer who can open the case and may review the
    work; else (a restricted case nobody on its team can review) the managers, to allocate."""
    if reviewer is not None:
        return _who_can_open(case, [reviewer.pk])
    conflicts = reviewer_conflicts(case, work=work)  # may_review, read once for everyone
    users = get_user_model().objects.filter(groups__name=REVIEWER, is_active=True)
    wanted = [pk for pk in users.values_list("pk", flat=True) if pk not in conflicts]
    people = _who_can_open(case, wanted)
    if not people:
        managers = get_user_model().objects.filter(groups__name=MANAGER, is_active=True)
        people = _who_can_open(case, managers.values_list("pk", flat=True))
    return [pk for pk in people if pk != getattr(actor, "pk", None)]


def notify_review_waiting(case: Case, *, actor: Any, reviewer: Any = None) -> list[int]:
    """Tell the allocated reviewer, or the reviewers who could take it, that decisions wait."""
    message = f"{_case_words(case)} is waiting for review (submitted by {_name(actor)})."
    today = timezone.localdate()
    people = _reviewers_to_tell(case, actor=actor, reviewer=reviewer, work=DECISIONS)
    return _record([Notice(pk, case.pk, Kind.REVIEW_WAITING, message, today) for pk in people])


def _letter_words(letter: Any) -> str:
    return f"The {letter.get_kind_display().lower()} (version {letter.version}) of"


def notify_letter_waiting(letter: Any, *, actor: Any) -> list[int]:
    """Tell the allocated reviewer, or the reviewers who could take it, that a letter waits."""
    case = letter.case
    message = (
        f"{_letter_words(letter)} {_case_words(case)} is waiting for approval "
        f"(sent by {_name(actor)})."
    )
    people = _reviewers_to_tell(case, actor=actor, reviewer=letter.reviewer, work=letter)
    today = timezone.localdate()
    return _record([Notice(pk, case.pk, Kind.LETTER_WAITING, message, today) for pk in people])


def _letter_officer(letter: Any) -> list[int]:
    officer_id = letter.case.assigned_to_id or letter.submitted_by_id or letter.composed_by_id
    return _who_can_open(letter.case, [officer_id])


def notify_letter_returned(letter: Any, *, actor: Any) -> list[int]:
    """Tell the officer a reviewer returned a letter for redraft."""
    case = letter.case
    message = (
        f"{_letter_words(letter)} {_case_words(case)} was returned for redraft by {_name(actor)}."
    )
    today = timezone.localdate()
    return _record(
        [
            Notice(pk, case.pk, Kind.LETTER_RETURNED, message, today)
            for pk in _letter_officer(letter)
        ]
    )


def notify_letter_approved(letter: Any, *, actor: Any, final: bool) -> list[int]:
    """Tell the officer a letter was approved, or that a manager's second approval is next."""
    case = letter.case
    what = "approved" if final else "approved; a manager's second approval is next"
    message = f"{_letter_words(letter)} {_case_words(case)} was {what} by {_name(actor)}."
    today = timezone.localdate()
    return _record(
        [
            Notice(pk, case.pk, Kind.LETTER_APPROVED, message, today)
            for pk in _letter_officer(letter)
        ]
    )


def notify_mail(case: Case, message: Any, *, kind: str) -> list[int]:
    """Tell the case's officer (or who sent it) that mail arrived, or that a message bounced."""
    if kind == Kind.NOT_DELIVERED:
        what = f"An e-mail to {message.to_addresses} about {_case_words(case)} was not delivered."
    else:
        what = f"An e-mail from {message.from_address} arrived on {_case_words(case)}."
    people = _who_can_open(case, [case.assigned_to_id or getattr(message, "sent_by_id", None)])
    today = timezone.localdate()
    return _record([Notice(pk, case.pk, kind, what[:500], today) for pk in people if pk])


def notify_account_security(user: Any, message: str) -> list[int]:
    """Tell a person about a change to how they sign in that someone else made."""
    row = Notification.objects.create(
        user=user, kind=Kind.ACCOUNT_SECURITY, message=message, created_at=timezone.now()
    )
    _email_after_commit([row.pk])
    return [row.pk]


def _name(user: Any) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


# --- The daily deadline digest ------------------------------------------------------------


def deadline_notices(today: dt.date) -> list[Notice]:
    """Every due-soon and overdue notice owed today, to the officer and every manager.

    Two queries: the cases due within 5 working days or overdue, and the managers.
    """
    calendars = {regime: calendar_for(regime) for regime in Case.Regime.values}
    soon = due_soon_limits(today, calendars)
    cases = (
        Case.objects.open()
        .exclude(status__in=Case.CLOCK_STOPPED_STATUSES)
        .annotate(current_due=Coalesce("extended_due_on", "due_on"))
        .filter(current_due__lte=max(soon.values()))
        .only("pk", "reference", "title", "restricted", "regime", "assigned_to", "due_on")
    )
    managers = list(
        get_user_model()
        .objects.filter(groups__name=MANAGER, is_active=True)
        .values_list("pk", flat=True)
    )
    notices = []
    for case in cases.iterator(chunk_size=2000):
        due = case.current_due
        calendar = calendars[case.regime]
        if due < today:
            late = calendar.working_days_between(due, today)
            kind = Kind.OVERDUE
            message = (
                f"{_case_words(case)} is overdue: it was due on {_long_date(due)} "
                f"({late} working day{'s' if late != 1 else ''} late on {_long_date(today)})."
            )
        elif due <= soon[case.regime]:
            left = calendar.working_days_between(today, due)
            kind = Kind.DUE_SOON
            message = (
                f"{_case_words(case)} is due on {_long_date(due)} "
                f"({left} working day{'s' if left != 1 else ''} left)."
            )
        else:
            continue
        people = set(managers)
        if case.assigned_to_id:
            people.add(case.assigned_to_id)
        notices.extend(Notice(pk, case.pk, kind, message, due) for pk in sorted(people))
    return notices


def send_deadline_reminders(today: dt.date | None = None) -> int:
    """Record and e-mail each person's digest of due-soon and overdue cases; return how many.

    1. Work out every notice owed today (`deadline_notices`).
    2. Per person, in one transaction: skip what `ReminderSent` already holds, insert the
       rest with their notifications, and queue one digest e-mail after the commit.
    """
    today = today or timezone.localdate()
    by_user: dict[int, list[Notice]] = defaultdict(list)
    for notice in deadline_notices(today):
        by_user[notice.user_id].append(notice)
    sent = 0
    for notices in by_user.values():
        with transaction.atomic():
            sent += len(_record(notices))
    return sent


# --- E-mail ---------------------------------------------------------------------------------

SUBJECTS = {
    Kind.ACCOUNT_SECURITY: "A change to how you sign in",
    Kind.ASSIGNED: "A case was assigned to you",
    Kind.RETURNED: "A case was returned for revision",
    Kind.REVIEW_WAITING: "A case is waiting for review",
    Kind.LETTER_WAITING: "A letter is waiting for approval",
    Kind.LETTER_RETURNED: "A letter was returned for redraft",
    Kind.LETTER_APPROVED: "A letter was approved",
    Kind.DUE_SOON: "Cases due soon",
    Kind.OVERDUE: "Overdue cases",
    Kind.REVIEW_DUE: "Internal reviews due",
    Kind.ICO_STEPS_DUE: "ICO decision notice steps due",
    Kind.APPEAL_WINDOW: "Tribunal appeal windows closing",
    Kind.FEE_DUE: "Fees not yet paid",
    Kind.CLARIFICATION_LAPSED: "Requests lapsed without clarification",
    Kind.MOSAIC: "Requests that together could expose someone",
}
SHORT = {
    Kind.ACCOUNT_SECURITY: "sign-in changes",
    Kind.ASSIGNED: "assigned to you",
    Kind.RETURNED: "returned for revision",
    Kind.REVIEW_WAITING: "waiting for review",
    Kind.LETTER_WAITING: "letters waiting for approval",
    Kind.LETTER_RETURNED: "letters returned",
    Kind.LETTER_APPROVED: "letters approved",
    Kind.DUE_SOON: "due soon",
    Kind.OVERDUE: "overdue",
    Kind.REVIEW_DUE: "internal reviews due",
    Kind.ICO_STEPS_DUE: "ICO steps due",
    Kind.APPEAL_WINDOW: "appeal windows closing",
    Kind.FEE_DUE: "fees unpaid",
    Kind.CLARIFICATION_LAPSED: "lapsed without clarification",
    Kind.MOSAIC: "mosaic risks",
}
DIGEST_ORDER = (
    Kind.ACCOUNT_SECURITY,
    Kind.OVERDUE,
    Kind.DUE_SOON,
    Kind.REVIEW_DUE,
    Kind.ICO_STEPS_DUE,
    Kind.APPEAL_WINDOW,
    Kind.FEE_DUE,
    Kind.CLARIFICATION_LAPSED,
    Kind.REVIEW_WAITING,
    Kind.LETTER_WAITING,
    Kind.RETURNED,
    Kind.LETTER_RETURNED,
    Kind.LETTER_APPROVED,
    Kind.ASSIGNED,
    Kind.MOSAIC,
)


def compose_email(notifications: Iterable[Notification]) -> tuple[str, str]:
    """(subject, plain-text body) for one person's notifications, most urgent first."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for notification in notifications:
        grouped[notification.kind].append(notification.message)
    kinds = [kind for kind in DIGEST_ORDER if grouped.get(kind)]
    if len(kinds) == 1 and len(grouped[kinds[0]]) == 1:
        subject = SUBJECTS[kinds[0]]
    else:
        counts = ", ".join(f"{len(grouped[k])} {SHORT[k]}" for k in kinds)
        subject = f"Your FOI cases: {counts}"
    lines: list[str] = []
    for kind in kinds:
        messages = grouped[kind]
        lines.append(f"{SUBJECTS[kind]} ({len(messages)}):")
        lines.extend(f"- {m}" for m in messages[:EMAIL_LIST_LIMIT])
        if len(messages) > EMAIL_LIST_LIMIT:
            lines.append(f"- and {len(messages) - EMAIL_LIST_LIMIT} more: see the service.")
        lines.append("")
    lines.append(f"See all your notifications in {settings.SERVICE_NAME}.")
    return f"[{settings.SERVICE_NAME}] {subject}", "\n".join(lines)


def email_notifications(ids: list[int]) -> int:
    """E-mail not-yet-e-mailed notifications, one message per person; return messages sent."""
    sent = 0
    rows = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user")
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id].append(row)
    for notifications in by_user.values():
        user = notifications[0].user
        with transaction.atomic():
            claimed = Notification.objects.filter(
                pk__in=[n.pk for n in notifications], emailed_at__isnull=True
            ).update(emailed_at=timezone.now())
            if not claimed or not user.email:
                continue
            subject, body = compose_email(notifications)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            sent += 1
    return sent


# A colleague asked to search cannot open the case: these lead to their task instead.
TASK_KINDS = (Kind.SEARCH_REQUESTED, Kind.SEARCH_DUE)


def link(notification: Notification) -> str:
    """Where a notification leads: a search to its colleague's own task page, a notice about a
    case to the case (a watcher's copy of a search notice too), anything else nowhere."""
    if notification.case_id is None or notification.case is None:
        return ""
    if notification.kind in TASK_KINDS:
        task = (
            ContributorTask.objects.filter(
                case_id=notification.case_id, assignee_id=notification.user_id
            )
            .order_by("-pk")
            .first()
        )
        if task is not None:
            return reverse("task_detail", args=[task.pk])
    return notification.case.get_absolute_url()


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# --- Contributor tasks (records) ----------------------------------------------------------------


def notify_search_requested(task: Any, *, actor: Any) -> list[int]:
    """Tell a colleague they were asked to search for records, naming the case as a notice does."""
    return _record(
        [
            Notice(
                task.assignee_id,
                task.case_id,
                Kind.SEARCH_REQUESTED,
                f"{_name(actor)} asked you to search for records for {_case_words(task.case)} "
                f"by {_long_date(task.due_on)}.",
                timezone.localdate(),
            )
        ]
    )


def notify_search_due(task: Any, *, today: dt.date) -> list[int]:
    """Remind a colleague of a search due soon or overdue, once per due date."""
    when = "was due" if task.due_on < today else "is due"
    return _record(
        [
            Notice(
                task.assignee_id,
                task.case_id,
                Kind.SEARCH_DUE,
                f"Your search for records for {_case_words(task.case)} {when} on "
                f"{_long_date(task.due_on)}.",
                task.due_on,
            )
        ]
    )


def notify_mosaic(case: Case, other: Case) -> list[int]:
    """Tell the officers of both cases that, together, they could locate or expose someone.

    Neither message names the person (e-mail leaves the system); the case pages show who.
    """
    today = timezone.localdate()
    notices = []
    for mine, theirs in ((case, other), (other, case)):
        officer = mine.assigned_to_id or mine.created_by_id
        for pk in _who_can_open(mine, [officer]):
            named = theirs.reference if pk in _who_can_open(theirs, [pk]) else "another request"
            message = (
                f"Mosaic risk: {_case_words(mine)} and {named}, from different requesters, "
                "together could locate or expose the same protected person."
            )
            notices.append(Notice(pk, mine.pk, Kind.MOSAIC, message, today))
    return _record(notices)
