"""Letters: a letter is composed (a new version), edited, approved by a reviewer who did not
write it (approval is bound to the sha256 of the exact text), rendered to PDF by a Celery
task, and recorded as sent. Sending the final response moves the case to RESPONDED and
stops the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from foi_cases import letters, notifications, outbox
from foi_cases.consistency import ledger
from foi_cases.models import Case, CaseEvent, Letter, LetterSettings
from foi_cases.permissions import (
    can_edit_case,
    is_manager,
    is_reviewer,
    may_review,
    may_second_approve,
)
from foi_cases.workflow import core, team
from foi_cases.workflow.core import ConcurrentUpdate, InvalidTransition

Status = Case.Status
Verb = CaseEvent.Verb
User = User


def _locked_letter(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update()
        .select_related("case", "case__requester")
        .get(pk=letter.pk)
    )


def _letter_data(letter: Letter, **extra: Any) -> dict[str, Any]:
    return {"letter": letter.pk, "kind": letter.kind, "version": letter.version, **extra}


def _dispatch_render(letter_id: int) -> None:
    """Queue the PDF in the outbox with the approval; it is sent after the commit.

    With the broker down the letter stays PENDING and the approval still succeeds: the
    outbox sweep sends the job once the broker is back.
    """
    outbox.enqueue(
        "foi_cases.tasks.generate_letter_pdf", letter_id, dedupe_key=f"render-letter:{letter_id}"
    )


def composable_kinds(case: Case, user: User) -> list[tuple[str, str]]:
    """The kinds of letter `user` can compose on the case now, as (kind, label)."""
    if not can_edit_case(user, case):
        return []
    kinds = []
    for kind, label in Letter.Kind.choices:
        if kind == Letter.Kind.FINAL_RESPONSE:
            if case.status != Status.APPROVED:
                continue
        elif kind != Letter.Kind.INTERNAL_REVIEW and not case.is_open:
            continue
        kinds.append((kind, label))
    return kinds


@transaction.atomic
def compose_letter(case: Case, *, actor: User, kind: str) -> Letter:
    """Compose a new version of a letter from the case as it stands."""
    if kind not in Letter.Kind.values:
        raise ValidationError("There is no such kind of letter.")
    if kind == Letter.Kind.FINAL_RESPONSE:
        if case.status != Status.APPROVED:
            current = Status(case.status).label.lower()
            raise InvalidTransition(
                f"The final response is composed once the decisions are approved; this case is "
                f"{current}."
            )
        if not letters.decisions_approved(case):
            raise InvalidTransition("A reviewer must approve the decisions first.")
    elif kind != Letter.Kind.INTERNAL_REVIEW and not case.is_open:
        raise InvalidTransition("This case has been responded to; only a review letter can follow.")
    composition = letters.compose(case, kind)
    latest = Letter.objects.filter(case=case, kind=kind).order_by("-version").first()
    try:
        with transaction.atomic():
            letter = Letter.objects.create(
                case=case,
                kind=kind,
                version=(latest.version + 1) if latest else 1,
                dated=timezone.localdate(),
                frame=letters.frame_for(case, LetterSettings.load()),
                body=composition.body,
                decisions_hash=composition.decisions_hash,
                composed_from=letters.composed_from(case, kind),
                composed_by=actor,
            )
    except IntegrityError as exc:
        raise ConcurrentUpdate(
            "Someone composed this letter a moment ago. Reload the page to see it."
        ) from exc
    core.record(
        case, Verb.LETTER_COMPOSED, actor=actor, **_letter_data(letter, hash=letter.content_hash)
    )
    return letter


@transaction.atomic
def edit_letter(
    letter: Letter, *, actor: User, body: str, dated: dt.date, seen_hash: str
) -> Letter:
    """Change a letter's text; an edit after approval withdraws the approval and its PDF."""
    letter = _locked_letter(letter)
    if letter.is_sent:
        raise InvalidTransition("This letter has been sent. Compose a new version instead.")
    if seen_hash != letter.content_hash:
        raise ConcurrentUpdate(
            "Someone changed this letter after you opened it. Reload the page, then make your "
            "change again."
        )
    body = letters.normalise_body(body)
    if not body:
        raise ValidationError({"body": "Enter the text of the letter."})
    if len(body) > letters.MAX_BODY_CHARACTERS:
        raise ValidationError(
            {"body": f"The letter must be at most {letters.MAX_BODY_CHARACTERS:,} characters."}
        )
    if body == letter.body and dated == letter.dated:
        return letter
    withdrawn = bool(letter.approved_hash)
    core.delete_file_after_commit(letter.pdf.name)
    letter.body, letter.dated = body, dated
    letter.edited_by, letter.edited_at = actor, timezone.now()
    letter.status = Letter.Status.DRAFT
    letter.reviewed_by, letter.reviewed_at = None, None
    letter.approved_by, letter.approved_at, letter.approved_hash = None, None, ""
    letter.override_reason, letter.overridden_problems, letter.failure_reason = "", [], ""
    letter.pdf, letter.pdf_sha256, letter.pdf_pages, letter.pdf_size = "", "", None, None
    letter.rendered_at = None
    letter.save()
    verb = Verb.APPROVAL_WITHDRAWN if withdrawn else Verb.LETTER_COMPOSED
    core.record(
        letter.case,
        verb,
        actor=actor,
        **_letter_data(letter, edited=True, hash=letter.content_hash),
    )
    return letter


@transaction.atomic
def submit_letter_for_review(
    letter: Letter, *, actor: User, reviewer: User | None = None
) -> Letter:
    """Send a draft letter for approval: to a chosen reviewer, or to the review queue.

    A chosen reviewer must be independent of the letter and the decisions behind it, and
    joins a restricted case's team.
    """
    letter = _locked_letter(letter)
    case = letter.case
    if not can_edit_case(actor, case):
        raise PermissionDenied(
            "Only the case's officer or a manager can send a letter for approval."
        )
    if letter.status != Letter.Status.DRAFT or letter.is_sent:
        raise InvalidTransition("Only a draft letter can be sent for approval.")
    if letter.waits_for_review:
        raise InvalidTransition("This letter is already waiting for approval.")
    letter.submitted_by, letter.submitted_at = actor, timezone.now()
    letter.returned_by, letter.returned_at, letter.return_comments = None, None, ""
    letter.needs_manager_approval = case.needs_manager_clearance
    letter.reviewer = None
    if reviewer is not None:
        team.check_allocation(case, actor=actor, reviewer=reviewer, work=letter, at_submission=True)
        letter.reviewer = reviewer
    letter.save()
    core.record(
        case,
        Verb.LETTER_SUBMITTED,
        actor=actor,
        **_letter_data(
            letter,
            hash=letter.content_hash,
            reviewer=reviewer.get_username() if reviewer else None,
            added_to_team=bool(reviewer and team.join_if_restricted(case, reviewer)),
            needs_manager_approval=letter.needs_manager_approval,
        ),
    )
    notifications.notify_letter_waiting(letter, actor=actor)
    return letter


def _refuse_letter_reviewer(letter: Letter, actor: User) -> None:
    """At the reviewer's stage: an independent reviewer, the allocated one if any."""
    if not is_reviewer(actor):
        raise PermissionDenied("Only a reviewer can approve or return a letter.")
    if not may_review(actor, letter.case, work=letter):
        raise ValidationError(
            "You composed or edited this letter, wrote the decisions behind it or are the "
            "case's officer, so another reviewer must approve it."
        )
    if letter.reviewer_id not in (None, actor.pk):
        raise ValidationError(
            "This letter is allocated to another reviewer; a manager can reallocate it."
        )


def _refuse_letter_second_approver(letter: Letter, actor: User) -> None:
    if not is_manager(actor):
        raise PermissionDenied("This restricted case's letter needs a manager's second approval.")
    if not may_second_approve(
        actor, letter.case, work=letter, first_approver_id=letter.reviewed_by_id
    ):
        raise ValidationError(
            "You took part in this letter, its decisions or its first approval, so another "
            "manager must give the second approval."
        )


def may_act_on_letter(user: User, letter: Letter) -> bool:
    """Whether `approve_letter` and `return_letter` would let this user act on the letter now."""
    if letter.is_sent or letter.status not in (Letter.Status.DRAFT, Letter.Status.AWAITING_MANAGER):
        return False
    try:
        if letter.status == Letter.Status.AWAITING_MANAGER:
            _refuse_letter_second_approver(letter, user)
        else:
            _refuse_letter_reviewer(letter, user)
    except (PermissionDenied, ValidationError):
        return False
    return letter.status == Letter.Status.AWAITING_MANAGER or letter.returned_at is None


@transaction.atomic
def approve_letter(
    letter: Letter, *, actor: User, seen_hash: str, override_reason: str = ""
) -> Letter:
    """Approve the exact text the reviewer read, then render its PDF after the commit.

    1. Only an independent reviewer (`permissions.may_review`; the allocated one, if any)
       may approve a draft. A letter returned for redraft must be sent again first.
    2. The text must be the one the reviewer saw (its sha256), and a final response must
       still match the approved decisions.
    3. The s17 completeness check must pass, or the reviewer records why it is overridden.
    4. On a restricted case needing manager clearance the reviewer's approval waits for a
       manager's second approval (AWAITING_MANAGER), and only that renders the PDF.
    """
    letter = _locked_letter(letter)
    if letter.is_sent or letter.status not in (Letter.Status.DRAFT, Letter.Status.AWAITING_MANAGER):
        raise InvalidTransition("This letter is already approved.")
    second = letter.status == Letter.Status.AWAITING_MANAGER
    if second:
        _refuse_letter_second_approver(letter, actor)
    else:
        _refuse_letter_reviewer(letter, actor)
        if letter.returned_at is not None:
            raise InvalidTransition(
                "This letter was returned for redraft: the officer must send it for approval again."
            )
    if seen_hash != letter.content_hash:
        raise ConcurrentUpdate(
            "The letter changed after you opened it. Read the new version, then approve it."
        )
    stale = letters.stale_reason(letter)
    if stale:
        raise InvalidTransition(stale)
    problems = letters.check_letter(letter)
    override_reason = override_reason.strip()
    if second:
        problems, override_reason = letter.overridden_problems, letter.override_reason
    elif problems and not override_reason:
        raise ValidationError(
            ["Fix these before approval, or give a reason to approve anyway:", *problems]
        )
    needs_manager = letter.needs_manager_approval or (
        letter.submitted_at is None and letter.case.needs_manager_clearance
    )
    final = second or not needs_manager
    now = timezone.now()
    if final:
        letter.status = Letter.Status.PENDING
        letter.approved_by, letter.approved_at = actor, now
        letter.approved_hash = letter.content_hash
    else:
        letter.status = Letter.Status.AWAITING_MANAGER
        letter.reviewed_by, letter.reviewed_at = actor, now
        letter.needs_manager_approval = True
    letter.override_reason = override_reason if problems else ""
    letter.overridden_problems = problems
    letter.failure_reason = ""
    letter.save()
    core.record(
        letter.case,
        Verb.LETTER_APPROVED,
        actor=actor,
        **_letter_data(
            letter,
            hash=letter.content_hash,
            stage="manager" if second else "reviewer",
            final=final,
            overridden=problems,
            override_reason=letter.override_reason,
        ),
    )
    if letter.submitted_at is not None:
        # Who sent it for approval hears back; a letter approved straight from its page
        # (never sent to the queue) has no one waiting on it.
        notifications.notify_letter_approved(letter, actor=actor, final=final)
    if final:
        _dispatch_render(letter.pk)
    return letter


@transaction.atomic
def return_letter(letter: Letter, *, actor: User, comments: str, seen_hash: str) -> Letter:
    """Send a letter back to the officer for redraft, saying what to change."""
    letter = _locked_letter(letter)
    if letter.is_sent or letter.status not in (Letter.Status.DRAFT, Letter.Status.AWAITING_MANAGER):
        raise InvalidTransition("Only a letter waiting for approval can be returned.")
    if letter.status == Letter.Status.AWAITING_MANAGER:
        _refuse_letter_second_approver(letter, actor)
    else:
        _refuse_letter_reviewer(letter, actor)
        if not letter.waits_for_review:
            raise InvalidTransition("This letter is not waiting for approval.")
    if not comments.strip():
        raise ValidationError({"comments": "Say what needs redrafting."})
    if seen_hash != letter.content_hash:
        raise ConcurrentUpdate(
            "The letter changed after you opened it. Read the new version first."
        )
    letter.status = Letter.Status.DRAFT
    letter.reviewed_by, letter.reviewed_at = None, None
    letter.returned_by, letter.returned_at = actor, timezone.now()
    letter.return_comments = comments.strip()
    letter.save()
    core.record(
        letter.case,
        Verb.LETTER_RETURNED,
        actor=actor,
        **_letter_data(letter, comments=letter.return_comments, hash=letter.content_hash),
    )
    notifications.notify_letter_returned(letter, actor=actor)
    return letter


@transaction.atomic
def retry_letter_render(letter: Letter, *, actor: User) -> Letter:
    """Queue a failed PDF again; the render's own event records how it went."""
    letter = _locked_letter(letter)
    if letter.status != Letter.Status.FAILED or not letter.is_approved:
        raise InvalidTransition("Only an approved letter whose PDF failed can be tried again.")
    letter.status = Letter.Status.PENDING
    letter.save(update_fields=["status"])
    _dispatch_render(letter.pk)
    return letter


def record_letter_rendered(letter_id: int, *, pdf: Any) -> bool:
    """Store an approved letter's PDF and record it; False if another run already did.

    `pdf` is a letters.RenderedPdf. The row lock and the status check make a second run (a
    redelivered task) a no-op, and the stable file name means a crashed run is overwritten.
    """
    with transaction.atomic():
        letter = (
            Letter.objects.select_for_update()
            .select_related("case")
            .filter(pk=letter_id, status=Letter.Status.PENDING)
            .first()
        )
        if letter is None or not letter.is_approved:
            return False
        name = letters.pdf_name(letter, pdf.sha256)
        if default_storage.exists(name):
            default_storage.delete(name)
        letter.pdf.name = default_storage.save(name, ContentFile(pdf.data))
        letter.pdf_sha256, letter.pdf_pages, letter.pdf_size = pdf.sha256, pdf.pages, pdf.size
        letter.rendered_at = timezone.now()
        letter.status = Letter.Status.READY
        letter.failure_reason = ""
        letter.save()
        core.record(
            letter.case,
            Verb.LETTER_RENDERED,
            actor=None,
            **_letter_data(letter, sha256=pdf.sha256, pages=pdf.pages, size=pdf.size),
        )
    return True


@transaction.atomic
def record_letter_failed(letter_id: int, *, reason: str) -> bool:
    """Mark a letter's PDF as failed with the reason, so an officer can retry it."""
    letter = (
        Letter.objects.select_for_update()
        .select_related("case")
        .filter(pk=letter_id, status=Letter.Status.PENDING)
        .first()
    )
    if letter is None:
        return False
    letter.status = Letter.Status.FAILED
    letter.failure_reason = reason[:2000]
    letter.save(update_fields=["status", "failure_reason"])
    core.record(
        letter.case, Verb.LETTER_FAILED, actor=None, **_letter_data(letter, reason=reason[:500])
    )
    return True


@transaction.atomic
def record_letter_sent(
    letter: Letter, *, actor: User, sent_at: dt.datetime, via: str, note: str = ""
) -> Letter:
    """Record when and how a letter went out; the final response moves the case to RESPONDED."""
    letter = _locked_letter(letter)
    case = letter.case
    if letter.is_sent:
        sent_on = timezone.localtime(letter.sent_at)
        raise InvalidTransition(f"This letter was already recorded as sent on {sent_on:%d %B %Y}.")
    if letter.status != Letter.Status.READY or not letter.is_approved:
        raise InvalidTransition("Only an approved letter with its PDF ready can be sent.")
    stale = letters.stale_reason(letter)
    if stale:
        raise InvalidTransition(stale)
    if via not in Letter.Via.values:
        raise ValidationError({"via": "Choose how the letter was sent."})
    if timezone.is_naive(sent_at):
        raise ValidationError({"sent_at": "Give the time the letter was sent."})
    if sent_at > timezone.now():
        raise ValidationError({"sent_at": "The date sent cannot be in the future."})
    if letter.approved_at and sent_at < letter.approved_at.replace(second=0, microsecond=0):
        raise ValidationError({"sent_at": "The letter cannot be sent before it was approved."})
    if letter.kind == Letter.Kind.FINAL_RESPONSE:
        fields: dict[str, Any] = {"responded_at": sent_at}
        if not case.outcome:
            fields["outcome"] = letters.case_outcome(letters.answers_for(case))
        core.move(case, Status.RESPONDED, action="send the final response for", **fields)
        ledger.record_positions(case, on=timezone.localtime(sent_at).date())
    letter.sent_at, letter.sent_via, letter.sent_by = sent_at, via, actor
    letter.sent_note = note.strip()[:500]
    letter.save(update_fields=["sent_at", "sent_via", "sent_by", "sent_note"])
    core.record(
        case,
        Verb.RESPONSE_SENT,
        actor=actor,
        **_letter_data(letter, via=via, sent_at=sent_at.isoformat(), sha256=letter.pdf_sha256),
    )
    return letter
