"""The case lists: my cases, my team, all; filters; order; overdue marks; query count."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from foi_cases.bank_holidays import calendar_for
from foi_cases.models import Case
from tests.factories import CaseFactory, TopicFactory

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def working_days_from_today(days: int) -> dt.date:
    return calendar_for("FOIA").add_working_days(today(), days)


def listed(response) -> list[str]:
    return [case.reference for case in response.context["page"].object_list]


@pytest.fixture
def cases(officer, other_officer):
    return {
        "mine": CaseFactory(reference="A-1", assigned_to=officer, status="in_progress"),
        "theirs": CaseFactory(reference="A-2", assigned_to=other_officer, status="in_progress"),
        "new": CaseFactory(reference="A-3"),
        "secret": CaseFactory(
            reference="A-4", assigned_to=other_officer, status="in_progress", restricted=True
        ),
    }


def test_officer_home_is_their_own_cases(client, officer, cases):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["tab"] == "mine"
    assert listed(response) == ["A-1"]


def test_manager_home_is_all_cases(client, manager, cases):
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response.context["tab"] == "all"
    assert sorted(listed(response)) == ["A-1", "A-2", "A-3", "A-4"]


def test_reviewer_team_list_leaves_out_restricted_cases(client, reviewer, cases):
    client.force_login(reviewer)
    response = client.get(reverse("case_list_team"))
    assert response.context["tab"] == "team"
    assert sorted(listed(response)) == ["A-1", "A-2", "A-3"]


def test_user_without_a_role_sees_no_cases(client, outsider, cases):
    client.force_login(outsider)
    home = client.get(reverse("home"))
    assert "has no role yet" in home.content.decode()
    assert "A-1" not in home.content.decode()
    assert client.get(reverse("case_list_team")).status_code == 403


def test_team_tab_hides_restricted_cases_from_officers_not_on_them(client, officer, cases):
    client.force_login(officer)
    response = client.get(reverse("case_list_team"))
    assert sorted(listed(response)) == ["A-1", "A-2", "A-3"]
    assert "A-4" not in response.content.decode()


def test_restricted_case_is_listed_for_its_team(client, officer, cases):
    cases["secret"].team.add(officer)
    client.force_login(officer)
    response = client.get(reverse("case_list_team"))
    assert "A-4" in listed(response)
    assert "Restricted" in response.content.decode()


def test_only_managers_have_the_all_tab(client, officer, manager, cases):
    client.force_login(officer)
    assert client.get(reverse("case_list_all")).status_code == 403
    assert "All cases" not in client.get(reverse("case_list_team")).content.decode()
    client.force_login(manager)
    assert client.get(reverse("case_list_all")).status_code == 200


def test_list_is_sorted_by_current_due_date(client, manager):
    CaseFactory(reference="LATE", due_on=dt.date(2026, 6, 1))
    CaseFactory(reference="SOON", due_on=dt.date(2026, 5, 1))
    CaseFactory(
        reference="EXTENDED", due_on=dt.date(2026, 4, 1), extended_due_on=dt.date(2026, 7, 1)
    )
    client.force_login(manager)
    assert listed(client.get(reverse("case_list_all"))) == ["SOON", "LATE", "EXTENDED"]


def test_closed_cases_are_hidden_unless_asked_for(client, manager):
    CaseFactory(reference="OPEN")
    CaseFactory(reference="DONE", status="closed", outcome="withdrawn")
    client.force_login(manager)
    assert listed(client.get(reverse("case_list_all"))) == ["OPEN"]
    assert sorted(listed(client.get(reverse("case_list_all"), {"status": "any"}))) == [
        "DONE",
        "OPEN",
    ]
    assert listed(client.get(reverse("case_list_all"), {"status": "closed"})) == ["DONE"]


def test_filter_by_topic_officer_and_restricted(client, manager, officer):
    cyber = TopicFactory(name="Cyber", slug="cyber-test")
    CaseFactory(reference="CYBER", topics=[cyber])
    CaseFactory(reference="HERS", assigned_to=officer, status="in_progress")
    CaseFactory(reference="SECRET", restricted=True)
    client.force_login(manager)
    url = reverse("case_list_all")
    assert listed(client.get(url, {"topic": cyber.pk})) == ["CYBER"]
    assert listed(client.get(url, {"officer": officer.pk})) == ["HERS"]
    assert listed(client.get(url, {"restricted": "yes"})) == ["SECRET"]
    assert "SECRET" not in listed(client.get(url, {"restricted": "no"}))


def test_overdue_and_due_soon_are_marked_with_text(client, manager):
    CaseFactory(reference="LATE", due_on=today() - dt.timedelta(days=3))
    CaseFactory(reference="SOON", due_on=working_days_from_today(2))
    CaseFactory(reference="LATER", due_on=working_days_from_today(15))
    CaseFactory(reference="PAUSED", due_on=None, status="awaiting_clarification")
    client.force_login(manager)
    response = client.get(reverse("case_list_all"))
    rows = {
        row.split("</a>", 1)[0].rsplit(">", 1)[-1]: row
        for row in response.content.decode().split('<tr class="govuk-table__row">')[2:]
    }
    assert "Overdue" in rows["LATE"] and "govuk-tag--red" in rows["LATE"]
    assert "Due soon" in rows["SOON"]
    assert "Overdue" not in rows["LATER"] and "Due soon" not in rows["LATER"]
    assert "Clock stopped" in rows["PAUSED"]


def test_overdue_filter(client, manager):
    CaseFactory(reference="LATE", due_on=today() - dt.timedelta(days=1))
    CaseFactory(reference="FINE", due_on=today() + dt.timedelta(days=10))
    CaseFactory(reference="ANSWERED", due_on=today() - dt.timedelta(days=1), status="responded")
    client.force_login(manager)
    response = client.get(reverse("case_list_all"), {"overdue": "on"})
    assert listed(response) == ["LATE"]


def test_due_within_working_days_filter(client, manager):
    CaseFactory(reference="IN-3", due_on=working_days_from_today(3))
    CaseFactory(reference="IN-5", due_on=working_days_from_today(5))
    CaseFactory(reference="IN-6", due_on=working_days_from_today(6))
    CaseFactory(reference="LATE", due_on=today() - dt.timedelta(days=1))
    client.force_login(manager)
    response = client.get(reverse("case_list_all"), {"due_within": "5"})
    assert listed(response) == ["IN-3", "IN-5"]


def test_bad_filter_values_are_explained_not_a_crash(client, manager):
    CaseFactory(reference="ANY")
    client.force_login(manager)
    response = client.get(
        reverse("case_list_all"), {"due_within": "soon", "status": "nonsense", "topic": "x"}
    )
    assert response.status_code == 200
    assert "Enter a whole number of working days" in response.content.decode()
    assert listed(response) == ["ANY"]


def test_valid_filters_still_apply_beside_an_invalid_one(client, manager):
    CaseFactory(reference="OPEN")
    CaseFactory(reference="DONE", status="closed", outcome="withdrawn")
    client.force_login(manager)
    response = client.get(reverse("case_list_all"), {"due_within": "-3", "status": "closed"})
    assert "Enter 0 or more working days" in response.content.decode()
    assert listed(response) == ["DONE"]


def test_list_is_paginated(client, manager):
    for number in range(30):
        CaseFactory(reference=f"P-{number:02d}", due_on=dt.date(2026, 1, 1) + dt.timedelta(number))
    client.force_login(manager)
    first = client.get(reverse("case_list_all"))
    second = client.get(reverse("case_list_all"), {"page": 2})
    assert len(listed(first)) == 25 and listed(second) == [f"P-{n}" for n in range(25, 30)]
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?page=2"' in first.content.decode()


def test_pagination_keeps_the_filters(client, manager, officer):
    for number in range(30):
        CaseFactory(reference=f"P-{number:02d}", assigned_to=officer, status="in_progress")
    client.force_login(manager)
    response = client.get(reverse("case_list_all"), {"officer": officer.pk})
    assert f"officer={officer.pk}&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("count", [10, 50])
def test_list_query_count_does_not_grow_with_cases(
    client, manager, officer, count, django_assert_max_num_queries
):
    topic = TopicFactory(name="Threats", slug="threats-test")
    for number in range(count):
        CaseFactory(
            reference=f"Q-{number:03d}",
            assigned_to=officer,
            status="in_progress",
            topics=[topic],
            restricted=number % 7 == 0,
        )
    client.force_login(officer)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("case_list_team"))
    assert response.status_code == 200
    assert len(listed(response)) == min(count, 25)


def test_each_role_sees_its_navigation(client, officer, reviewer, manager):
    expected = {
        officer: (["My cases", "New request"], ["All cases", "Administration"]),
        reviewer: (["Cases"], ["New request", "Administration", "All cases"]),
        manager: (["All cases", "New request", "Administration"], ["My cases"]),
    }
    for user, (sees, does_not_see) in expected.items():
        client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        nav = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
        # Administration sits with Your account and Sign out in the header's account links.
        nav += html.split('aria-label="Account"', 1)[1].split("</ul>", 1)[0]
        assert all(label in nav for label in sees), (user, nav)
        assert not any(f">{label}<" in nav for label in does_not_see), (user, nav)


def test_case_list_never_shows_a_status_other_than_the_filter(client, manager):
    CaseFactory(reference="R", status=Case.Status.RECEIVED)
    CaseFactory(reference="W", status=Case.Status.AWAITING_FEE)
    client.force_login(manager)
    assert listed(client.get(reverse("case_list_all"), {"status": "awaiting_fee"})) == ["W"]


@pytest.fixture
def searchable(officer, other_officer):
    return {
        "threats": CaseFactory(
            reference="FOI-2026-00042",
            assigned_to=officer,
            title="Threats to MPs",
            request_text="How many threats against MPs were reported to the police in 2025?",
            requester__name="Jane Campaigner",
        ),
        "budget": CaseFactory(
            reference="FOI-2026-00043",
            assigned_to=officer,
            request_text="What was the annual budget for constituency office alarms?",
            requester__name="Sam Reporter",
            requester__email="sam@news.example",
        ),
        "secret": CaseFactory(
            reference="FOI-2026-00044",
            assigned_to=other_officer,
            restricted=True,
            request_text="How many threats were made against one named MP?",
        ),
    }


def searched(client, user, text: str, tab: str = "case_list_team") -> list[str]:
    client.force_login(user)
    response = client.get(reverse(tab), {"q": text, "status": "any"})
    assert response.status_code == 200
    return sorted(listed(response))


def test_search_finds_a_case_by_its_reference_or_part_of_it(client, officer, searchable):
    assert searched(client, officer, "FOI-2026-00042") == ["FOI-2026-00042"]
    assert searched(client, officer, "00043") == ["FOI-2026-00043"]


def test_search_finds_a_case_by_the_requester_name_or_email(client, officer, searchable):
    assert searched(client, officer, "campaigner") == ["FOI-2026-00042"]
    assert searched(client, officer, "SAM@news.example") == ["FOI-2026-00043"]


def test_search_finds_words_of_the_request(client, officer, searchable):
    assert searched(client, officer, "budget") == ["FOI-2026-00043"]


def test_search_never_reveals_a_restricted_case_to_someone_without_access(
    client, officer, manager, searchable
):
    assert searched(client, officer, "threats") == ["FOI-2026-00042"]
    assert searched(client, officer, "FOI-2026-00044") == []
    assert searched(client, manager, "threats", tab="case_list_all") == [
        "FOI-2026-00042",
        "FOI-2026-00044",
    ]


@pytest.mark.postgres
def test_search_on_postgresql_matches_word_forms_and_phrases(client, officer, searchable):
    assert searched(client, officer, "threat") == ["FOI-2026-00042"]
    assert searched(client, officer, '"office alarms"') == ["FOI-2026-00043"]
    assert searched(client, officer, "alarms -budget") == []
    assert searched(client, officer, "!!:* & | ( ") == []


def test_an_overlong_search_is_refused_with_a_message_and_the_list_still_shows(
    client, officer, searchable
):
    client.force_login(officer)
    response = client.get(reverse("case_list_team"), {"q": "x" * 201, "status": "any"})
    assert response.status_code == 200
    assert "Search for 200 characters or fewer" in response.content.decode()
    assert len(listed(response)) == 2
