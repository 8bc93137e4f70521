"""Precedents on similar questions, and the mosaic-risk warning."""

import pytest

from exemptions import precedents
from foi_cases.models import Question
from tests import factories

pytestmark = pytest.mark.django_db

PANIC_ROOM = "The cost of installing the panic room in the MP's constituency office."


def decided(officer, text, held, **fields):
    case = factories.case_in_progress(officer, questions=(text,), **fields)
    Question.objects.filter(case=case).update(held_status=held, outcome="withheld_in_full")
    return case


def test_similar_earlier_ncnd_warns_before_confirming(officer):
    earlier = decided(officer, PANIC_ROOM, "ncnd")
    case = factories.case_in_progress(officer, questions=(PANIC_ROOM + " Please.",))
    question = case.questions.get()
    question.held_status = "held"

    report = precedents.for_question(question, user=officer)

    assert report.warnings and "neither confirm nor deny" in report.warnings[0]
    assert earlier.reference in report.warnings[0]
    assert [p.reference for p in report.precedents] == [earlier.reference]


def test_ncnd_where_a_similar_request_was_confirmed_warns(officer):
    decided(officer, PANIC_ROOM, "held")
    case = factories.case_in_progress(officer, questions=(PANIC_ROOM,))
    question = case.questions.get()
    question.held_status = "ncnd"
    assert "confirmed or denied" in precedents.for_question(question, user=officer).warnings[0]


def test_consistent_answers_raise_no_warning(officer):
    decided(officer, PANIC_ROOM, "ncnd")
    case = factories.case_in_progress(officer, questions=(PANIC_ROOM,))
    question = case.questions.get()
    question.held_status = "ncnd"
    report = precedents.for_question(question, user=officer)
    assert report.warnings == [] and len(report.precedents) == 1


def test_unrelated_questions_are_not_precedents(officer):
    decided(officer, "How many parking permits were issued in 2019?", "ncnd")
    case = factories.case_in_progress(officer, questions=(PANIC_ROOM,))
    report = precedents.for_question(case.questions.get(), user=officer)
    assert report.precedents == [] and report.warnings == []


def test_restricted_precedent_warns_without_revealing_itself(officer, other_officer):
    hidden = decided(other_officer, PANIC_ROOM, "ncnd", restricted=True)
    case = factories.case_in_progress(officer, questions=(PANIC_ROOM,))
    question = case.questions.get()
    question.held_status = "held"
    report = precedents.for_question(question, user=officer)
    assert report.precedents == []
    assert "a case you cannot see" in report.warnings[0]
    assert hidden.reference not in report.warnings[0]
