"""The consistency guard's recognition and checks on a labelled set of question pairs.

Pure: recognition and checks run without the database, as `ledger` runs them, on the
fictional register of tests/consistency_pairs.py and the seeded attribute vocabulary.
"""

from __future__ import annotations

import datetime as dt

from foi_cases.consistency import checks, recognition
from foi_cases.consistency.vocabulary import VOCABULARY
from tests.consistency_pairs import NAMED, PEOPLE, PLACE_NAMED, PLACES, Pair, build_pairs

ATTRIBUTES = {index: entry for index, entry in enumerate(VOCABULARY, start=1)}
EXPOSES = {index: entry[2] for index, entry in ATTRIBUTES.items()}
REGISTER = recognition.build_register(
    PEOPLE, PLACES, ((index, entry[3]) for index, entry in ATTRIBUTES.items())
)
PLACE_PERSON = {pk: person for pk, person, *_ in PLACES}
TODAY = dt.date(2026, 6, 1)


def _subjects(text: str) -> recognition.Recognised:
    found = recognition.recognise(text, REGISTER)
    people = found.people | {PLACE_PERSON[p] for p in found.places}
    return recognition.Recognised(people, found.places, found.attributes)


def _findings(pair: Pair) -> list[checks.Finding]:
    before, now = _subjects(pair.earlier), _subjects(pair.current)
    earlier = [
        checks.Earlier("FOI-1", 1, pair.earlier_position, person, None, attribute, 1, TODAY)
        for person in before.people
        for attribute in before.attributes
    ]
    pieces = {EXPOSES[a] for a in before.attributes} | ({"location"} if before.places else set())
    asked = [
        checks.Asked("FOI-1", 1, pair.earlier_position, person, frozenset(pieces), 1, 1, TODAY)
        for person in before.people
    ]
    current = checks.Current(
        question=1,
        people=now.people,
        places=now.places,
        attributes=now.attributes,
        position=pair.current_position,
        case_id=2,
        requester_id=1 if pair.same_requester else 2,
        on=TODAY + dt.timedelta(days=30),
    )
    return checks.check(current, earlier, asked=asked, exposes=EXPOSES, period_days=365)


def test_every_way_of_naming_a_person_is_recognised():
    for person, names in NAMED.items():
        for text, kind in names:
            assert person in _subjects(f"Security for {text}.").people, (text, kind)
    for text, person in PLACE_NAMED:
        assert person in _subjects(f"Details of {text}.").people, text


def test_labelled_pairs_recall_and_false_warnings():
    pairs = build_pairs()
    assert len(pairs) >= 200
    positives = [p for p in pairs if p.label != "none"]
    negatives = [p for p in pairs if p.label == "none"]
    missed, false_warnings = [], []
    for pair in positives:
        kinds = {f.finding for f in _findings(pair)}
        if pair.label not in kinds:
            missed.append(pair)
    for pair in negatives:
        if {f.finding for f in _findings(pair)} & {"contradiction", "mosaic"}:
            false_warnings.append(pair)
    recall = 1 - len(missed) / len(positives)
    false_rate = len(false_warnings) / len(negatives)
    print(
        f"\nconsistency pairs: {len(pairs)} ({len(positives)} contradictions or mosaics, "
        f"{len(negatives)} without); recall {recall:.1%}; false warnings {false_rate:.1%}"
    )
    for pair in missed + false_warnings:
        print(f"  {pair.label}: {pair.note}: {pair.current}")
    assert recall >= 0.95
    assert false_rate <= 0.05


def test_a_lookalike_name_is_not_a_protected_person():
    assert _subjects("Please tell me about Janet Smithers and Jane Smithson.").people == set()


def test_attributes_are_recognised_in_plain_english():
    found = _subjects("Were panic rooms or CCTV cameras installed?").attributes
    slugs = {ATTRIBUTES[a][0] for a in found}
    assert {"panic-room", "cctv", "security-installation"} <= slugs
