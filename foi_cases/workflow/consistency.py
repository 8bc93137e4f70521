"""The consistency guard's changes: correcting what a question mentions, overriding a
blocking finding at approval, and maintaining the register (every change audited)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from exemptions.permissions import can_review
from foi_cases import approval
from foi_cases.consistency import ledger
from foi_cases.models import (
    Case,
    CaseEvent,
    CircumstanceChange,
    ConsistencyOverride,
    Mention,
    ProtectedPerson,
    ProtectedPlace,
    Question,
    RegisterChange,
    SecurityAttribute,
)
from foi_cases.permissions import can_edit_case, is_manager
from foi_cases.workflow import core, decisions

Verb = CaseEvent.Verb
User = User
CSV_COLUMNS = ("kind", "name", "type", "constituency", "aliases", "address", "postcode", "person")


@transaction.atomic
def correct_mentions(
    question: Question,
    *,
    actor: User,
    remove: Iterable[int] = (),
    people: Iterable[ProtectedPerson] = (),
    places: Iterable[ProtectedPlace] = (),
    attributes: Iterable[SecurityAttribute] = (),
    change_of_circumstances: str | None = None,
) -> Question:
    """Keep the officer's correction of what the question mentions (recognition won't undo it)."""
    case = question.case
    core.require(can_edit_case(actor, case), "Only the people working on this case can correct it.")
    removed = list(
        Mention.objects.filter(question=question, pk__in=list(remove), removed=False).values_list(
            "pk", flat=True
        )
    )
    Mention.objects.filter(pk__in=removed, by_officer=True).delete()
    Mention.objects.filter(pk__in=removed).update(removed=True)
    added = []
    for field, entries in (("person", people), ("place", places), ("attribute", attributes)):
        for entry in entries:
            existing = Mention.objects.filter(question=question, **{field: entry}).first()
            if existing is not None and not existing.removed:
                continue
            if existing is not None:
                existing.delete()
            Mention.objects.create(question=question, by_officer=True, **{field: entry})
            added.append(f"{field}:{entry.pk}")
    note_changed = False
    if change_of_circumstances is not None:
        note = change_of_circumstances.strip()
        current = CircumstanceChange.objects.filter(question=question).first()
        if note and (current is None or current.note != note):
            CircumstanceChange.objects.update_or_create(
                question=question, defaults={"note": note, "recorded_by": actor}
            )
            note_changed = True
        elif not note and current is not None:
            current.delete()
            note_changed = True
    if not (removed or added or note_changed):
        raise ValidationError("Nothing was changed.")
    core.record(
        case,
        Verb.MENTIONS_CORRECTED,
        actor=actor,
        question=question.number,
        removed=len(removed),
        added=added,
        change_of_circumstances=note_changed,
    )
    return question


@transaction.atomic
def override_consistency(case: Case, *, actor: User, reason: str) -> ConsistencyOverride:
    """A reviewer records why the decisions may be approved despite blocking findings."""
    decisions.lock_case(case)
    review = approval.current_review(case)
    if case.status != Case.Status.IN_REVIEW or review is None:
        raise core.InvalidTransition("Only decisions in review can have a finding overridden.")
    if not can_review(actor, case):
        raise decisions.NotAllowed("Only a reviewer who wrote none of the decisions can override.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the answer may stand despite the finding."})
    findings = ledger.as_json(ledger.blocking(case))
    if not findings:
        raise ValidationError("There is no blocking finding to override.")
    override = ConsistencyOverride.objects.create(
        case=case, review_round=review.round, reason=reason.strip(), findings=findings, by=actor
    )
    core.record(
        case,
        Verb.CONSISTENCY_OVERRIDDEN,
        actor=actor,
        review=review.round,
        reason=reason.strip(),
        findings=[
            {k: f[k] for k in ("question", "attribute", "finding", "earlier")} for f in findings
        ],
    )
    return override


def check_before_approval(case: Case, *, review_round: int) -> None:
    """Refuse approval while a blocking finding stands without a reviewer's recorded override."""
    if ConsistencyOverride.objects.filter(case=case, review_round=review_round).exists():
        return
    blocking = ledger.blocking(case)
    if blocking:
        raise ValidationError(
            f"{len(blocking)} consistency finding(s) block approval: the answer contradicts "
            "an earlier position. Change the decision, or record why it may stand."
        )


# --- The register ---------------------------------------------------------------------------


def _require_manager(actor: User) -> None:
    if not is_manager(actor):
        raise PermissionDenied("Only a manager can change the register.")


def _audit(actor: User, action: str, entry: Any, **data: Any) -> None:
    RegisterChange.objects.create(
        actor=actor, action=action, entry=f"{entry._meta.model_name}: {entry}"[:300], data=data
    )


@transaction.atomic
def save_register_entry(entry: Any, *, actor: User) -> Any:
    """Add or change a person, place or attribute (a model instance the form filled in)."""
    _require_manager(actor)
    action = "changed" if entry.pk else "added"
    entry.save()
    _audit(actor, action, entry)
    return entry


@transaction.atomic
def delete_register_entry(entry: Any, *, actor: User) -> None:
    """Delete an entry no recorded position names (the ledger keeps what was said)."""
    _require_manager(actor)
    try:
        with transaction.atomic():
            entry.delete()
    except ProtectedError as exc:
        raise ValidationError(
            f"{entry} cannot be deleted: earlier answers in the ledger are about it."
        ) from exc
    _audit(actor, "deleted", entry)


def export_register_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for person in ProtectedPerson.objects.all():
        aliases = "; ".join(person.alias_list)
        writer.writerow(
            ["person", person.name, person.role, person.constituency, aliases, "", "", ""]
        )
    for place in ProtectedPlace.objects.select_related("person"):
        owner = place.person.name if place.person else ""
        writer.writerow(
            ["place", place.name, place.kind, "", "", place.address, place.postcode, owner]
        )
    return out.getvalue()


@dataclass(frozen=True)
class ImportResult:
    people: int
    places: int


@transaction.atomic
def import_register_csv(text: str, *, actor: User) -> ImportResult:
    """Add or update people and places from CSV (by name); any bad row refuses the whole file."""
    _require_manager(actor)
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("kind", "name") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(f"The file needs the columns {', '.join(CSV_COLUMNS)}.")
    rows = list(reader)
    errors: list[str] = []
    people_names = set(ProtectedPerson.objects.values_list("name", flat=True))
    people_names |= {r["name"].strip() for r in rows if (r.get("kind") or "").strip() == "person"}
    for number, row in enumerate(rows, start=2):
        kind, name = (row.get("kind") or "").strip(), (row.get("name") or "").strip()
        kind_type = (row.get("type") or "").strip()
        if kind not in ("person", "place"):
            errors.append(f"Row {number}: kind must be person or place.")
        elif not name or len(name) > 200:
            errors.append(f"Row {number}: give a name of at most 200 characters.")
        elif kind == "person" and kind_type and kind_type not in ProtectedPerson.Role.values:
            roles = ", ".join(ProtectedPerson.Role.values)
            errors.append(f"Row {number}: type must be one of {roles}.")
        elif kind == "place" and kind_type not in ProtectedPlace.Kind.values:
            kinds = ", ".join(ProtectedPlace.Kind.values)
            errors.append(f"Row {number}: type must be one of {kinds}.")
        elif kind == "place" and (row.get("person") or "").strip() not in people_names | {""}:
            errors.append(f"Row {number}: no person called {row['person'].strip()!r}.")
    if errors:
        raise ValidationError(errors)
    people = places = 0
    for row in rows:
        if row["kind"].strip() != "person":
            continue
        aliases = "\n".join(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        ProtectedPerson.objects.update_or_create(
            name=row["name"].strip(),
            defaults={
                "role": (row.get("type") or "").strip() or ProtectedPerson.Role.MEMBER,
                "constituency": (row.get("constituency") or "").strip()[:200],
                "aliases": aliases,
            },
        )
        people += 1
    by_name = {p.name: p for p in ProtectedPerson.objects.all()}
    for row in rows:
        if row["kind"].strip() != "place":
            continue
        ProtectedPlace.objects.update_or_create(
            name=row["name"].strip(),
            defaults={
                "kind": row["type"].strip(),
                "address": (row.get("address") or "").strip()[:300],
                "postcode": (row.get("postcode") or "").strip()[:10],
                "person": by_name.get((row.get("person") or "").strip()),
            },
        )
        places += 1
    RegisterChange.objects.create(
        actor=actor,
        action="imported",
        entry="register CSV",
        data={"people": people, "places": places},
    )
    return ImportResult(people, places)
