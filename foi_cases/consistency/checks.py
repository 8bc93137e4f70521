"""The consistency checks: one question's answer against the ledger and other requests.

Pure: no Django. Positions are "disclosed", "withheld", "ncnd" or "not_held"; a question
not yet decided has none. Subjects are ("person", id) or ("place", id).

* Same subject and attribute, earlier NCND, this answer confirms or denies: contradiction,
  block.
* Same subject and attribute, earlier withheld, this answer discloses within the period
  without a recorded change of circumstances: contradiction, block.
* Same subject and attribute, earlier confirmed or denied, this one NCND (or "not held"
  after a disclosure): contradiction, warn; the earlier answer already said it.
* Another subject, same attribute, earlier NCND (the class position), this answer confirms
  or denies (including "not held"): contradiction, block; the pattern would disclose.
* Another requester's question within the period on the same person, asking where they are
  when this one asks how they are protected (or the other way round): mosaic, warn.
* Anything else on the same subject and attribute, or the class NCND before a decision:
  earlier_position, info.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DISCLOSED, WITHHELD, NCND, NOT_HELD = "disclosed", "withheld", "ncnd", "not_held"
CONFIRMS_OR_DENIES = frozenset({DISCLOSED, WITHHELD, NOT_HELD})
LOCATION, SECURITY = "location", "security"
SEVERITY_ORDER = {"block": 0, "warn": 1, "info": 2}

Subject = tuple[str, int]


@dataclass(frozen=True)
class Earlier:
    """A position in the ledger."""

    reference: str
    question: int
    position: str
    person_id: int | None
    place_id: int | None
    attribute_id: int
    case_id: int
    on: dt.date


@dataclass(frozen=True)
class Asked:
    """Another case's question on a protected person, and what it asks about."""

    reference: str
    question: int
    position: str
    person_id: int
    exposes: frozenset[str]
    case_id: int
    requester_id: int
    on: dt.date


@dataclass(frozen=True)
class Current:
    question: int
    people: frozenset[int]
    places: frozenset[int]
    attributes: frozenset[int]
    position: str | None
    case_id: int
    requester_id: int
    on: dt.date
    change_of_circumstances: bool = False


@dataclass(frozen=True)
class Finding:
    question: int
    subject: Subject
    attribute_id: int
    finding: str
    severity: str
    reference: str
    earlier_question: int
    earlier_position: str
    reason: str


def position_of(held_status: str, outcome: str) -> str | None:
    """The position a question's decision takes, or None while undecided or procedural."""
    if held_status == "ncnd":
        return NCND
    if held_status == "not_held":
        return NOT_HELD
    if held_status in ("held", "partly_held"):
        if outcome in ("withheld_in_full", "withheld_in_part"):
            return WITHHELD
        if outcome == "procedural":
            return None
        return DISCLOSED
    return None


def _subject_of(earlier: Earlier) -> Subject:
    return ("person", earlier.person_id) if earlier.person_id else ("place", earlier.place_id or 0)


def _same_subject(current: Current, earlier: Earlier) -> bool:
    return (earlier.person_id is not None and earlier.person_id in current.people) or (
        earlier.place_id is not None and earlier.place_id in current.places
    )


def _judge_same(current: Current, earlier: Earlier, period: dt.timedelta) -> tuple[str, str, str]:
    mine, theirs = current.position, earlier.position
    if mine is None:
        return "earlier_position", "info", "An earlier answer on the same subject."
    if theirs == NCND and mine in CONFIRMS_OR_DENIES:
        return (
            "contradiction",
            "block",
            "Confirms or denies what an earlier answer neither confirmed nor denied.",
        )
    if (
        theirs == WITHHELD
        and mine == DISCLOSED
        and current.on - earlier.on <= period
        and not current.change_of_circumstances
    ):
        return (
            "contradiction",
            "block",
            "Discloses what an earlier answer withheld, with no change of circumstances recorded.",
        )
    if mine == NCND and theirs in CONFIRMS_OR_DENIES:
        return (
            "contradiction",
            "warn",
            "Neither confirms nor denies what an earlier answer confirmed or denied.",
        )
    if mine == NOT_HELD and theirs in (DISCLOSED, WITHHELD):
        return "contradiction", "warn", "Says not held where an earlier answer said it was held."
    return "earlier_position", "info", "An earlier answer on the same subject."


def check(
    current: Current,
    earlier: Iterable[Earlier],
    *,
    asked: Iterable[Asked] = (),
    exposes: Mapping[int, str],
    period_days: int,
) -> list[Finding]:
    """Findings for one question, most severe first, one per subject, attribute and source."""
    period = dt.timedelta(days=period_days)
    found: dict[tuple[Subject, int, str, int], Finding] = {}
    if not current.people and not current.places:
        return []

    def add(finding: Finding) -> None:
        key = (finding.subject, finding.attribute_id, finding.reference, finding.earlier_question)
        held = found.get(key)
        if held is None or SEVERITY_ORDER[finding.severity] < SEVERITY_ORDER[held.severity]:
            found[key] = finding

    for position in earlier:
        if position.attribute_id not in current.attributes or position.case_id == current.case_id:
            continue
        if _same_subject(current, position):
            kind, severity, reason = _judge_same(current, position, period)
        elif position.position == NCND:
            if current.position in CONFIRMS_OR_DENIES:
                kind, severity = "contradiction", "block"
                reason = "Confirms or denies where the class position is NCND."
            elif current.position == NCND:
                continue
            else:
                kind, severity = "earlier_position", "info"
                reason = "The class position on this attribute is NCND."
        else:
            continue
        subject = _subject_of(position) if _same_subject(current, position) else _main(current)
        add(
            Finding(
                current.question,
                subject,
                position.attribute_id,
                kind,
                severity,
                position.reference,
                position.question,
                position.position,
                reason,
            )
        )
    mine = {exposes.get(a, "") for a in current.attributes}
    if current.places:
        # Naming a protected place (an address, a postcode) asks where it is.
        mine.add(LOCATION)
    for other in asked:
        if (
            other.case_id == current.case_id
            or other.requester_id == current.requester_id
            or other.person_id not in current.people
            or abs((current.on - other.on).days) > period_days
        ):
            continue
        pieces = (LOCATION in mine and SECURITY in other.exposes) or (
            SECURITY in mine and LOCATION in other.exposes
        )
        if not pieces:
            continue
        wanted = LOCATION if LOCATION in mine and SECURITY in other.exposes else SECURITY
        attribute = min((a for a in current.attributes if exposes.get(a) == wanted), default=0)
        add(
            Finding(
                current.question,
                ("person", other.person_id),
                attribute,
                "mosaic",
                "warn",
                other.reference,
                other.question,
                other.position,
                "Another requester asked for a piece that, with this one, locates or exposes "
                "the same person.",
            )
        )
    return sorted(
        found.values(),
        key=lambda f: (SEVERITY_ORDER[f.severity], f.subject, f.attribute_id, f.reference),
    )


def _main(current: Current) -> Subject:
    if current.people:
        return ("person", min(current.people))
    return ("place", min(current.places) if current.places else 0)
