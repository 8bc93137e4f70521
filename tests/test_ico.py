"""ICO complaints, decision notices (steps due in 35 days) and tribunal appeals (28 days)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from foi_cases import workflow
from foi_cases.models import CaseEvent, ICOComplaint
from tests import factories


@pytest.fixture
def complaint(db, officer):
    case = factories.RespondedCaseFactory()
    return workflow.record_ico_complaint(
        case,
        actor=officer,
        ico_reference="IC-123456-A1B2",
        notified_on=dt.date(2026, 5, 1),
        submissions_due_on=dt.date(2026, 5, 29),
    )


def test_a_complaint_records_the_ico_reference_and_dates(complaint, officer):
    complaint.refresh_from_db()
    assert complaint.ico_reference == "IC-123456-A1B2" and complaint.closed_on is None
    event = complaint.case.events.last()
    assert event.verb == CaseEvent.Verb.ICO_COMPLAINT and event.actor == officer


def test_steps_required_are_due_35_calendar_days_after_the_notice(complaint, officer):
    workflow.record_decision_notice(
        complaint,
        actor=officer,
        notice_on=dt.date(2026, 7, 1),
        outcome="upheld",
        steps_required="Disclose the number of referrals.",
    )
    complaint.refresh_from_db()
    assert complaint.steps_due_on == dt.date(2026, 8, 5)
    assert complaint.appeal_due_on == dt.date(2026, 7, 29)
    assert complaint.closed_on is None
    event = complaint.case.events.last()
    assert event.verb == CaseEvent.Verb.ICO_DECISION
    assert event.data["steps_due_on"] == "2026-08-05"


def test_a_notice_without_steps_closes_the_complaint(complaint, officer):
    workflow.record_decision_notice(
        complaint, actor=officer, notice_on=dt.date(2026, 7, 1), outcome="not_upheld"
    )
    complaint.refresh_from_db()
    assert complaint.closed_on == dt.date(2026, 7, 1) and complaint.steps_due_on is None


def test_compliance_closes_a_complaint_with_steps(complaint, officer):
    workflow.record_decision_notice(
        complaint, actor=officer, notice_on=dt.date(2026, 7, 1), outcome="upheld",
        steps_required="Disclose.",
    )  # fmt: skip
    workflow.record_steps_complied(complaint, actor=officer, on=dt.date(2026, 8, 10))
    complaint.refresh_from_db()
    assert complaint.closed_on == dt.date(2026, 8, 10)
    assert complaint.case.events.last().data["late"] is True


def test_an_appeal_after_28_days_is_flagged_and_keeps_the_complaint_open(complaint, officer):
    workflow.record_decision_notice(
        complaint, actor=officer, notice_on=dt.date(2026, 7, 1), outcome="not_upheld"
    )
    appeal = workflow.record_tribunal_appeal(
        complaint, actor=officer, appellant="requester", lodged_on=dt.date(2026, 7, 30)
    )
    complaint.refresh_from_db()
    assert appeal.lodged_late and complaint.closed_on is None
    workflow.record_tribunal_decision(
        appeal, actor=officer, decided_on=dt.date(2026, 10, 1), outcome="Dismissed"
    )
    complaint.refresh_from_db()
    assert complaint.closed_on == dt.date(2026, 10, 1)
    assert complaint.case.events.last().verb == CaseEvent.Verb.TRIBUNAL_DECIDED


def test_an_appeal_needs_a_decision_notice(complaint, officer):
    with pytest.raises(ValidationError, match="decision notice"):
        workflow.record_tribunal_appeal(
            complaint, actor=officer, appellant="requester", lodged_on=dt.date(2026, 6, 1)
        )


def test_a_future_notice_is_refused(complaint, officer):
    with pytest.raises(ValidationError):
        workflow.record_decision_notice(
            complaint, actor=officer, notice_on=dt.date(2099, 1, 1), outcome="upheld"
        )
    assert ICOComplaint.objects.get(pk=complaint.pk).decision_notice_on is None


def test_upcoming_dates_list_what_is_outstanding(complaint, officer):
    assert [(i.on, i.what) for i in workflow.upcoming_ico_dates(
        today=dt.date(2026, 5, 10)
    )] == [(dt.date(2026, 5, 29), "Submissions due to the ICO")]  # fmt: skip
    workflow.record_decision_notice(
        complaint, actor=officer, notice_on=dt.date(2026, 7, 1), outcome="upheld",
        steps_required="Disclose.",
    )  # fmt: skip
    items = workflow.upcoming_ico_dates(today=dt.date(2026, 7, 2), days=60)
    assert [(i.on, i.what) for i in items] == [
        (dt.date(2026, 7, 29), "Tribunal appeal window closes"),
        (dt.date(2026, 8, 5), "Decision notice steps due"),
    ]
    assert workflow.upcoming_ico_dates(today=dt.date(2026, 7, 2), days=10) == []


def test_the_after_response_page_shows_complaint_dates_and_appeals(complaint, officer, client):
    workflow.record_decision_notice(
        complaint, actor=officer, notice_on=dt.date(2026, 7, 1), outcome="upheld",
        steps_required="Disclose the figure.",
    )  # fmt: skip
    workflow.record_tribunal_appeal(
        complaint, actor=officer, appellant="authority", lodged_on=dt.date(2026, 7, 20),
        hearing_on=dt.date(2026, 10, 5),
    )  # fmt: skip
    client.force_login(officer)
    page = client.get(f"/cases/{complaint.case.reference}/after-response/")
    assert page.status_code == 200
    for text in ("IC-123456-A1B2", "Steps due 5 August 2026", "Appeal by 29 July 2026",
                 "hearing 5 October 2026", "Disclose the figure."):  # fmt: skip
        assert text in page.text


def test_a_decision_notice_is_recorded_through_the_page(complaint, officer, client):
    client.force_login(officer)
    url = f"/cases/{complaint.case.reference}/ico/{complaint.pk}/decision/"
    response = client.post(
        url,
        {
            "notice_on_0": "1",
            "notice_on_1": "7",
            "notice_on_2": "2026",
            "outcome": "upheld",
            "steps_required": "Disclose.",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.steps_due_on == dt.date(2026, 8, 5)
    again = client.post(url, {"notice_on_0": "2", "notice_on_1": "7", "notice_on_2": "2026",
                              "outcome": "upheld"})  # fmt: skip
    assert again.status_code == 400 and "already recorded" in again.text


def test_the_dashboard_fragment_lists_upcoming_dates(complaint):
    from django.template.loader import render_to_string

    items = workflow.upcoming_ico_dates(today=dt.date(2026, 5, 10))
    html = render_to_string("foi_cases/after_response/_ico_dates.html", {"items": items})
    assert "29 May 2026" in html and "Submissions due to the ICO" in html
    assert complaint.case.reference in html
