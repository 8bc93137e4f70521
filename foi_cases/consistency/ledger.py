"""The consistency guard against the database: recognising questions, reading the ledger,
recording positions when a response is sent, and flagging mosaics.

`recognise_case` keeps each question's mentions up to date (officer corrections stay);
`findings_for_case` runs `checks.check` on each question against the ledger, reading only
the rows that can matter (indexed: the same subjects' positions, and the latest class NCND
per attribute), so a case is checked in milliseconds against a million positions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from foi_cases import notifications
from foi_cases.consistency import checks, recognition
from foi_cases.consistency.vocabulary import VOCABULARY
from foi_cases.models import (
    Case,
    CircumstanceChange,
    Mention,
    MosaicFlag,
    Position,
    ProtectedPerson,
    ProtectedPlace,
    Question,
    SecurityAttribute,
)
from foi_cases.permissions import can_see_register_matches, cases_visible_to

CLASS_LIMIT = 3
COLUMNS = (
    "case__reference",
    "question__number",
    "position",
    "person_id",
    "place_id",
    "attribute_id",
    "case_id",
    "on",
)


def seed_vocabulary() -> None:
    """The seeded security attributes, where missing (a flushed database, demo data)."""
    for slug, name, exposes, phrases in VOCABULARY:
        SecurityAttribute.objects.get_or_create(
            slug=slug, defaults={"name": name, "exposes": exposes, "phrases": "\n".join(phrases)}
        )


def load_register() -> recognition.Register:
    return recognition.build_register(
        ((p.pk, p.name, p.alias_list, p.constituency) for p in ProtectedPerson.objects.all()),
        (
            (p.pk, p.person_id, p.kind, p.name, p.address, p.postcode)
            for p in ProtectedPlace.objects.all()
        ),
        ((a.pk, a.phrase_list) for a in SecurityAttribute.objects.all()),
    )


def recognise_question(question: Question, register: recognition.Register) -> None:
    """Replace the question's recognised mentions; the officer's corrections stay."""
    found = recognition.recognise(question.text, register)
    kept = Mention.objects.filter(question=question).filter(Q(by_officer=True) | Q(removed=True))
    settled = {(m.person_id, m.place_id, m.attribute_id) for m in kept}
    Mention.objects.filter(question=question, by_officer=False, removed=False).delete()
    wanted = (
        [(pk, None, None) for pk in sorted(found.people)]
        + [(None, pk, None) for pk in sorted(found.places)]
        + [(None, None, pk) for pk in sorted(found.attributes)]
    )
    Mention.objects.bulk_create(
        Mention(question=question, person_id=person, place_id=place, attribute_id=attribute)
        for person, place, attribute in wanted
        if (person, place, attribute) not in settled
    )


def recognise_case(case: Case) -> None:
    """Recognise every question of the case, then flag mosaics with other requests."""
    register = load_register()
    if not (register.people or register.places):
        return
    for question in Question.objects.filter(case=case):
        recognise_question(question, register)
    flag_mosaics(case)


@dataclass(frozen=True)
class Subjects:
    people: frozenset[int]
    places: frozenset[int]
    attributes: frozenset[int]


def subjects_by_question(questions: Iterable[Question]) -> dict[int, Subjects]:
    """What each question mentions, a recognised place counting for its person too."""
    ids = [q.pk for q in questions]
    people: dict[int, set[int]] = {pk: set() for pk in ids}
    places: dict[int, set[int]] = {pk: set() for pk in ids}
    attributes: dict[int, set[int]] = {pk: set() for pk in ids}
    for m in Mention.objects.filter(question_id__in=ids, removed=False).select_related("place"):
        if m.person_id:
            people[m.question_id].add(m.person_id)
        if m.place_id:
            places[m.question_id].add(m.place_id)
            if m.place.person_id:
                people[m.question_id].add(m.place.person_id)
        if m.attribute_id:
            attributes[m.question_id].add(m.attribute_id)
    return {
        pk: Subjects(frozenset(people[pk]), frozenset(places[pk]), frozenset(attributes[pk]))
        for pk in ids
    }


def _earlier(subjects: Subjects, case: Case) -> list[checks.Earlier]:
    """The ledger rows that can change a finding, read through the indexes.

    On the same subjects, the latest position of each kind per subject and attribute
    (an older one of the same kind adds nothing: the latest withheld is the one the period
    runs from); on anyone, the latest few NCND per attribute (the class position).
    """
    if not subjects.attributes or not (subjects.people or subjects.places):
        return []
    latest = ("person_id", "place_id", "attribute_id", "position")
    same = (
        Position.objects.filter(attribute_id__in=subjects.attributes)
        .filter(Q(person_id__in=subjects.people) | Q(place_id__in=subjects.places))
        .exclude(case=case)
        .order_by(*latest, "-on", "-pk")
        .distinct(*latest)
    )
    return [checks.Earlier(*row) for row in same.values_list(*COLUMNS)]


def _class_ncnd(attributes: frozenset[int], case: Case) -> dict[int, list[checks.Earlier]]:
    """The latest few NCND positions per attribute, whoever they were about."""
    found: dict[int, list[checks.Earlier]] = {}
    for attribute in sorted(attributes):
        ncnd = Position.objects.filter(attribute_id=attribute, position=Position.Kind.NCND)
        rows = ncnd.exclude(case=case).order_by("-on").values_list(*COLUMNS)[:CLASS_LIMIT]
        found[attribute] = [checks.Earlier(*row) for row in rows]
    return found


def _asked(
    case: Case, people: frozenset[int], since: dt.datetime, exposes: dict[int, str]
) -> list[checks.Asked]:
    """Other cases' questions on these people since `since`, and what they ask about."""
    if not people:
        return []
    mentions = (
        Mention.objects.filter(removed=False, created_at__gte=since)
        .filter(Q(person_id__in=people) | Q(place__person_id__in=people))
        .exclude(question__case=case)
        .values_list("question_id", "person_id", "place__person_id")
    )
    by_question: dict[int, set[int]] = {}
    for question_id, person, place_person in mentions:
        by_question.setdefault(question_id, set()).add(person or place_person)
    if not by_question:
        return []
    pieces: dict[int, set[str]] = {pk: set() for pk in by_question}
    for question_id, attribute, place in Mention.objects.filter(
        question_id__in=by_question, removed=False
    ).values_list("question_id", "attribute_id", "place_id"):
        if attribute:
            pieces[question_id].add(exposes.get(attribute, ""))
        if place:
            # Naming the place itself (an address, a postcode) is a piece of its location.
            pieces[question_id].add(checks.LOCATION)
    asked = []
    for q in Question.objects.filter(pk__in=by_question).select_related("case"):
        for person in by_question[q.pk]:
            asked.append(
                checks.Asked(
                    q.case.reference,
                    q.number,
                    checks.position_of(q.held_status, q.outcome) or "pending",
                    person,
                    frozenset(pieces[q.pk]),
                    q.case_id,
                    q.case.requester_id,
                    timezone.localtime(q.case.received_at).date(),
                )
            )
    return asked


def _current(
    question: Question, subjects: Subjects, case: Case, *, changed: bool
) -> checks.Current:
    return checks.Current(
        question=question.number,
        people=subjects.people,
        places=subjects.places,
        attributes=subjects.attributes,
        position=checks.position_of(question.held_status, question.outcome),
        case_id=case.pk,
        requester_id=case.requester_id,
        on=timezone.localdate(),
        change_of_circumstances=changed,
    )


def findings_for_case(case: Case, *, proposed: Question | None = None) -> list[checks.Finding]:
    """Every finding on the case's questions, in question order.

    `proposed` is one of them with an answer not saved yet (the decision page's check).
    """
    questions = [
        proposed if proposed is not None and q.pk == proposed.pk else q
        for q in Question.objects.filter(case=case).order_by("number")
    ]
    subjects = subjects_by_question(questions)
    period = settings.FOI_CONSISTENCY_PERIOD_DAYS
    since = timezone.now() - dt.timedelta(days=period)
    everyone = (
        frozenset().union(*(s.people for s in subjects.values())) if subjects else frozenset()
    )
    exposes = dict(SecurityAttribute.objects.values_list("pk", "exposes"))
    asked = _asked(case, everyone, since, exposes)
    changed = set(
        CircumstanceChange.objects.filter(question__case=case).values_list("question_id", flat=True)
    )
    classes = _class_ncnd(frozenset().union(*(s.attributes for s in subjects.values())), case)
    findings = []
    earlier: dict[Subjects, list[checks.Earlier]] = {}
    for question in questions:
        mine = subjects[question.pk]
        if mine not in earlier:
            earlier[mine] = _earlier(mine, case) + [
                row for a in mine.attributes for row in classes.get(a, [])
            ]
        findings += checks.check(
            _current(question, mine, case, changed=question.pk in changed),
            earlier[mine],
            asked=asked,
            exposes=exposes,
            period_days=period,
        )
    return findings


def findings_for_question(question: Question) -> list[checks.Finding]:
    findings = findings_for_case(question.case, proposed=question)
    return [f for f in findings if f.question == question.number]


SEVERITY_WORDS = {"block": "Blocks approval", "warn": "Warning", "info": "Earlier position"}
POSITION_WORDS = {
    checks.DISCLOSED: "disclosed",
    checks.WITHHELD: "withheld",
    checks.NCND: "neither confirmed nor denied",
    checks.NOT_HELD: "not held",
    "pending": "not yet answered",
}


def describe(findings: list[checks.Finding], *, user: Any, case: Case) -> list[str]:
    """The findings in words for one user: a case they cannot open (a restricted one) is
    named by its reference and position only, and the register's names are shown only to
    managers and the people on this case."""
    names = subject_names(findings) if can_see_register_matches(user, case) else {}
    attributes = dict(SecurityAttribute.objects.values_list("pk", "name"))
    references = {f.reference for f in findings}
    visible = set(
        cases_visible_to(user).filter(reference__in=references).values_list("reference", flat=True)
    )
    lines = []
    for f in findings:
        about = names.get(f.subject, "a protected person")
        what = attributes.get(f.attribute_id, "location")
        position = POSITION_WORDS.get(f.earlier_position, f.earlier_position)
        where = (
            f"{f.reference} question {f.earlier_question}"
            if f.reference in visible
            else f.reference
        )
        lines.append(
            f"{SEVERITY_WORDS[f.severity]} (question {f.question}, {about}, {what}): {where}: "
            f"{position}. {f.reason}"
        )
    return lines


def blocking(case: Case) -> list[checks.Finding]:
    return [f for f in findings_for_case(case) if f.severity == "block"]


def subject_names(findings: Iterable[checks.Finding]) -> dict[tuple[str, int], str]:
    wanted = list(findings)
    people = {s[1] for f in wanted for s in [f.subject] if s[0] == "person"}
    places = {s[1] for f in wanted for s in [f.subject] if s[0] == "place"}
    names = {
        ("person", pk): name
        for pk, name in ProtectedPerson.objects.filter(pk__in=people).values_list("pk", "name")
    }
    for pk, name in ProtectedPlace.objects.filter(pk__in=places).values_list("pk", "name"):
        names["place", pk] = name
    return names


def as_json(findings: list[checks.Finding]) -> list[dict[str, Any]]:
    """The findings in the shape `check_consistency` prints and other checks rely on."""
    names = subject_names(findings)
    attributes = dict(SecurityAttribute.objects.values_list("pk", "slug"))
    return [
        {
            "question": f.question,
            "subject": names.get(f.subject, ""),
            # A mosaic piece that is a named place rather than an attribute is its location.
            "attribute": attributes.get(f.attribute_id, "location"),
            "finding": f.finding,
            "severity": f.severity,
            "earlier": {
                "reference": f.reference,
                "question": f.earlier_question,
                "position": f.earlier_position,
            },
        }
        for f in findings
    ]


def record_positions(case: Case, *, on: dt.date) -> int:
    """Write the ledger rows for a sent response: one per question, subject and attribute."""
    questions = list(Question.objects.filter(case=case).prefetch_related("citations__exemption"))
    subjects = subjects_by_question(questions)
    rows = []
    for question in questions:
        position = checks.position_of(question.held_status, question.outcome)
        mine = subjects[question.pk]
        if position is None or not mine.attributes:
            continue
        sections = ", ".join(
            sorted({c.provision or c.exemption.section for c in question.citations.all()})
        )[:200]
        place_people = dict(
            ProtectedPlace.objects.filter(pk__in=mine.places).values_list("pk", "person_id")
        )
        pairs = {(person, place) for place, person in place_people.items()} | {
            (person, None) for person in mine.people if person not in place_people.values()
        }
        for person, place in sorted(pairs, key=str):
            for attribute in sorted(mine.attributes):
                rows.append(
                    Position(
                        person_id=person,
                        place_id=place,
                        attribute_id=attribute,
                        position=position,
                        sections=sections,
                        case=case,
                        question=question,
                        requester_id=case.requester_id,
                        on=on,
                    )
                )
    Position.objects.filter(case=case).delete()
    Position.objects.bulk_create(rows)
    return len(rows)


def flag_mosaics(case: Case) -> int:
    """Record and tell the officers of both cases about each new mosaic; return how many."""
    new = 0
    questions = list(Question.objects.filter(case=case))
    subjects = subjects_by_question(questions)
    period = settings.FOI_CONSISTENCY_PERIOD_DAYS
    everyone = (
        frozenset().union(*(s.people for s in subjects.values())) if subjects else frozenset()
    )
    exposes = dict(SecurityAttribute.objects.values_list("pk", "exposes"))
    asked = _asked(case, everyone, timezone.now() - dt.timedelta(days=period), exposes)
    if not asked:
        return 0
    pairs: set[tuple[str, int]] = set()
    for question in questions:
        for finding in checks.check(
            _current(question, subjects[question.pk], case, changed=False),
            [],
            asked=asked,
            exposes=exposes,
            period_days=period,
        ):
            pairs.add((finding.reference, finding.subject[1]))
    others = {c.reference: c for c in Case.objects.filter(reference__in={r for r, _ in pairs})}
    for reference, person in sorted(pairs):
        other = others[reference]
        _, created = MosaicFlag.objects.get_or_create(case=case, other_case=other, person_id=person)
        if created:
            MosaicFlag.objects.get_or_create(case=other, other_case=case, person_id=person)
            notifications.notify_mosaic(case, other)
            new += 1
    return new
