"""Importing e-mail: a new request becomes a case, a reply lands on its case, bad mail is
explained and kept. Each message is handled once, by Message-ID and by mailbox UID.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from foi_cases.intake import split_questions
from foi_cases.mail import mailbox, matching, outbound
from foi_cases.mail.common import Outcome, is_whatdotheyknow, local, system_user
from foi_cases.mail.parsing import ParsedMail, parse
from foi_cases.models import Case, CaseEvent, Correspondence, MailAttachment, Requester
from foi_cases.workflow import core
from foi_cases.workflow.intake import RequesterDetails, log_request
from foi_cases.workflow.records import add_mail_attachments

logger = logging.getLogger(__name__)
Status = Correspondence.Status
Kind = Correspondence.Kind
# WhatDoTheyKnow appends its own instructions below a line of dashes; they are not the request.
WDTK_FOOTER = re.compile(r"\n-{20,}\s*\n(?=.*(whatdotheyknow|this email address))", re.I | re.S)
WDTK_SUBJECT = re.compile(r"(?i)^\s*(re:\s*)*freedom of information request\s*[-–:]\s*")


def import_message(
    raw: bytes,
    *,
    source: str,
    internal_date: dt.datetime | None = None,
    imap_key: str = "",
) -> Outcome:
    """Import one message; never raises for bad mail, and keeps every message it was given.

    1. Parse it and skip it if its Message-ID (or IMAP UID) was handled before.
    2. Store it, raw, as a Correspondence row (the unique constraints make a second worker
       importing the same message at once give way).
    3. Refuse it into quarantine if it breaks a limit or carries an executable or archive.
    4. Otherwise: a bounce marks what it reports, a reply lands on its case, a new request
       becomes a case through the intake workflow.
    """
    digest = hashlib.sha256(raw).hexdigest()
    try:
        mail = parse(raw)
    except Exception as exc:  # the parser is lenient; this is a last resort
        logger.exception("Could not parse %s", source)
        mail = ParsedMail(problems=[f"the message could not be read at all ({exc})"])
    message_id = mail.message_id or f"<sha256-{digest}@no-message-id.invalid>"
    received_at = internal_date or mail.top_received_at
    if Correspondence.objects.filter(direction="out", message_id=message_id).exists():
        return Outcome(message_id, "duplicate", reason="the copy of a message sent from here")
    seen = Correspondence.objects.filter(
        Q(direction="in", message_id=message_id) | (Q(imap_key=imap_key) & ~Q(imap_key=""))
    ).first()
    if seen is not None and seen.status == Status.FAILED and seen.case_id is None:
        # An import that failed (storage, a bug since fixed) is tried afresh when the message
        # is given again: `import_email --from-failed`, or the saved file.
        seen.delete()
        seen = None
    if seen is not None:
        return _duplicate(seen, message_id)
    try:
        with transaction.atomic():
            row = Correspondence.objects.create(
                direction=Correspondence.Direction.IN,
                status=Status.FAILED,
                message_id=message_id,
                imap_key=imap_key,
                source=source[:300],
                sha256=digest,
                size=len(raw),
                received_at=received_at,
            )
    except IntegrityError:
        seen = Correspondence.objects.filter(direction="in", message_id=message_id).first()
        return _duplicate(seen, message_id)
    try:
        row.raw.save(f"{digest[:32]}.eml", ContentFile(raw), save=False)
    except OSError as exc:
        # Left in the mailbox's failed folder (or the file given): the row says why.
        logger.exception("Could not store %s", source)
        return _failed(row, f"the message could not be stored ({exc}); it is still in the mailbox")
    _copy_headers(row, mail)
    row.save()
    try:
        with transaction.atomic():
            outcome = _handle(row, mail, raw_size=len(raw))
    except ValidationError as exc:
        outcome = _failed(row, "; ".join(exc.messages))
    except Exception as exc:
        logger.exception("Import of %s failed", source)
        outcome = _failed(row, f"import failed ({type(exc).__name__}: {exc})")
    if outcome.action == "rejected":
        logger.warning("Mail %s from %s not imported: %s", message_id, source, outcome.reason)
    return outcome


def _duplicate(seen: Correspondence | None, message_id: str) -> Outcome:
    case = seen.case if seen else None
    return Outcome(
        message_id,
        "duplicate",
        reference=case.reference if case else None,
        received_at=local(seen.received_at) if seen else None,
        due=case.due_on if case else None,
        reason="already imported",
    )


def _failed(row: Correspondence, reason: str) -> Outcome:
    Correspondence.objects.filter(pk=row.pk).update(status=Status.FAILED, reason=reason[:2000])
    return Outcome(row.message_id, "rejected", received_at=local(row.received_at), reason=reason)


def _copy_headers(row: Correspondence, mail: ParsedMail) -> None:
    row.from_name = mail.from_name[:300]
    row.from_address = mail.from_address[:320]
    row.to_addresses = ", ".join(mail.to_addresses)
    row.subject = mail.subject
    row.in_reply_to = mail.in_reply_to
    row.references = " ".join(mail.references)
    row.body_text = mail.body_text
    row.channel = (
        Case.Channel.WHATDOTHEYKNOW if is_whatdotheyknow(mail.reply_address) else Case.Channel.EMAIL
    )


def _refusal(mail: ParsedMail, raw_size: int) -> str:
    megabytes, most = settings.FOI_MAIL_MAX_MESSAGE_MB, settings.FOI_MAIL_MAX_ATTACHMENTS
    if raw_size > megabytes * 1024 * 1024:
        return f"the message is {raw_size / 1048576:.1f} MB, over the {megabytes} MB limit"
    if len(mail.attachments) > most:
        return f"{len(mail.attachments)} attachments, over the limit of {most}"
    each = settings.FOI_MAIL_MAX_ATTACHMENT_MB * 1024 * 1024
    for attachment in mail.attachments:
        if len(attachment.data) > each:
            return (
                f"{attachment.filename} is over the {settings.FOI_MAIL_MAX_ATTACHMENT_MB} MB limit"
            )
    blocked = [a.blocked_reason for a in mail.attachments if a.blocked_reason]
    return "; ".join(blocked)


def _save_attachments(row: Correspondence, mail: ParsedMail) -> None:
    for attachment in mail.attachments:
        digest = hashlib.sha256(attachment.data).hexdigest()
        stored = MailAttachment(
            correspondence=row,
            filename=attachment.filename[:300],
            content_type=attachment.content_type[:200],
            size=len(attachment.data),
            sha256=digest,
            blocked_reason=attachment.blocked_reason[:300],
        )
        stored.file.save(
            f"{digest[:16]}/{attachment.filename[-120:]}", ContentFile(attachment.data), save=False
        )
        stored.save()


def _handle(
    row: Correspondence, mail: ParsedMail, *, raw_size: int, release: bool = False
) -> Outcome:
    notes = "; ".join(mail.problems)
    if not release:
        refusal = _refusal(mail, raw_size)
        if refusal:
            _save_attachments(row, mail)
            reason = f"quarantined: {refusal}. An officer can release it from the quarantine list"
            _set(row, Status.QUARANTINED, reason=reason)
            return Outcome(
                row.message_id, "rejected", received_at=local(row.received_at), reason=reason
            )
    if mail.bounce:
        return matching.handle_bounce(row, mail)
    case = matching.case_for(mail)
    if mail.auto_reply:
        _set(
            row,
            Status.REJECTED,
            kind=Kind.AUTO_REPLY,
            case=case,
            reason="automatic reply: kept, not made a case",
        )
        return Outcome(
            row.message_id,
            "rejected",
            case.reference if case else None,
            local(row.received_at),
            case.due_on if case else None,
            row.reason,
        )
    if row.received_at is None:
        reason = (
            "no time of receipt: the message has no Received header and did not come from the "
            "mailbox; import it from the mailbox, or log it by hand with the time it arrived"
        )
        _set(row, Status.REJECTED, reason=reason)
        return Outcome(row.message_id, "rejected", reason=reason)
    if not mail.from_address:
        _set(row, Status.REJECTED, reason="no sender address")
        return Outcome(
            row.message_id,
            "rejected",
            received_at=local(row.received_at),
            reason="no sender address",
        )
    _save_attachments(row, mail)
    if case is not None:
        outcome = matching.attach_reply(row, case, notes=notes)
    else:
        outcome = _create_case(row, mail, notes=notes)
    if row.case_id is not None:
        _attachments_to_records(row)
    return outcome


def _attachments_to_records(row: Correspondence) -> None:
    """The message's attachments become records of its case; a refusal never loses the mail."""
    try:
        with transaction.atomic():
            add_mail_attachments(row, actor=system_user())
    except (ValidationError, OSError) as exc:
        logger.exception("Attachments of %s not added as records", row.message_id)
        Correspondence.objects.filter(pk=row.pk).update(
            reason=f"{row.reason}; attachments not added as records ({exc})".lstrip("; ")
        )
    if "not added as records" in row.reason:
        logger.warning("Mail %s: %s", row.message_id, row.reason)


def _set(row: Correspondence, status: str, **fields: object) -> None:
    row.status = status
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()


def request_text(mail: ParsedMail) -> str:
    text = mail.body_text.strip()
    if is_whatdotheyknow(mail.reply_address):
        text = WDTK_FOOTER.split(text, maxsplit=1)[0].strip()
    return text


def _create_case(row: Correspondence, mail: ParsedMail, *, notes: str) -> Outcome:
    text = request_text(mail)
    if not text and not mail.subject:
        _set(row, Status.REJECTED, reason="the message is empty")
        return Outcome(
            row.message_id,
            "rejected",
            received_at=local(row.received_at),
            reason="the message is empty",
        )
    wdtk = is_whatdotheyknow(mail.reply_address)
    title = WDTK_SUBJECT.sub("", mail.subject).strip() or "Request received by e-mail"
    name = mail.from_name or mail.reply_address.split("@")[0]
    assert row.received_at is not None
    case = log_request(
        actor=system_user(),
        requester=RequesterDetails(
            name=name[:200],
            email=mail.reply_address,
            requester_type=Requester.Type.WHATDOTHEYKNOW if wdtk else Requester.Type.PUBLIC,
        ),
        channel=Case.Channel.WHATDOTHEYKNOW if wdtk else Case.Channel.EMAIL,
        received_at=row.received_at,
        regime=Case.Regime.FOIA,
        title=title[:200],
        request_text=text or mail.subject,
        questions=split_questions(text) or [text or mail.subject],
    )
    _set(row, Status.IMPORTED, kind=Kind.REQUEST, case=case, reason=notes)
    if settings.FOI_MAIL_ACKNOWLEDGE:
        outbound.queue_acknowledgement(case)
    return Outcome(
        row.message_id, "created", case.reference, local(row.received_at), case.due_on, notes
    )


@transaction.atomic
def release(row: Correspondence, *, actor: User) -> Outcome:
    """An officer releases a quarantined message: it is imported as if it had passed."""
    row = Correspondence.objects.select_for_update().get(pk=row.pk)
    if row.status != Status.QUARANTINED:
        raise ValidationError("Only a quarantined message can be released.")
    with row.raw.open("rb") as handle:
        raw = handle.read()
    mail = parse(raw)
    row.attachments.all().delete()
    row.released_by, row.released_at = actor, timezone.now()
    row.save(update_fields=["released_by", "released_at"])
    outcome = _handle(row, mail, raw_size=len(raw), release=True)
    if row.case_id:
        core.record(
            row.case,
            CaseEvent.Verb.EMAIL_RELEASED,
            actor=actor,
            message_id=row.message_id,
            action=outcome.action,
        )
    return outcome


def poll(*, limit: int | None = None, from_failed: bool = False) -> list[Outcome]:
    """Import what waits in the mailbox; return each message's outcome.

    from_failed: import again what waits in the failed folder (after fixing why it failed);
    what imports now moves to the processed folder, the rest stays where it is.
    """
    if not mailbox.configured():
        return []
    outcomes = []
    with mailbox.poll_lock() as acquired:
        if not acquired:
            return []
        with mailbox.open_mailbox() as client:
            folder = settings.IMAP_FAILED_FOLDER if from_failed else settings.IMAP_FOLDER
            for name in (settings.IMAP_PROCESSED_FOLDER, settings.IMAP_FAILED_FOLDER):
                client.create(mailbox.quote(name))
            status, _ = client.select(mailbox.quote(folder))
            if status != "OK":
                raise RuntimeError(f"Cannot open the mailbox folder {folder!r}")
            validity_data = client.response("UIDVALIDITY")[1]
            validity = (validity_data[0] or b"0").decode() if validity_data else "0"
            _, found = client.uid("SEARCH", "UNDELETED")
            uids = found[0].split() if found and found[0] else []
            for uid in uids[: limit or settings.FOI_MAIL_POLL_BATCH]:
                _, fetched = client.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
                parts = [p for p in fetched if isinstance(p, tuple)]
                if not parts:
                    continue
                key = f"{folder}/{validity}/{uid.decode()}"
                outcome = import_message(
                    bytes(parts[0][1]),
                    source=f"imap:{key}",
                    internal_date=mailbox.internal_date(parts[0][0]),
                    imap_key=key,
                )
                outcomes.append(outcome)
                good = outcome.action in ("created", "attached", "duplicate")
                if good or not from_failed:
                    mailbox.move(
                        client,
                        uid,
                        settings.IMAP_PROCESSED_FOLDER if good else settings.IMAP_FAILED_FOLDER,
                    )
            client.expunge()
    return outcomes
