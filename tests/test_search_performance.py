"""The case list's search box: every match, in due order, page by page, in few queries.

A search takes the page and the count from one reading of the matches
(foi_cases.case_views.case_list); these pin that it lists and counts exactly what the paginator did.
"""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from foi_cases import search
from foi_cases.models import Case
from foi_cases.reporting.outcomes import refresh_reporting
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return [case.reference for case in response.context["page"].object_list]


def in_due_order(cases: list[Case]) -> list[str]:
    """Soonest current due date first, cases without one last, then by reference."""

    def key(case: Case) -> tuple:
        due = case.extended_due_on or case.due_on
        return (due is None, due or dt.date.min, case.reference)

    return [case.reference for case in sorted(cases, key=key)]


@pytest.fixture
def matches() -> list[Case]:
    """30 cases found by "Bridger" (24 by their text, 6 by their requester), and 2 that are not."""
    found = []
    for number in range(30):
        fields = {
            "reference": f"S-{number:02d}",
            "due_on": dt.date(2026, 1, 1) + dt.timedelta(days=(number * 7) % 30),
        }
        if number % 5 == 0:
            fields["requester__name"] = f"Ann Bridger {number}"
        else:
            fields["request_text"] = "Correspondence about Operation Bridger."
        if number == 3:
            fields["extended_due_on"] = dt.date(2027, 1, 1)
        if number == 4:
            fields.update(due_on=None, status=Case.Status.AWAITING_CLARIFICATION)
        found.append(CaseFactory(**fields))
    CaseFactory(reference="OTHER-1", request_text="Correspondence about Operation Other.")
    CaseFactory(reference="OTHER-2", requester__name="Bea Bridges")
    return found


def get(client, **params):
    return client.get(reverse("case_list_all"), {"q": "Bridger", "status": "any", **params})


def test_search_lists_every_match_once_in_due_order_across_pages(client, manager, matches):
    client.force_login(manager)
    first, second = get(client), get(client, page=2)
    assert listed(first) + listed(second) == in_due_order(matches)
    html = first.content.decode()
    assert "30 cases, soonest due first." in html
    assert "Page 1 of 2" in html
    assert "q=Bridger&amp;status=any&amp;page=2" in html
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize(
    ("asked", "shown"), [("", 1), ("1", 1), ("2", 2), ("9", 2), ("0", 2), ("-1", 2), ("x", 1)]
)
def test_search_pages_out_of_range_or_odd_behave_as_before(client, manager, matches, asked, shown):
    client.force_login(manager)
    response = get(client, page=asked)
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert response.context["page"].paginator.count == 30
    expected = in_due_order(matches)
    assert listed(response) == expected[(shown - 1) * 25 : shown * 25]


def test_a_search_that_finds_nothing_says_so(client, manager, matches):
    client.force_login(manager)
    response = get(client, q="Nonexistentword")
    assert listed(response) == []
    html = response.content.decode()
    assert "0 cases, soonest due first." in html
    assert "No cases match." in html


def test_search_still_applies_the_other_filters(client, manager, matches):
    Case.objects.filter(reference__in=["S-00", "S-01"]).update(restricted=True)
    client.force_login(manager)
    first = get(client, restricted="no")
    second = get(client, restricted="no", page=2)
    unrestricted = [case for case in matches if case.reference not in ("S-00", "S-01")]
    assert listed(first) + listed(second) == in_due_order(unrestricted)
    assert first.context["page"].paginator.count == 28


@pytest.mark.parametrize("count", [5, 40])
def test_search_query_count_does_not_grow_with_matches(
    client, manager, count, django_assert_max_num_queries
):
    CaseFactory.create_batch(count, request_text="Correspondence about Operation Bridger.")
    client.force_login(manager)
    get(client)  # the first page after signing in also saves the session
    with django_assert_max_num_queries(11):
        response = get(client)
    assert len(listed(response)) == min(count, 25)
    assert response.context["page"].paginator.count == count


@pytest.mark.postgres
def test_search_on_postgresql_reads_the_cases_through_the_text_and_requester_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search.matching_cases(Case.objects.all(), "Bridger", every_match=True).explain()
    assert "case_text_by_received" in plan
    assert "requester_name_trigram" in plan
    assert "BitmapOr" in plan  # one reading of the cases, not a union joined back to them


# The newest matches received in the last quarter (found in the first, bounded, look) or
# long before it (found by the second, over all of time).
@pytest.mark.parametrize("days_ago", [3, 200])
def test_a_search_lists_the_most_recent_matches_until_widened(
    client, manager, matches, monkeypatch, days_ago
):
    from foi_cases import case_views

    monkeypatch.setattr(case_views, "SEARCH_CANDIDATES", 5)
    newest = ["S-07", "S-11", "S-16", "S-22", "S-29"]
    latest = timezone.now() - dt.timedelta(days=days_ago)
    for hours, reference in enumerate(newest):
        Case.objects.filter(reference=reference).update(
            received_at=latest - dt.timedelta(hours=hours)
        )
    # Written without an audit event, so the reporting summary is refreshed by hand.
    refresh_reporting(Case.objects.filter(reference__in=newest).values_list("pk", flat=True))
    client.force_login(manager)

    response = get(client)
    assert sorted(listed(response)) == newest
    html = response.content.decode()
    assert "These are the 5 most recently received matches." in html
    assert "q=Bridger&amp;status=any&amp;all_matches=1" in html

    widened = get(client, all_matches="1")
    assert widened.context["page"].paginator.count == 30
    assert "most recently received" not in widened.content.decode()
