"""Precedents on similar questions, and the consistency guard's warnings beside them."""

import datetime as dt

import pytest

from exemptions import precedents
from foi_cases.consistency import ledger
from foi_cases.models import ProtectedPerson, Question
from tests import factories

pytestmark = pytest.mark.django_db

PANIC_ROOM = "The cost of installing the panic room in Jane Smith MP's constituency office."


@pytest.fixture(autouse=True)
def jane(db):
    ledger.seed_vocabulary()  # a transactional test before this one may have flushed it
    return ProtectedPerson.objects.create(name="Jane Smith", constituency="Ashcombe and Wyre")


def decided(officer, text, held, **fields):
    """A case answered and sent: its position is in the consistency ledger."""
    case = factories.case_in_progress(officer, questions=(text,), **fields)
    Question.objects.filter(case=case).update(held_status=held, outcome="withheld_in_full")
    ledger.recognise_case(case)
    ledger.record_positions(case, on=dt.date(2026, 3, 20))
    return case


def asking(officer, text):
    """A new case, its question recognised as at intake."""
    case = factories.case_in_progress(officer, questions=(text,))
    ledger.recognise_case(case)
    return case


def test_similar_earlier_ncnd_warns_before_confirming(officer):
    earlier = decided(officer, PANIC_ROOM, "ncnd")
    case = asking(officer, PANIC_ROOM + " Please.")
    question = case.questions.get()
    question.held_status = "held"

    report = precedents.for_question(question, user=officer)

    assert report.warnings[0].startswith("Blocks approval")
    assert "neither confirmed nor denied" in report.warnings[0]
    assert earlier.reference in report.warnings[0]
    assert [p.reference for p in report.precedents] == [earlier.reference]


def test_ncnd_where_a_similar_request_was_confirmed_warns(officer):
    decided(officer, PANIC_ROOM, "held")
    case = asking(officer, PANIC_ROOM)
    question = case.questions.get()
    question.held_status = "ncnd"
    warning = precedents.for_question(question, user=officer).warnings[0]
    assert warning.startswith("Warning") and "confirmed or denied" in warning


def test_consistent_answers_raise_no_warning(officer):
    decided(officer, PANIC_ROOM, "ncnd")
    case = asking(officer, PANIC_ROOM)
    question = case.questions.get()
    question.held_status = "ncnd"
    report = precedents.for_question(question, user=officer)
    assert [w.split(" (")[0] for w in report.warnings] == ["Earlier position"]
    assert len(report.precedents) == 1


def test_unrelated_questions_are_not_precedents(officer):
    decided(officer, "How many parking permits were issued in 2019?", "ncnd")
    case = asking(officer, PANIC_ROOM)
    report = precedents.for_question(case.questions.get(), user=officer)
    assert report.precedents == [] and report.warnings == []


def test_restricted_precedent_warns_with_only_its_reference_and_position(officer, other_officer):
    hidden = decided(other_officer, PANIC_ROOM, "ncnd", restricted=True)
    case = asking(officer, PANIC_ROOM)
    question = case.questions.get()
    question.held_status = "held"
    report = precedents.for_question(question, user=officer)
    assert report.precedents == []
    assert f"{hidden.reference}: neither confirmed nor denied" in report.warnings[0]
    assert PANIC_ROOM not in report.warnings[0]
