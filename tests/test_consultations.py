"""Consultations: who was consulted, their advice, and a harm test citing it as evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from exemptions.models import Exemption, ExemptionCitation
from foi_cases import letters, workflow
from foi_cases.demo import seed_citation, seed_pit
from foi_cases.models import CaseEvent, Consultation, Letter
from tests import factories
from tests.letter_helpers import complete_letter_settings, log_case

Verb = CaseEvent.Verb
POLICE = "Metropolitan Police Service Protection Command"
ADVICE = "Operation Kestrel patrol patterns would be exposed"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def case(officer):
    factories.catalogue_exemption("FOIA-s38")
    return factories.case_in_progress(officer, questions=("Which MPs have panic rooms?",))


def consult(case, officer, **changes):
    values = {
        "consultee_type": "police",
        "consultee": POLICE,
        "about": "Whether disclosure would endanger Members",
        "consulted_on": dt.date(2026, 3, 4),
        "due_on": dt.date(2026, 3, 11),
        **changes,
    }
    return workflow.record_consultation(case, actor=officer, **values)


def test_officer_records_a_consultation_and_its_advice(client, officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("consultation_new", args=[case.reference]),
        {
            "consultee_type": "police",
            "consultee": POLICE,
            "about": "Harm to Members",
            "questions": [case.questions.get().pk],
            "consulted_on_0": "4",
            "consulted_on_1": "3",
            "consulted_on_2": "2026",
            "due_on_0": "11",
            "due_on_1": "3",
            "due_on_2": "2026",
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get(case=case)
    assert consultation.consultee == POLICE and consultation.due_on == dt.date(2026, 3, 11)
    assert consultation.is_awaiting_advice
    event = CaseEvent.objects.get(case=case, verb=Verb.CONSULTATION_RECORDED)
    assert event.actor == officer and event.data["consultee_type"] == "police"
    # The audit trail, shown on the case page, says what kind of body, never which.
    assert POLICE not in str(event.data)

    response = client.post(
        reverse("consultation_advice", args=[case.reference, consultation.pk]),
        {
            "advice": ADVICE,
            "received_on_0": "10",
            "received_on_1": "3",
            "received_on_2": "2026",
            "followed": "yes",
        },
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.advice == ADVICE and consultation.followed == "yes"
    assert CaseEvent.objects.filter(case=case, verb=Verb.CONSULTATION_ADVICE).count() == 1
    page = client.get(reverse("case_records", args=[case.reference])).content.decode()
    assert POLICE in page and ADVICE in page and "Followed" in page


def test_advice_not_followed_needs_a_reason(client, officer, case):
    consultation = consult(case, officer)
    client.force_login(officer)
    response = client.post(
        reverse("consultation_advice", args=[case.reference, consultation.pk]),
        {
            "advice": ADVICE,
            "received_on_0": "10",
            "received_on_1": "3",
            "received_on_2": "2026",
            "followed": "no",
        },
    )
    assert response.status_code == 200
    assert "Say why the advice was not followed in full" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.advice == ""  # nothing half-saved
    assert ADVICE in response.content.decode()  # what was typed is kept


def test_consultation_dates_must_make_sense(officer, case):
    with pytest.raises(ValidationError) as future:
        consult(case, officer, consulted_on=timezone.localdate() + dt.timedelta(days=3))
    assert "consulted_on" in future.value.error_dict
    with pytest.raises(ValidationError) as backwards:
        consult(case, officer, due_on=dt.date(2026, 3, 1))
    assert "due_on" in backwards.value.error_dict
    assert not Consultation.objects.exists()


def test_harm_test_cites_a_consultation_of_its_case_only(officer, case):
    consultation = consult(case, officer)
    question = case.questions.get()
    workflow.record_answer(question, actor=officer, held_status="held", outcome="withheld_in_full")
    exemption = Exemption.objects.get(code="FOIA-s38")
    pit = seed_pit(case.received_at.date(), "Maintained.", "Openness.", "Safety.")

    other = consult(factories.case_in_progress(officer), officer)
    with pytest.raises(ValidationError) as refused:
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=exemption,
            data=seed_citation(
                limbs=("s38(1)(b)",),
                likelihood="would",
                reasoning="Endangers Members.",
                evidence_consultation_id=other.pk,
            ),
            pit=pit,
        )
    assert "evidence_consultation" in refused.value.error_dict
    assert not ExemptionCitation.objects.filter(question=question).exists()

    citation = workflow.apply_exemption(
        question,
        actor=officer,
        exemption=exemption,
        data=seed_citation(
            limbs=("s38(1)(b)",),
            likelihood="would",
            reasoning="Endangers Members.",
            evidence_consultation_id=consultation.pk,
        ),
        pit=pit,
    )
    citation.refresh_from_db()
    assert citation.evidence_consultation == consultation
    assert list(consultation.cited_by.all()) == [citation]


def test_citation_form_offers_only_this_cases_consultations(client, officer, case):
    consult(case, officer)
    other_case = factories.case_in_progress(officer)
    consult(other_case, officer, consultee="Another force entirely")
    question = case.questions.get()
    workflow.record_answer(question, actor=officer, held_status="held", outcome="withheld_in_full")
    client.force_login(officer)
    exemption = Exemption.objects.get(code="FOIA-s38")
    # The harm step of a new decision, where the evidence is given.
    url = reverse(
        "exemption_citation_new_step",
        args=[case.reference, question.number, exemption.pk, "harm"],
    )
    page = client.get(url).content.decode()
    assert "Consultation relied on as evidence" in page
    assert POLICE in page
    assert "Another force entirely" not in page


def test_refusal_letter_never_names_the_consultee(officer, reviewer):
    complete_letter_settings()
    factories.catalogue_exemption("FOIA-s38")
    case = log_case(officer, questions=["Which MPs have panic rooms?"], assignee=officer)
    consultation = consult(case, officer, consulted_on=case.received_at.date())
    workflow.record_advice(
        consultation,
        actor=officer,
        advice=ADVICE,
        received_on=case.received_at.date(),
        followed="yes",
    )
    question = case.questions.get()
    workflow.record_answer(question, actor=officer, held_status="held", outcome="withheld_in_full")
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s38"),
        data=seed_citation(
            limbs=("s38(1)(b)",),
            likelihood="would",
            reasoning="Disclosure would endanger the safety of Members.",
            evidence_consultation_id=consultation.pk,
        ),
        pit=seed_pit(case.received_at.date(), "Maintained.", "Openness.", "Safety of Members."),
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)

    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)
    html = letters.render_letter_html(letter)

    assert "section 38(1)(b)" in letter.body  # the exemption is cited (s17(1)(b))
    for text in (letter.body, html):
        assert "Metropolitan Police" not in text
        assert "Protection Command" not in text
        assert "Operation Kestrel" not in text
        assert "consulted" not in text.lower()
