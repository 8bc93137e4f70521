"""The case page: who asked, what, the deadline and how it was reached, actions, timeline."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.html import escape

from foi_cases import workflow
from foi_cases.models import Case, CaseAccessLog
from foi_cases.reporting.outcomes import refresh_reporting
from tests.factories import CaseFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(officer):
    case = CaseFactory(
        reference="FOI-2026-00100",
        title="Panic alarms in constituency offices",
        # Monday 16 March 2026, the day before St Patrick's Day.
        received_at=dt.datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Europe/London")),
        assigned_to=officer,
        status="in_progress",
    )
    QuestionFactory(case=case, number=1, text="How many panic alarms were fitted in 2025?")
    QuestionFactory(case=case, number=2, text="What did they cost?")
    return case


def page(client, case):
    return client.get(reverse("case_detail", args=[case.reference]))


def test_case_page_shows_requester_questions_and_deadline(client, officer, case):
    client.force_login(officer)
    response = page(client, case)

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(case.requester.name) in html and case.requester.email in html
    assert "How many panic alarms were fitted in 2025?" in html
    assert "What did they cost?" in html
    assert "Thursday 16 April 2026" in html
    assert response.context["deadline"].explanation
    for sentence in response.context["deadline"].explanation:
        assert escape(sentence) in html
    assert "working day" in html


def test_overdue_case_says_how_many_working_days_late(client, officer, case):
    client.force_login(officer)
    response = page(client, case)
    # Due 16 Apr 2026, and "today" in these tests is after that.
    assert response.context["late"] > 0
    assert "working days late" in response.content.decode()
    assert "Overdue" in response.content.decode()


def test_assigned_officer_sees_the_steps_the_status_allows(client, officer, case):
    client.force_login(officer)
    labels = [label for label, _ in page(client, case).context["actions"]]
    assert labels == [
        "Triage",
        "Ask for clarification (s1(3))",
        "Fees notice (s9)",
        "Public interest extension (s10(3))",
        "Statutory variation of the time for compliance",
        "Close the case early",
    ]


def test_awaiting_clarification_offers_only_its_answer_and_closing(client, officer, case):
    workflow.request_clarification(case, actor=officer, on=dt.date(2026, 3, 20))
    client.force_login(officer)
    labels = [label for label, _ in page(client, case).context["actions"]]
    assert labels == [
        "Triage",
        "Clarification received",
        "Statutory variation of the time for compliance",
        "Close the case early",
    ]


def test_foisa_case_offers_no_public_interest_extension(client, officer, case):
    case.regime = "FOISA"
    case.save()
    # Written without an audit event, so the reporting rows are refreshed by hand.
    refresh_reporting([case.pk])
    client.force_login(officer)
    labels = [label for label, _ in page(client, case).context["actions"]]
    assert "Public interest extension (s10(3))" not in labels


def test_other_officer_and_reviewer_see_the_case_but_no_actions(
    client, other_officer, reviewer, case
):
    for user in (other_officer, reviewer):
        client.force_login(user)
        response = page(client, case)
        assert response.status_code == 200
        assert response.context["actions"] == []
        assert "There is nothing you can do on this case now." in response.content.decode()


def test_timeline_lists_audit_events_with_who_and_what(client, officer, manager, case):
    workflow.assign_case(case, actor=manager, assignee=officer)
    client.force_login(officer)
    html = page(client, case).content.decode()
    timeline = html.split("Timeline", 1)[1]
    assert "Assigned" in timeline
    # People by their names, never their usernames.
    assert f"to {escape(officer.get_full_name())}" in timeline  # Faker may give "O'Brien"
    assert "to olivia" not in timeline
    assert escape(manager.get_full_name()) in timeline


def test_timeline_names_topics_and_shows_money_in_pounds_and_pence(client, officer, case):
    from foi_cases.models import Topic

    topic = Topic.objects.create(name="Members' security support", slug="members-security")
    workflow.set_topics(case, actor=officer, topics=[topic])
    workflow.give_fee_notice(case, actor=officer, on=dt.date(2026, 3, 18), amount=Decimal("87.5"))
    client.force_login(officer)
    timeline = page(client, case).content.decode().split("Timeline", 1)[1]

    assert escape("Members' security support") in timeline
    assert "members-security" not in timeline
    assert "£87.50" in timeline and "£87.5 " not in timeline


def test_officer_not_on_a_restricted_case_gets_404(client, other_officer, case):
    case.restricted = True
    case.save()
    client.force_login(other_officer)
    assert page(client, case).status_code == 404
    # Nothing was read; the refused attempt itself is recorded (tests/test_access_log.py).
    assert not CaseAccessLog.objects.filter(granted=True).exists()


def test_user_without_a_role_gets_404(client, outsider, case):
    client.force_login(outsider)
    assert page(client, case).status_code == 404


def test_missing_case_gets_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("case_detail", args=["FOI-1999-99999"])).status_code == 404


def test_reads_of_a_restricted_case_are_logged(client, officer, manager, case):
    case.restricted = True
    case.save()
    for user in (officer, manager):
        client.force_login(user)
        assert page(client, case).status_code == 200

    log = list(CaseAccessLog.objects.order_by("at").values_list("user__username", "what"))
    path = reverse("case_detail", args=[case.reference])
    assert log == [("olivia", path), ("maya", path)]


def test_reads_of_an_unrestricted_case_are_not_logged(client, officer, case):
    client.force_login(officer)
    page(client, case)
    assert not CaseAccessLog.objects.exists()


def test_page_query_count_is_bounded(client, officer, case, django_assert_max_num_queries):
    for number in range(3, 30):
        QuestionFactory(case=case, number=number)
    client.force_login(officer)
    with django_assert_max_num_queries(20):
        assert page(client, case).status_code == 200


def test_admin_shows_a_case_read_only_and_logs_restricted_reads(client, case):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True, roles=["Manager"])
    case.restricted = True
    case.save()
    client.force_login(admin)
    change = reverse("admin:foi_cases_case_change", args=[case.pk])

    assert client.get(change).status_code == 200
    client.post(change, {"status": "closed", "reference": "HACKED"})

    case.refresh_from_db()
    assert (case.status, case.reference) == ("in_progress", "FOI-2026-00100")
    assert CaseAccessLog.objects.filter(case=case, user=admin).count() == 2
    assert client.get(reverse("admin:foi_cases_case_add")).status_code == 403


def test_case_page_links_the_assigned_officer_to_decisions_and_letters(client, officer):
    case = CaseFactory(assigned_to=officer, status=Case.Status.IN_PROGRESS)
    client.force_login(officer)
    response = client.get(reverse("case_detail", args=[case.reference]))
    pages = dict(response.context["pages"])
    assert pages["Decisions per question"] == reverse("exemption_decisions", args=[case.reference])
    assert pages["Letters"] == reverse("letter_list", args=[case.reference])
    assert "Review the decisions" not in pages


def test_case_page_offers_the_review_only_to_a_reviewer_of_a_case_in_review(
    client, officer, reviewer
):
    case = CaseFactory(assigned_to=officer, status=Case.Status.IN_REVIEW)
    client.force_login(reviewer)
    pages = dict(client.get(reverse("case_detail", args=[case.reference])).context["pages"])
    assert pages["Review the decisions"] == reverse("decision_review", args=[case.reference])
    assert "Decisions per question" not in pages


def responded(case, on: dt.date):
    """A case received when the fixture's was, answered on the day."""
    return CaseFactory(
        received_at=case.received_at,
        assigned_to=case.assigned_to,
        status="responded",
        outcome="granted_in_full",
        responded_at=dt.datetime.combine(on, dt.time(15, 0), ZoneInfo("Europe/London")),
    )


def test_after_the_response_the_headline_is_the_day_it_went_and_in_time(client, officer, case):
    # Received Mon 16 Mar 2026; day 20 is Thu 16 Apr (17 Mar, 3 and 6 Apr skipped).
    client.force_login(officer)
    html = page(client, responded(case, dt.date(2026, 4, 15))).content.decode()

    assert "Responded on 15 April 2026, working day 19: in time" in html
    assert "Due <strong>" not in html
    assert "working days late" not in html


def test_a_late_response_says_how_many_working_days_late(client, officer, case):
    client.force_login(officer)
    html = page(client, responded(case, dt.date(2026, 4, 21))).content.decode()

    assert "Responded on 21 April 2026, working day 23: 3 working days late" in html


def test_a_response_on_the_due_day_is_in_time(client, officer, case):
    client.force_login(officer)
    html = page(client, responded(case, dt.date(2026, 4, 16))).content.decode()

    assert "Responded on 16 April 2026, working day 20: in time" in html
