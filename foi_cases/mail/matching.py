"""Which case a message belongs to, and what a reply or a bounce does to it."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from foi_cases import notifications
from foi_cases.mail.common import Outcome, is_whatdotheyknow, local
from foi_cases.mail.parsing import ParsedMail
from foi_cases.models import Case, CaseEvent, Correspondence
from foi_cases.workflow import core
from foi_cases.workflow.clock_events import receive_clarification

Status = Correspondence.Status
Kind = Correspondence.Kind


def _outcome(row: Correspondence, action: str, reason: str = "") -> Outcome:
    case = row.case
    return Outcome(
        row.message_id,
        action,
        case.reference if case else None,
        local(row.received_at),
        case.due_on if case else None,
        reason,
    )


def case_for(mail: ParsedMail) -> Case | None:
    """The case a reply belongs to: a message it answers, its reference, or its WDTK address."""
    ids = [*mail.references, *mail.in_reply_to.split()]
    if ids:
        sent = (
            Correspondence.objects.filter(message_id__in=ids, case__isnull=False)
            .select_related("case")
            .order_by("-pk")
            .first()
        )
        if sent is not None:
            return sent.case
    pattern = rf"\b{re.escape(settings.FOI_REFERENCE_PREFIX)}-\d{{4}}-\d{{3,}}\b"
    for reference in re.findall(pattern, mail.subject, flags=re.I):
        case = Case.objects.filter(reference__iexact=reference).first()
        if case is not None:
            return case
    # WhatDoTheyKnow gives each request its own address, so the address names the case.
    if mail.reply_address and is_whatdotheyknow(mail.reply_address):
        return (
            Case.objects.filter(requester__email__iexact=mail.reply_address)
            .order_by("-received_at")
            .first()
        )
    return None


def case_for_row(row: Correspondence) -> Case | None:
    """The case a stored incoming message is on, or would be attached to once imported.

    Mail held back from import (quarantined, or failed) is on no case yet; what it matches
    decides who may see it, so a restricted case's mail stays with that case's team.
    """
    if row.case_id is not None:
        return row.case
    return case_for(
        ParsedMail(
            subject=row.subject,
            in_reply_to=row.in_reply_to,
            references=row.references.split(),
            from_address=row.from_address,
        )
    )


def attach_reply(row: Correspondence, case: Case, *, notes: str) -> Outcome:
    """A reply lands on its case; one that may answer a clarification request says so."""
    awaiting = case.status == Case.Status.AWAITING_CLARIFICATION
    row.case = case
    row.kind = Kind.CLARIFICATION if awaiting else Kind.REPLY
    row.status = Status.IMPORTED
    row.reason = notes
    row.save()
    core.record(
        case,
        CaseEvent.Verb.EMAIL_RECEIVED,
        actor=None,
        message_id=row.message_id,
        subject=row.subject[:200],
        possible_clarification=awaiting,
    )
    notifications.notify_mail(case, row, kind=notifications.Kind.MAIL_ARRIVED)
    reason = "reply to a clarification request: an officer can accept it" if awaiting else ""
    return _outcome(row, "attached", "; ".join(r for r in (reason, notes) if r))


def handle_bounce(row: Correspondence, mail: ParsedMail) -> Outcome:
    """A delivery failure report: the message it reports is marked not delivered."""
    ids = [*mail.bounced_message_ids, *mail.in_reply_to.split(), *mail.references]
    sent = (
        Correspondence.objects.filter(direction="out", message_id__in=ids)
        .select_related("case")
        .first()
        if ids
        else None
    )
    row.kind = Kind.BOUNCE
    if sent is None or sent.case is None:
        row.status = Status.REJECTED
        row.reason = "delivery failure report for a message not sent from this system"
        row.save()
        return _outcome(row, "rejected", row.reason)
    row.case = sent.case
    row.status = Status.IMPORTED
    row.bounced_message = sent
    row.reason = f"delivery failure report for {sent.subject or sent.message_id}"
    row.save()
    Correspondence.objects.filter(pk=sent.pk).update(status=Status.NOT_DELIVERED)
    core.record(
        sent.case,
        CaseEvent.Verb.EMAIL_NOT_DELIVERED,
        actor=None,
        message_id=sent.message_id,
        to=sent.to_addresses,
        letter=sent.letter_id,
    )
    notifications.notify_mail(sent.case, sent, kind=notifications.Kind.NOT_DELIVERED)
    return _outcome(row, "attached", f"delivery failure: {sent.to_addresses} did not receive it")


@transaction.atomic
def accept_clarification(row: Correspondence, *, actor: User) -> Case:
    """ "This is the clarification": the clock restarts from the reply's day of receipt (s1(3))."""
    row = (
        Correspondence.objects.select_for_update(of=("self",)).select_related("case").get(pk=row.pk)
    )
    case = row.case
    if row.kind != Kind.CLARIFICATION or case is None or row.received_at is None:
        raise ValidationError("Only a reply to a clarification request can be the clarification.")
    if row.clarification_accepted_at is not None:
        raise ValidationError("This reply was already recorded as the clarification.")
    on = timezone.localtime(row.received_at).date()
    receive_clarification(case, actor=actor, on=on, note=f"By e-mail: {row.subject}"[:500])
    row.clarification_accepted_at = timezone.now()
    row.save(update_fields=["clarification_accepted_at"])
    return case
