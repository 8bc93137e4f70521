"""Legal hold, deletion (s77) and anonymisation at the end of retention."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from exemptions.models import ReviewComment
from foi_cases import retention
from foi_cases.models import (
    Case,
    CaseEvent,
    ClockEvent,
    InternalReview,
    Letter,
    Question,
    Requester,
)
from foi_cases.permissions import is_manager
from foi_cases.reporting import daily
from foi_cases.workflow import core
from foi_cases.workflow.core import ConcurrentUpdate, InvalidTransition

Status = Case.Status
Verb = CaseEvent.Verb
User = User

audit_log = logging.getLogger("foi_cases.audit")

REMOVED_TEXT = "[Removed under the retention policy]"
ANONYMISED_NAME = "Anonymised requester"


@transaction.atomic
def set_legal_hold(case: Case, *, actor: User, hold: bool, reason: str) -> Case:
    """Freeze (or release) deletion and anonymisation of a case's records."""
    core.require(is_manager(actor), "Only a manager can change a legal hold.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why."})
    updated = Case.objects.filter(pk=case.pk, legal_hold=not hold).update(
        legal_hold=hold, updated_at=timezone.now()
    )
    if updated != 1:
        raise InvalidTransition(
            "This case is already on legal hold." if hold else "This case is not on legal hold."
        )
    case.legal_hold = hold
    core.record(case, Verb.LEGAL_HOLD_CHANGED, actor=actor, legal_hold=hold, reason=reason.strip())
    return case


def can_delete_case(user: User) -> bool:
    """Deleting a case is a manager's decision."""
    return is_manager(user)


def deletion_blockers(case: Case) -> list[str]:
    """Why a case's records must not be deleted now (s77: records within an open request)."""
    blockers: list[str] = []
    if case.legal_hold:
        blockers.append("The case is on legal hold.")
    if case.is_open:
        blockers.append("The request is still open.")
    if case.internal_reviews.open().exists():
        blockers.append("An internal review is open.")
    if retention.ico_still_running(case):
        blockers.append("An ICO complaint or tribunal appeal is open or may still be appealed.")
    return blockers


@transaction.atomic
def delete_case(case: Case, *, actor: User, reason: str) -> None:
    """Delete a case and everything under it, unless s77 or a legal hold forbids it.

    Its audit trail goes with it, so the deletion is logged to the audit logger instead.
    """
    core.require(can_delete_case(actor), "Only a manager can delete a case.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    blockers = deletion_blockers(case)
    if blockers:
        raise ValidationError(["This case cannot be deleted.", *blockers])
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is deleted."})
    reference = case.reference
    for letter in case.letters.exclude(pdf=""):
        core.delete_file_after_commit(letter.pdf.name)
    days = daily.days_of(Case.objects.filter(pk=case.pk))
    case.delete()
    daily.refresh(days)  # the day's figures no longer count it
    audit_log.warning("Case %s deleted by %s: %s", reference, actor.get_username(), reason.strip())


def _anonymise_requester(case: Case, now: dt.datetime) -> None:
    """Remove the requester's identity; a person with other live cases keeps their row."""
    person = case.requester
    shared = (
        Case.objects.filter(requester=person, anonymised_at__isnull=True)
        .exclude(pk=case.pk)
        .exists()
    )
    blank = {"name": ANONYMISED_NAME, "email": "", "postal_address": "", "anonymised_at": now}
    if shared:
        stand_in = Requester.objects.create(requester_type=person.requester_type, **blank)
        Case.objects.filter(pk=case.pk).update(requester=stand_in)
        case.requester = stand_in
    elif person.anonymised_at is None:
        Requester.objects.filter(pk=person.pk).update(**blank)


@transaction.atomic
def anonymise_case(
    case: Case, *, actor: User | None = None, now: dt.datetime | None = None
) -> bool:
    """Remove personal data from a case whose retention period has expired; safe to re-run.

    1. Lock the case; stop if it is already anonymised, on legal hold, or not yet expired.
    2. Remove the requester's identity and the free text that may hold personal data:
       title, request, question and answer texts, notes, letters (and their PDFs), review
       grounds. Statistics stay: status, outcome, dates, regime, topics, held status,
       question outcomes, exemption citations, requester type.
    3. Stamp `anonymised_at` with a conditional UPDATE and write one ANONYMISED event.
    """
    now = now or timezone.now()
    case = Case.objects.select_for_update().select_related("requester").get(pk=case.pk)
    if case.anonymised_at is not None:
        return False
    if case.legal_hold:
        raise ValidationError("This case is on legal hold, so it cannot be anonymised.")
    expires = retention.retention_expires_on(case)
    if expires is None or expires > timezone.localtime(now).date():
        raise ValidationError("This case's retention period has not expired.")
    _anonymise_requester(case, now)
    questions = Question.objects.filter(case=case).update(text=REMOVED_TEXT, answer_text="")
    ClockEvent.objects.filter(case=case).exclude(note="").update(note="")
    for letter in Letter.objects.filter(case=case):
        if letter.pdf:
            core.delete_file_after_commit(letter.pdf.name)
    letters = Letter.objects.filter(case=case).update(
        body=REMOVED_TEXT, frame={}, sent_note="", pdf="", override_reason=""
    )
    InternalReview.objects.filter(case=case).update(grounds="", outcome_reasons="")
    # Reviewers' comments may quote the request; the decisions themselves are kept.
    ReviewComment.objects.filter(review__case=case).update(text=REMOVED_TEXT)
    # Notification texts quote the case's title, which may name the requester.
    case.notifications.update(message=f"Case {case.reference}")
    for event in CaseEvent.objects.filter(case=case):
        if any(key in event.data for key in ("note", "reason")):
            data = {k: v for k, v in event.data.items() if k not in ("note", "reason")}
            CaseEvent.objects.filter(pk=event.pk).update(data={**data, "removed": True})
    updated = Case.objects.filter(pk=case.pk, anonymised_at__isnull=True).update(
        anonymised_at=now,
        title=f"Anonymised request {case.reference}"[:200],
        request_text=REMOVED_TEXT,
        cost_estimate_notes="",
        updated_at=now,
    )
    if updated != 1:
        raise ConcurrentUpdate("The case was anonymised a moment ago.")
    case.anonymised_at = now
    core.record(
        case,
        Verb.ANONYMISED,
        actor=actor,
        retention_expired_on=expires.isoformat(),
        questions=questions,
        letters=letters,
    )
    return True
