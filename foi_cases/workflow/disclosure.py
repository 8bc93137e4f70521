"""The disclosure log and redaction: prepare, edit, redact, validate and publish entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from exemptions.models import Exemption, ExemptionCitation
from foi_cases import redaction
from foi_cases.models import Case, CaseEvent, DisclosureLogEntry, Letter, Redaction, Topic
from foi_cases.permissions import can_edit_case, can_manage_disclosure_log
from foi_cases.release import bundle as release_bundle
from foi_cases.workflow import core
from foi_cases.workflow.core import ConcurrentUpdate, InvalidTransition
from foi_cases.workflow.letters import edit_letter

Status = Case.Status
Verb = CaseEvent.Verb
User = User
EntryStatus = DisclosureLogEntry.Status


def _identity(case: Case) -> dict[str, str]:
    person = case.requester
    return {"name": person.name, "email": person.email, "address": person.postal_address}


def _clean(case: Case, text: str) -> str:
    return redaction.remove_identity(text, **_identity(case)).text


def _warnings(*texts: str) -> list[dict[str, str]]:
    found: dict[tuple[str, str], dict[str, str]] = {}
    for text in texts:
        for finding in redaction.find_personal_data(text):
            found.setdefault(
                (finding.kind, finding.value.lower()),
                {"kind": finding.kind, "label": finding.label, "value": finding.value},
            )
    return list(found.values())


def naming_reveals_for(case: Case) -> bool:
    """Whether the case says stating an exemption would itself disclose information (s17(4))."""
    return ExemptionCitation.objects.filter(question__case=case, omit_reasons=True).exists()


def _public_exemptions(case: Case) -> list[Any]:
    """The exemptions applied, leaving out any the case says must not be named."""
    return list(
        Exemption.objects.filter(
            citations__question__case=case, citations__omit_reasons=False
        ).distinct()
    )


def _response_letter(case: Case) -> Letter | None:
    letters = Letter.objects.filter(case=case, kind=Letter.Kind.FINAL_RESPONSE)
    return letters.filter(sent_at__isnull=False).order_by("-version").first() or (
        letters.order_by("-version").first()
    )


def _answers_text(case: Case) -> str:
    parts = []
    for question in case.questions.order_by("number"):
        parts.append(f"{question.number}. {question.text}")
        if question.answer_text:
            parts.append(question.answer_text)
    return "\n\n".join(parts)


def _can_manage_log(actor: User) -> None:
    core.require(
        can_manage_disclosure_log(actor),
        "Only a manager can prepare or publish disclosure log entries.",
    )


@transaction.atomic
def prepare_disclosure_entry(case: Case, *, actor: User, title: str = "") -> DisclosureLogEntry:
    """Draft a log entry from a responded case, with the requester's identity removed."""
    _can_manage_log(actor)
    if case.responded_at is None or case.status not in (Status.RESPONDED, Status.CLOSED):
        raise InvalidTransition("A disclosure log entry is prepared from a responded case.")
    if case.anonymised_at is not None:
        raise InvalidTransition("This case has been anonymised.")
    if DisclosureLogEntry.objects.filter(case=case).exists():
        raise InvalidTransition("This case already has a disclosure log entry.")
    letter = _response_letter(case)
    response = letter.body if letter else _answers_text(case)
    entry = DisclosureLogEntry(
        case=case,
        title=_clean(case, title.strip() or case.title)[:200],
        request_text=_clean(case, case.request_text),
        response_text=_clean(case, response),
        response_letter=letter,
        disclosed_on=core.response_date(case) or timezone.localdate(),
        prepared_by=actor,
    )
    entry.warnings = _warnings(entry.title, entry.request_text, entry.response_text)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ConcurrentUpdate("Someone prepared an entry for this case a moment ago.") from exc
    entry.topics.set(case.topics.all())
    entry.exemptions.set(_public_exemptions(case))
    core.record(
        case, Verb.DISCLOSURE_PREPARED, actor=actor, entry=entry.pk, warnings=len(entry.warnings)
    )
    return entry


def _locked_entry(entry: DisclosureLogEntry) -> DisclosureLogEntry:
    return (
        DisclosureLogEntry.objects.select_for_update()
        .select_related("case", "case__requester")
        .get(pk=entry.pk)
    )


def _editable(entry: DisclosureLogEntry) -> None:
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.AWAITING_VALIDATION):
        current = EntryStatus(entry.status).label.lower()
        raise InvalidTransition(f"This entry is {current}; return it to draft to change it.")


@transaction.atomic
def edit_disclosure_entry(
    entry: DisclosureLogEntry,
    *,
    actor: User,
    title: str,
    request_text: str,
    response_text: str,
    disclosed_on: dt.date,
    topics: Iterable[Topic],
    exemptions: Iterable[Any],
) -> DisclosureLogEntry:
    """Change an entry's texts; the requester's identity is removed again on every save.

    An edit to an entry awaiting validation returns it to draft.
    """
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    _editable(entry)
    case = entry.case
    if not title.strip():
        raise ValidationError({"title": "Enter a title."})
    if not request_text.strip():
        raise ValidationError({"request_text": "Enter the request."})
    core.check_not_future(disclosed_on, "disclosed_on")
    entry.title = _clean(case, title.strip())[:200]
    entry.request_text = _clean(case, request_text.strip())
    entry.response_text = _clean(case, response_text.strip())
    entry.disclosed_on = disclosed_on
    entry.warnings = _warnings(entry.title, entry.request_text, entry.response_text)
    entry.edited_by = actor
    entry.status = EntryStatus.DRAFT
    entry.submitted_at = None
    entry.save()
    entry.topics.set(topics)
    entry.exemptions.set(exemptions)
    core.record(
        case, Verb.DISCLOSURE_EDITED, actor=actor, entry=entry.pk, warnings=len(entry.warnings)
    )
    return entry


@transaction.atomic
def redact_disclosure_text(
    entry: DisclosureLogEntry,
    *,
    actor: User,
    field: str,
    passage: str,
    grounds: str,
    reason: str,
    naming_reveals: bool = False,
) -> Redaction:
    """Burn a redaction into an entry's text and log who, what (by hash), when and why.

    Every occurrence of the passage is replaced by `[Redacted: <grounds>]`, or by
    `[Redacted]` where the case (or the redactor) says naming the exemption would itself
    disclose information. Neither the log row nor the audit event holds the passage.
    """
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    _editable(entry)
    if field not in Redaction.Field.values:
        raise ValidationError({"field": "Choose the request or the response text."})
    grounds = " ".join(grounds.split())
    if not grounds:
        raise ValidationError({"grounds": "Give the grounds, e.g. s31(1)(a)."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this is redacted."})
    if not passage.strip():
        raise ValidationError({"passage": "Enter the passage to redact."})
    hidden = naming_reveals or naming_reveals_for(entry.case)
    text, count = redaction.redact_passage(
        getattr(entry, field), passage, grounds=grounds, naming_reveals=hidden
    )
    if count == 0:
        raise ValidationError({"passage": "That passage is not in the text."})
    setattr(entry, field, text)
    entry.warnings = _warnings(entry.title, entry.request_text, entry.response_text)
    entry.edited_by = actor
    entry.status, entry.submitted_at = EntryStatus.DRAFT, None
    entry.save()
    row = Redaction.objects.create(
        entry=entry,
        field=field,
        content_sha256=redaction.content_hash(passage.strip()),
        length=len(passage.strip()),
        occurrences=count,
        grounds=grounds,
        naming_reveals=hidden,
        reason=reason.strip(),
        created_by=actor,
    )
    core.record(
        entry.case,
        Verb.REDACTED,
        actor=actor,
        entry=entry.pk,
        redaction=row.pk,
        field=field,
        grounds=grounds,
        naming_reveals=hidden,
        occurrences=count,
        sha256=row.content_sha256,
    )
    return row


@transaction.atomic
def redact_letter(
    letter: Letter,
    *,
    actor: User,
    passage: str,
    grounds: str,
    reason: str,
    naming_reveals: bool = False,
) -> Redaction:
    """Burn a redaction into an unsent letter's text, so neither it nor its PDF holds it.

    The change goes through the letters pipeline's `edit_letter`, which withdraws any
    approval (the new text needs a reviewer's approval and a new PDF) and records the edit;
    this records the redaction: who, what (by hash), when and why.
    """
    letter = Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)
    core.require(
        can_edit_case(actor, letter.case), "Only the case's officer or a manager can redact."
    )
    if letter.is_sent:
        raise InvalidTransition("This letter has been sent. Compose a new version instead.")
    grounds = " ".join(grounds.split())
    if not grounds:
        raise ValidationError({"grounds": "Give the grounds, e.g. s31(1)(a)."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this is redacted."})
    if not passage.strip():
        raise ValidationError({"passage": "Enter the passage to redact."})
    hidden = naming_reveals or naming_reveals_for(letter.case)
    body, count = redaction.redact_passage(
        letter.body, passage, grounds=grounds, naming_reveals=hidden
    )
    if count == 0:
        raise ValidationError({"passage": "That passage is not in the letter."})
    edit_letter(letter, actor=actor, body=body, dated=letter.dated, seen_hash=letter.content_hash)
    row = Redaction.objects.create(
        letter=letter,
        field=Redaction.Field.BODY,
        content_sha256=redaction.content_hash(passage.strip()),
        length=len(passage.strip()),
        occurrences=count,
        grounds=grounds,
        naming_reveals=hidden,
        reason=reason.strip(),
        created_by=actor,
    )
    core.record(
        letter.case,
        Verb.REDACTED,
        actor=actor,
        letter=letter.pk,
        redaction=row.pk,
        field=row.field,
        grounds=grounds,
        naming_reveals=hidden,
        occurrences=count,
        sha256=row.content_sha256,
    )
    return row


def identity_problems(entry: DisclosureLogEntry) -> list[str]:
    """What stops publication outright: any trace of the requester's identity."""
    if entry.case.anonymised_at is not None:
        return []
    who = _identity(entry.case)
    labels = {"title": "title", "request_text": "request", "response_text": "response"}
    return [
        f"The {label} still contains the requester's name, e-mail address or address."
        for name, label in labels.items()
        if redaction.identity_remaining(getattr(entry, name), **who)
    ]


def _move_entry(entry: DisclosureLogEntry, to: str, *, frm: Sequence[str], **fields: Any) -> None:
    updated = DisclosureLogEntry.objects.filter(pk=entry.pk, status__in=frm).update(
        status=to, **fields
    )
    if updated != 1:
        raise ConcurrentUpdate("Someone changed this entry a moment ago. Reload the page.")
    entry.status = to
    for name, value in fields.items():
        setattr(entry, name, value)


@transaction.atomic
def submit_disclosure_entry(entry: DisclosureLogEntry, *, actor: User) -> DisclosureLogEntry:
    """Send a draft for validation by a second manager."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    if entry.status != EntryStatus.DRAFT:
        raise InvalidTransition("Only a draft can be sent for validation.")
    problems = identity_problems(entry)
    if problems:
        raise ValidationError(problems)
    _move_entry(
        entry, EntryStatus.AWAITING_VALIDATION, frm=[EntryStatus.DRAFT], submitted_at=timezone.now()
    )
    core.record(entry.case, Verb.DISCLOSURE_SUBMITTED, actor=actor, entry=entry.pk)
    return entry


def entry_authors(entry: DisclosureLogEntry) -> set[int]:
    authors = {entry.prepared_by_id, entry.edited_by_id}
    authors.update(entry.redactions.values_list("created_by_id", flat=True))
    return {pk for pk in authors if pk is not None}


@transaction.atomic
def publish_disclosure_entry(
    entry: DisclosureLogEntry, *, actor: User, warnings_checked: bool = False
) -> DisclosureLogEntry:
    """Validate and publish: a second manager, who neither prepared, edited nor redacted it."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    if entry.status != EntryStatus.AWAITING_VALIDATION:
        raise InvalidTransition("Only an entry awaiting validation can be published.")
    if actor.pk in entry_authors(entry):
        raise ValidationError(
            "You prepared, edited or redacted this entry, so another manager must validate it."
        )
    problems = identity_problems(entry)
    bundle = release_bundle.published_bundle(entry.case)
    if bundle is not None and entry.case.anonymised_at is None:
        if redaction.identity_remaining(release_bundle.text_of(bundle), **_identity(entry.case)):
            problems.append(
                "The release bundle contains the requester's name, e-mail address or address."
            )
    if problems:
        raise ValidationError(problems)
    if entry.warnings and not warnings_checked:
        raise ValidationError(
            {"warnings_checked": "Confirm you have checked each possible item of personal data."}
        )
    now = timezone.now()
    _move_entry(
        entry,
        EntryStatus.PUBLISHED,
        frm=[EntryStatus.AWAITING_VALIDATION],
        validated_by=actor,
        published_at=now,
        release_bundle=bundle,
    )
    core.record(
        entry.case,
        Verb.DISCLOSURE_PUBLISHED,
        actor=actor,
        entry=entry.pk,
        **({"release_bundle": bundle.pk} if bundle else {}),
    )
    return entry


@transaction.atomic
def withhold_disclosure_entry(
    entry: DisclosureLogEntry, *, actor: User, reason: str
) -> DisclosureLogEntry:
    """Keep an entry off the public log (or take it down), recording why."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    if entry.status == EntryStatus.WITHHELD:
        raise InvalidTransition("This entry is already withheld.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the entry is withheld."})
    previous = entry.status
    _move_entry(
        entry,
        EntryStatus.WITHHELD,
        frm=[previous],
        withheld_reason=reason.strip(),
        withheld_by=actor,
        withheld_at=timezone.now(),
    )
    core.record(
        entry.case, Verb.DISCLOSURE_WITHHELD, actor=actor, entry=entry.pk, previous=previous
    )
    return entry


@transaction.atomic
def return_disclosure_entry(entry: DisclosureLogEntry, *, actor: User) -> DisclosureLogEntry:
    """Bring a withheld entry, or one awaiting validation, back to draft."""
    _can_manage_log(actor)
    entry = _locked_entry(entry)
    frm = [EntryStatus.WITHHELD, EntryStatus.AWAITING_VALIDATION]
    if entry.status not in frm:
        raise InvalidTransition("Only a withheld entry or one awaiting validation can return.")
    previous = entry.status
    _move_entry(entry, EntryStatus.DRAFT, frm=frm, submitted_at=None, edited_by=actor)
    core.record(entry.case, Verb.DISCLOSURE_EDITED, actor=actor, entry=entry.pk, returned=previous)
    return entry
