"""The pages for withdrawing an approval and deleting a case, linked from the case page."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from foi_cases import workflow
from foi_cases.models import Case, CaseEvent
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def approved(officer, reviewer):
    case = factories.case_in_progress(officer)
    workflow.record_answer(
        case.questions.get(number=1),
        actor=officer,
        held_status="held",
        outcome="disclosed",
        answer_text="£3m.",
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    return case


@pytest.fixture
def closed(officer):
    return factories.RespondedCaseFactory(
        status="closed",
        received_at=dt.datetime(2022, 3, 1, 9, 0, tzinfo=LONDON),
        responded_at=dt.datetime(2022, 3, 28, 9, 0, tzinfo=LONDON),
        assigned_to=officer,
    )


def _page_links(client, case):
    return client.get(reverse("case_detail", args=[case.reference])).content.decode()


# --- Withdrawing an approval ----------------------------------------------------------------


def test_assigned_officer_withdraws_the_approval_with_a_reason(client, approved, officer):
    client.force_login(officer)
    url = reverse("case_withdraw_approval", args=[approved.reference])
    assert url in _page_links(client, approved)

    response = client.post(url, {"reason": "New advice from the police."})

    assert response.status_code == 302 and response["Location"] == approved.get_absolute_url()
    approved.refresh_from_db()
    assert approved.status == Case.Status.IN_PROGRESS
    event = approved.events.get(verb=CaseEvent.Verb.APPROVAL_WITHDRAWN)
    assert event.actor == officer
    assert "New advice from the police." in _page_links(client, approved)


def test_withdrawal_needs_a_reason(client, approved, manager):
    client.force_login(manager)
    response = client.post(
        reverse("case_withdraw_approval", args=[approved.reference]), {"reason": "  "}
    )
    assert response.status_code == 200
    html = response.content.decode()
    title = html.split("<title>")[1].split("</title>")[0].split()
    assert "Enter the reason" in html and title[0] == "Error:"
    approved.refresh_from_db()
    assert approved.status == Case.Status.APPROVED


def test_others_cannot_withdraw_an_approval(client, approved, other_officer, reviewer):
    url = reverse("case_withdraw_approval", args=[approved.reference])
    for person in (other_officer, reviewer):
        client.force_login(person)
        assert url not in _page_links(client, approved)
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "Because."}).status_code == 403
    approved.refresh_from_db()
    assert approved.status == Case.Status.APPROVED
    assert not approved.events.filter(verb=CaseEvent.Verb.APPROVAL_WITHDRAWN).exists()


def test_a_case_not_approved_says_there_is_nothing_to_withdraw(client, officer):
    case = factories.case_in_progress(officer)
    client.force_login(officer)
    url = reverse("case_withdraw_approval", args=[case.reference])
    assert url not in _page_links(client, case)
    response = client.post(url, {"reason": "Because."})
    assert "Only approved decisions can have their approval withdrawn" in response.content.decode()
    assert not case.events.filter(verb=CaseEvent.Verb.APPROVAL_WITHDRAWN).exists()


# --- Deleting a case ------------------------------------------------------------------------


def test_manager_deletes_a_closed_case_after_confirming(client, closed, manager, caplog):
    client.force_login(manager)
    url = reverse("case_delete", args=[closed.reference])
    assert url in _page_links(client, closed)
    assert "Delete this case" in client.get(url).content.decode()

    confirm = client.post(url, {"reason": "Retention period ended."})
    assert confirm.status_code == 200
    assert "Are you sure you want to delete" in confirm.content.decode()
    assert Case.objects.filter(pk=closed.pk).exists()  # nothing deleted before confirming

    with caplog.at_level(logging.WARNING, logger="foi_cases.audit"):
        done = client.post(url, {"reason": "Retention period ended.", "confirmed": "yes"})

    assert done.status_code == 302 and done["Location"] == reverse("case_list")
    assert not Case.objects.filter(pk=closed.pk).exists()
    assert not CaseEvent.objects.filter(case_id=closed.pk).exists()
    (audit,) = [r for r in caplog.records if r.name == "foi_cases.audit"]
    assert audit.getMessage() == (
        f"Case {closed.reference} deleted by maya: Retention period ended."
    )


def test_deletion_needs_a_reason(client, closed, manager):
    client.force_login(manager)
    response = client.post(
        reverse("case_delete", args=[closed.reference]), {"reason": "", "confirmed": "yes"}
    )
    assert "Enter the reason" in response.content.decode()
    assert Case.objects.filter(pk=closed.pk).exists()


def test_only_a_manager_can_delete_a_case(client, closed, officer, reviewer):
    url = reverse("case_delete", args=[closed.reference])
    for person in (officer, reviewer):
        client.force_login(person)
        assert url not in _page_links(client, closed)
        assert client.get(url).status_code == 403
        response = client.post(url, {"reason": "Tidy up", "confirmed": "yes"})
        assert response.status_code == 403
    assert Case.objects.filter(pk=closed.pk).exists()


def test_an_open_or_held_case_shows_why_it_cannot_be_deleted(client, closed, manager):
    Case.objects.filter(pk=closed.pk).update(legal_hold=True)
    client.force_login(manager)
    url = reverse("case_delete", args=[closed.reference])
    page = client.get(url).content.decode()
    assert "This case cannot be deleted" in page and "The case is on legal hold." in page
    response = client.post(url, {"reason": "Tidy up", "confirmed": "yes"})
    assert "legal hold" in response.content.decode()
    assert Case.objects.filter(pk=closed.pk).exists()
    open_case = factories.case_in_progress(manager)
    assert reverse("case_delete", args=[open_case.reference]) not in _page_links(client, open_case)
