"""Sending from the case: the approved letter as a PDF, or a message, each once.

The Message-ID is stored before the SMTP conversation. Every message is copied (Bcc) to the
FOI mailbox itself, so a retried task whose first attempt may have been accepted looks for
that copy before sending again. The time SMTP accepted the message is the time sent.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import logging
import re
import smtplib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from foi_cases import letters, notifications, outbox
from foi_cases.mail import mailbox
from foi_cases.mail.common import system_user
from foi_cases.models import (
    Case,
    CaseEvent,
    Correspondence,
    Letter,
    LetterSettings,
    ReleaseBundle,
)
from foi_cases.release import bundle as release_bundle
from foi_cases.workflow import core
from foi_cases.workflow.clock_events import request_clarification
from foi_cases.workflow.core import InvalidTransition
from foi_cases.workflow.letters import record_letter_sent

logger = logging.getLogger(__name__)
Status = Correspondence.Status
# The letters the release bundle goes with, when records are released.
RELEASES_RECORDS = (Letter.Kind.FINAL_RESPONSE,)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
HEADING = re.compile(r"^#+ ", re.MULTILINE)
TO_FILL = re.compile(r"\[\[.*?\]\]", re.DOTALL)


def _message_id() -> str:
    domain = settings.FOI_MAIL_ADDRESS.rpartition("@")[2] or "foi.invalid"
    return email.utils.make_msgid(domain=domain)


def letter_refusal(letter: Letter) -> str:
    """Why this letter cannot be e-mailed now, or "" (the same guards as recording it sent)."""
    if letter.is_sent:
        return "This letter was already sent."
    if letter.status != Letter.Status.READY or not letter.is_approved:
        return "Only an approved letter with its PDF ready can be sent."
    if not letter.case.requester.email:
        return "The requester has no e-mail address."
    stale = letters.stale_reason(letter)
    if stale:
        return stale
    if letter.kind in RELEASES_RECORDS:
        return release_bundle.send_refusal(letter.case)
    return ""


def undelivered(letter_ids: list[int]) -> dict[int, Correspondence]:
    """For each letter whose latest e-mail bounced or failed, that e-mail, with `problem` set
    to why (one query; a later e-mail that is sending or sent clears it)."""
    latest: dict[int, Correspondence] = {}
    rows = Correspondence.objects.filter(
        letter_id__in=letter_ids, direction=Correspondence.Direction.OUT
    ).order_by("letter_id", "-created_at", "-pk")
    for row in rows:
        assert row.letter_id is not None
        latest.setdefault(row.letter_id, row)
    found = {}
    for letter_id, row in latest.items():
        if row.status in (Status.NOT_DELIVERED, Status.FAILED):
            row.problem = row.reason or "a delivery failure report came back"  # type: ignore[attr-defined]
            found[letter_id] = row
    return found


def _reply_headers(case: Case) -> str:
    """The last message the requester sent, to thread the answer under it (WDTK needs it)."""
    last = case.correspondence.filter(direction="in").order_by("-received_at", "-pk").first()
    return last.message_id if last else ""


@transaction.atomic
def send_letter(letter: Letter, *, actor: User) -> Correspondence:
    """Queue the approved letter to the requester; refused if not approved or out of date."""
    letter = Letter.objects.select_for_update().select_related("case__requester").get(pk=letter.pk)
    refusal = letter_refusal(letter)
    if refusal:
        raise InvalidTransition(refusal)
    if letter.emails.filter(status__in=(Status.SENDING, Status.SENT, Status.UNCONFIRMED)).exists():
        raise InvalidTransition("This letter is already being sent.")
    case = letter.case
    body = render_to_string(
        "mail/letter_email.txt", {"case": case, "letter": letter, "settings": settings}
    )
    subject = f"{case.reference}: {letter.get_kind_display()} – {case.title}"[:998]
    bundle = release_bundle.current_bundle(case) if letter.kind in RELEASES_RECORDS else None
    return _queue(case, subject=subject, body=body, actor=actor, letter=letter, bundle=bundle)


# The notices an officer may start a message from, composed as their letters would be.
MESSAGE_STARTS = (Letter.Kind.CLARIFICATION, Letter.Kind.PIT_EXTENSION, Letter.Kind.FEES_NOTICE)


def message_start(case: Case, kind: str) -> tuple[str, str]:
    """The subject and text of a notice composed from its letter kind, to edit before sending."""
    label = Letter.Kind(kind).label
    subject = f"{case.reference}: {label} – {case.title}"[:200]
    try:
        body = HEADING.sub("", letters.compose(case, kind).body)  # plain text: no "## "
    except (ValidationError, LookupError, ValueError) as exc:  # the case lacks what it needs
        logger.info("No composed %s for %s: %s", kind, case.reference, exc)
        body = f"Dear {case.requester.name},\n\n\n\nYours sincerely,\n{settings.AUTHORITY_NAME}"
    return subject, body


def send_message(
    case: Case, *, actor: User, subject: str, body: str, notice: str = ""
) -> Correspondence:
    """Queue a plain-text message to the requester, sent once like a letter.

    `notice` is the letter kind it was composed from (MESSAGE_STARTS): a clarification
    request stops the clock on the day the mail server accepts it, as recording one does.
    """
    if notice and notice not in MESSAGE_STARTS:
        raise InvalidTransition("Start the message from one of the notices offered.")
    if not case.requester.email:
        raise InvalidTransition("The requester has no e-mail address.")
    subject = " ".join(subject.split())[:998]
    if not subject or not body.strip():
        raise InvalidTransition("A message needs a subject and some text.")
    unfilled = TO_FILL.search(body)
    if unfilled:
        raise InvalidTransition(
            f"Fill in or remove {unfilled.group(0)[:80]} (and any other [[…]]) before sending."
        )
    return _queue(case, subject=subject, body=body, actor=actor, letter=None, notice=notice)


def _long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def queue_acknowledgement(
    case: Case, *, status_link: str = "", link_expires: dt.date | None = None
) -> Correspondence | None:
    """The automatic acknowledgement of a new request, from the text managers edit.

    A request made on the web form also gets its private status link, below that text.
    """
    if not case.requester.email:
        return None
    values = {
        "name": case.requester.name,
        "reference": case.reference,
        "title": case.title,
        "received": _long_date(timezone.localtime(case.received_at).date()),
        "due": _long_date(case.due_on) if case.due_on else "the due date",
        "authority": settings.AUTHORITY_NAME,
        "mailbox": settings.FOI_MAIL_ADDRESS,
    }
    text = LetterSettings.load().acknowledgement_email
    # Known placeholders are filled; anything else in braces is left as typed.
    body = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    if status_link:
        until = f", until {_long_date(link_expires)}" if link_expires else ""
        body = (
            f"{body.rstrip()}\n\nYou can see the progress of your request, and download our "
            f"response once it is sent, at this private link (it works{until}; do not share "
            f"it):\n{status_link}\n"
        )
    subject = f"{case.reference}: we have received your request – {case.title}"[:998]
    return _queue(case, subject=subject, body=body, actor=None, letter=None)


def _queue(
    case: Case,
    *,
    subject: str,
    body: str,
    actor: User | None,
    letter: Letter | None,
    notice: str = "",
    bundle: ReleaseBundle | None = None,
) -> Correspondence:
    row = Correspondence.objects.create(
        case=case,
        letter=letter,
        direction=Correspondence.Direction.OUT,
        kind=Correspondence.Kind.LETTER if letter else Correspondence.Kind.MESSAGE,
        status=Status.SENDING,
        message_id=_message_id(),
        in_reply_to=_reply_headers(case),
        from_address=settings.FOI_MAIL_ADDRESS,
        to_addresses=case.requester.email,
        subject=subject,
        body_text=body,
        channel=case.channel,
        sent_by=actor,
        notice=notice,
        release_bundle=bundle,
    )
    outbox.enqueue("foi_cases.tasks.send_email", row.pk, dedupe_key=f"send-email:{row.pk}")
    return row


def _build(row: Correspondence) -> EmailMessage:
    headers = {"Message-ID": row.message_id, "Auto-Submitted": "no"}
    if row.in_reply_to:
        headers["In-Reply-To"] = row.in_reply_to
        headers["References"] = row.in_reply_to
    message = EmailMessage(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.FOI_MAIL_ADDRESS,
        to=[row.to_addresses],
        bcc=[settings.FOI_MAIL_ADDRESS],
        headers=headers,
    )
    if row.letter_id and row.letter and row.letter.pdf:
        with row.letter.pdf.open("rb") as handle:
            message.attach(letters.download_name(row.letter), handle.read(), "application/pdf")
    if row.release_bundle is not None:
        with row.release_bundle.file.open("rb") as handle:
            message.attach(
                release_bundle.download_name(row.release_bundle), handle.read(), "application/pdf"
            )
    return message


def deliver(row_id: int) -> str:
    """Send one queued message (the Celery task's body); safe to run again.

    1. Stop if it is no longer waiting to be sent, or its letter can no longer be sent.
    2. If an earlier attempt got as far as SMTP, look for the mailbox's copy: found means it
       was accepted then, and is recorded without sending again.
    3. Record the attempt (committed), send, and record the time SMTP accepted it.
    """
    row = (
        Correspondence.objects.select_related("letter", "case", "release_bundle")
        .filter(pk=row_id)
        .first()
    )
    if row is None or row.status != Status.SENDING:
        return "nothing to send"
    if row.letter_id:
        assert row.letter is not None
        refusal = letter_refusal(row.letter)
        if refusal:
            Correspondence.objects.filter(pk=row.pk).update(status=Status.FAILED, reason=refusal)
            return refusal
    if row.send_attempted_at is not None:
        if not mailbox.configured():
            Correspondence.objects.filter(pk=row.pk).update(
                status=Status.UNCONFIRMED,
                reason="An earlier attempt may have been sent; with no mailbox to check, an "
                "officer must confirm before it is sent again.",
            )
            return "unconfirmed"
        accepted_at = mailbox.find_copy(row.message_id)
        if accepted_at is not None:
            record_sent(row.pk, sent_at=accepted_at, raw=b"")
            return "found the copy of an earlier attempt"
    Correspondence.objects.filter(pk=row.pk).update(send_attempted_at=timezone.now())
    message = _build(row)
    raw = message.message().as_bytes(linesep="\r\n")
    refused = _send(message, raw)
    if row.to_addresses in refused:
        code, reply = refused[row.to_addresses]
        reason = (
            f"The mail server refused {row.to_addresses}: {code} {reply.decode(errors='replace')}"
        )
        record_refused(row.pk, reason=reason)
        return reason
    record_sent(row.pk, sent_at=timezone.now(), raw=raw)
    return "sent"


def _send(message: EmailMessage, raw: bytes) -> dict[str, tuple[int, bytes]]:
    """Send; return the recipients the SMTP server refused (the console backend refuses none)."""
    connection = get_connection(fail_silently=False)
    if not isinstance(connection, SMTPBackend):
        connection.send_messages([message])
        return {}
    with connection:
        assert connection.connection is not None
        try:
            return dict(
                connection.connection.sendmail(message.from_email, message.recipients(), raw)
            )
        except smtplib.SMTPRecipientsRefused as exc:
            return dict(exc.recipients)


@transaction.atomic
def record_refused(row_id: int, *, reason: str) -> None:
    """The server refused the requester's address: nothing went to them; the officer is told."""
    row = (
        Correspondence.objects.select_for_update(of=("self",)).select_related("case").get(pk=row_id)
    )
    if row.status != Status.SENDING or row.case is None:
        return
    row.status, row.reason = Status.NOT_DELIVERED, reason[:2000]
    row.save(update_fields=["status", "reason"])
    core.record(
        row.case,
        CaseEvent.Verb.EMAIL_NOT_DELIVERED,
        actor=None,
        message_id=row.message_id,
        to=row.to_addresses,
        letter=row.letter_id,
        reason=reason[:500],
    )
    notifications.notify_mail(row.case, row, kind=notifications.Kind.NOT_DELIVERED)


@transaction.atomic
def record_failed(row_id: int, *, reason: str) -> str:
    """Every attempt failed (no connection, or a temporary refusal of the whole message):
    the message is marked failed with the reason, and the officer is told to send it again."""
    row = (
        Correspondence.objects.select_for_update(of=("self",)).select_related("case").get(pk=row_id)
    )
    if row.status != Status.SENDING or row.case is None:
        return "nothing to send"
    reason = f"Not sent: the mail server could not be reached or refused it every time ({reason})"
    row.status, row.reason = Status.FAILED, reason[:2000]
    row.save(update_fields=["status", "reason"])
    core.record(
        row.case,
        CaseEvent.Verb.EMAIL_NOT_DELIVERED,
        actor=None,
        message_id=row.message_id,
        to=row.to_addresses,
        letter=row.letter_id,
        failed=True,
        reason=reason[:500],
    )
    notifications.notify_mail(row.case, row, kind=notifications.Kind.NOT_DELIVERED)
    return reason


@transaction.atomic
def record_sent(row_id: int, *, sent_at: dt.datetime, raw: bytes) -> None:
    """SMTP accepted the message: store it, and a letter becomes sent (the response date)."""
    row = (
        Correspondence.objects.select_for_update(of=("self",)).select_related("case").get(pk=row_id)
    )
    if row.status != Status.SENDING:
        return
    row.status, row.sent_at = Status.SENT, sent_at
    if raw:
        digest = hashlib.sha256(raw).hexdigest()
        row.sha256, row.size = digest, len(raw)
        row.raw.save(f"{digest[:32]}.eml", ContentFile(raw), save=False)
    row.save()
    case = row.case
    assert case is not None
    if row.letter_id:
        letter = Letter.objects.get(pk=row.letter_id)
        via = (
            Letter.Via.WHATDOTHEYKNOW
            if case.channel == Case.Channel.WHATDOTHEYKNOW
            else Letter.Via.EMAIL
        )
        actor = row.sent_by or system_user()
        try:
            record_letter_sent(
                letter,
                actor=actor,
                sent_at=sent_at,
                via=via,
                note=f"E-mailed to {row.to_addresses}, {row.message_id}",
            )
        except ValidationError as exc:
            # The e-mail went; the officer must see why the letter could not be marked sent.
            row.reason = "; ".join(exc.messages)
            row.save(update_fields=["reason"])
        return
    core.record(
        case,
        CaseEvent.Verb.EMAIL_SENT,
        actor=row.sent_by,
        message_id=row.message_id,
        to=row.to_addresses,
        sent_at=sent_at.isoformat(),
        sha256=row.sha256,
    )
    if row.notice == Letter.Kind.CLARIFICATION:
        _clarification_requested(row, case, sent_at=sent_at)


def _clarification_requested(row: Correspondence, case: Case, *, sent_at: dt.datetime) -> None:
    """The clarification request went: the clock stops from the day SMTP accepted it."""
    try:
        with transaction.atomic():
            request_clarification(
                case,
                actor=row.sent_by or system_user(),
                on=timezone.localtime(sent_at).date(),
                note=f"By e-mail: {row.subject}"[:500],
            )
    except ValidationError as exc:
        # The e-mail went; the officer must see why the clock could not be stopped.
        row.reason = "Sent, but the clock was not stopped: " + "; ".join(exc.messages)
        row.save(update_fields=["reason"])
