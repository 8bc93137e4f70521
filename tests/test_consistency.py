"""The consistency guard against the database: the ledger, the approval block and its
override, restricted cases, mosaics, corrections, the register and check_consistency."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from exemptions.models import Review
from foi_cases import workflow
from foi_cases.consistency import ledger
from foi_cases.models import (
    CaseEvent,
    ConsistencyOverride,
    Mention,
    MosaicFlag,
    Notification,
    Position,
    ProtectedPerson,
    ProtectedPlace,
    Question,
    RegisterChange,
)
from tests import factories

pytestmark = pytest.mark.django_db

EARLIER = "Has a panic room been fitted for Jane Smith MP?"
CURRENT = "Has the Member for Ashcombe and Wyre got a panic room at home?"


@pytest.fixture
def jane(db):
    ledger.seed_vocabulary()  # a transactional test before this one may have flushed it
    person = ProtectedPerson.objects.create(
        name="Jane Smith", constituency="Ashcombe and Wyre", aliases="Rt Hon Jane Smith\nJane Doe"
    )
    ProtectedPlace.objects.create(
        name="Ashcombe constituency office",
        kind=ProtectedPlace.Kind.CONSTITUENCY_OFFICE,
        address="14 Mill Lane, Ashcombe",
        postcode="ZA1 2BC",
        person=person,
    )
    return person


def answered(officer, text, held_status, outcome, **fields):
    """A case whose one question was answered and sent, its position in the ledger."""
    case = factories.case_in_progress(officer, questions=(text,), **fields)
    Question.objects.filter(case=case).update(held_status=held_status, outcome=outcome)
    ledger.recognise_case(case)
    ledger.record_positions(case, on=dt.date(2026, 3, 20))
    return case


def not_held_in_review(officer, text=CURRENT):
    case = factories.case_in_progress(officer, questions=(text,))
    ledger.recognise_case(case)
    workflow.record_answer(
        case.questions.get(), actor=officer, held_status="not_held", outcome="not_held"
    )
    workflow.submit_for_review(case, actor=officer)
    return case


def test_a_contradiction_blocks_approval_until_a_reviewer_overrides_it(
    jane, officer, other_officer, reviewer
):
    earlier = answered(other_officer, EARLIER, "ncnd", "ncnd")
    assert Position.objects.filter(case=earlier, person=jane, position="ncnd").exists()
    case = not_held_in_review(officer)

    with pytest.raises(ValidationError, match="block approval"):
        workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()
    assert case.status == "in_review"
    with pytest.raises(ValidationError):
        workflow.override_consistency(case, actor=officer, reason="I wrote it.")

    workflow.override_consistency(
        case, actor=reviewer, reason="The Member disclosed this herself in the House."
    )
    review = workflow.approve_decisions(case, actor=reviewer)

    assert review.status == Review.Status.APPROVED
    override = ConsistencyOverride.objects.get(case=case)
    assert override.findings[0]["earlier"] == {
        "reference": earlier.reference,
        "question": 1,
        "position": "ncnd",
    }
    event = CaseEvent.objects.get(case=case, verb=CaseEvent.Verb.CONSISTENCY_OVERRIDDEN)
    assert event.actor == reviewer
    assert event.data["reason"] == "The Member disclosed this herself in the House."


def test_block_and_override_on_the_approval_page(jane, officer, other_officer, reviewer, client):
    answered(other_officer, EARLIER, "ncnd", "ncnd")
    case = not_held_in_review(officer)
    client.force_login(reviewer)
    decide = reverse("decision_review_decide", args=[case.reference])

    page = client.get(decide).content.decode()
    assert "block approval until a reviewer records why" in page
    response = client.post(reverse("decision_review_approve", args=[case.reference]), {})
    assert response.status_code == 400
    assert "block approval" in response.content.decode()

    override = reverse("consistency_override", args=[case.reference])
    client.post(override, {"reason": "Published by the Member."})
    assert "recorded an override" in client.get(decide).content.decode()
    client.post(reverse("decision_review_approve", args=[case.reference]), {})
    case.refresh_from_db()
    assert case.status == "approved"


def test_a_restricted_earlier_case_is_shown_only_as_its_reference_and_position(
    jane, officer, other_officer, client
):
    hidden = answered(other_officer, EARLIER, "ncnd", "ncnd", restricted=True)
    case = factories.case_in_progress(officer, questions=(CURRENT,))
    ledger.recognise_case(case)
    client.force_login(officer)

    page = client.get(reverse("exemption_question", args=[case.reference, 1])).content.decode()

    assert f"{hidden.reference}: neither confirmed nor denied" in page
    assert EARLIER not in page
    assert f"{hidden.reference} question 1" not in page


def test_check_consistency_prints_one_json_line_per_finding(jane, officer, other_officer):
    earlier = answered(other_officer, EARLIER, "ncnd", "ncnd")
    case = not_held_in_review(officer)
    out = io.StringIO()

    call_command("check_consistency", case.reference, stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [
        {
            "question": 1,
            "subject": "Jane Smith",
            "attribute": "panic-room",
            "finding": "contradiction",
            "severity": "block",
            "earlier": {"reference": earlier.reference, "question": 1, "position": "ncnd"},
        }
    ]


def test_pieces_from_different_requesters_are_flagged_to_both_officers(
    jane, officer, other_officer
):
    address = factories.case_in_progress(
        other_officer, questions=("What is the address of Ms Smith's constituency office?",)
    )
    ledger.recognise_case(address)
    dates = factories.case_in_progress(
        officer, questions=("When were the alarms installed at 14 Mill Lane?",)
    )

    ledger.recognise_case(dates)
    ledger.recognise_case(dates)  # a second recognition tells no one twice

    assert MosaicFlag.objects.filter(case=dates, other_case=address, person=jane).exists()
    assert MosaicFlag.objects.filter(case=address, other_case=dates, person=jane).exists()
    told = Notification.objects.filter(kind=Notification.Kind.MOSAIC)
    assert sorted(told.values_list("user_id", "case_id")) == sorted(
        [(officer.pk, dates.pk), (other_officer.pk, address.pk)]
    )
    assert "Jane Smith" not in told.first().message


def test_the_same_requester_asking_both_pieces_is_not_a_mosaic(jane, officer):
    first = factories.case_in_progress(
        officer, questions=("What is the office address of Jane Smith?",)
    )
    ledger.recognise_case(first)
    second = factories.case_in_progress(
        officer,
        questions=("When were the alarms installed at 14 Mill Lane?",),
        requester=first.requester,
    )
    ledger.recognise_case(second)
    assert not MosaicFlag.objects.exists()


def test_an_officers_correction_survives_recognition(jane, officer, client):
    case = factories.case_in_progress(officer, questions=(CURRENT,))
    ledger.recognise_case(case)
    question = case.questions.get()
    wrong = Mention.objects.get(question=question, person=jane)
    client.force_login(officer)

    response = client.post(
        reverse("case_consistency_correct", args=[case.reference, 1]),
        {"q1-remove": [str(wrong.pk)]},
    )
    ledger.recognise_case(case)

    assert response.status_code == 302
    assert not Mention.objects.filter(question=question, person=jane, removed=False).exists()
    assert CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.MENTIONS_CORRECTED).exists()
    page = client.get(reverse("case_consistency", args=[case.reference])).content.decode()
    assert "Person: Jane Smith" not in page
    # The register is a manager's to keep: only they are offered the way to it.
    assert reverse("consistency_register") not in page


def test_the_register_imports_csv_and_names_every_bad_row(manager, client):
    client.force_login(manager)
    url = reverse("register_import")
    bad = (
        "kind,name,type,constituency,aliases,address,postcode,person\n"
        "person,Priya Raman,member,Harrowgate Vale,Dame Priya Raman,,,\n"
        "place,Raman home,castle,,,9 Kestrel Drive,ZC3 9KD,Priya Raman\n"
        "place,Nobody's office,other_office,,,1 High St,,Nobody\n"
    )
    response = client.post(url, {"file": io.BytesIO(bad.encode())})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: type must be one of" in page and "Row 4: no person called" in page
    assert not ProtectedPerson.objects.exists()

    good = bad.replace("castle", "home").rsplit("place,Nobody", 1)[0]
    client.post(url, {"file": io.BytesIO(good.encode())})
    place = ProtectedPlace.objects.get(name="Raman home")
    assert place.person.name == "Priya Raman"
    assert RegisterChange.objects.get(action="imported").data == {"people": 1, "places": 1}
    exported = client.get(reverse("register_export")).content.decode()
    assert "Priya Raman" in exported and "Dame Priya Raman" in exported


def test_only_managers_see_the_register(officer, reviewer, manager, client):
    for person in (officer, reviewer):
        client.force_login(person)
        assert client.get(reverse("consistency_register")).status_code == 403
    case = factories.case_in_progress(officer)
    client.force_login(manager)
    page = client.get(reverse("case_consistency", args=[case.reference])).content.decode()
    assert reverse("consistency_register") in page


def test_a_sent_final_response_records_its_positions(
    jane, officer, reviewer, settings, tmp_path, django_capture_on_commit_callbacks
):
    from foi_cases.models import Letter
    from tests.letter_helpers import complete_letter_settings

    settings.MEDIA_ROOT = tmp_path / "media"
    complete_letter_settings()
    letter_reviewer = factories.UserFactory(username="ravi", roles=["Reviewer"])
    case = not_held_in_review(officer, "Is there CCTV at Jane Smith's constituency office?")
    workflow.approve_decisions(case, actor=reviewer)
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_letter(letter, actor=letter_reviewer, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    sent_at = dt.datetime.now(dt.UTC)
    assert not Position.objects.filter(case=case).exists()

    workflow.record_letter_sent(letter, actor=officer, sent_at=sent_at, via="post")

    rows = Position.objects.filter(case=case).select_related("attribute", "place")
    assert {(r.person_id, r.place.name, r.attribute.slug, r.position) for r in rows} == {
        (jane.pk, "Ashcombe constituency office", "cctv", "not_held")
    }


def test_someone_the_ledger_speaks_of_cannot_be_deleted_from_the_register(jane, officer, manager):
    answered(officer, EARLIER, "ncnd", "ncnd")

    with pytest.raises(ValidationError, match="earlier answers in the ledger"):
        workflow.delete_register_entry(jane, actor=manager)

    assert ProtectedPerson.objects.filter(pk=jane.pk).exists()
    assert not RegisterChange.objects.filter(action="deleted").exists()
