"""The dashboard and report pages run the same number of queries for 10 cases as for 1,000."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from foi_cases.models import Case, Question, Requester, Topic
from foi_cases.reporting import outcomes

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")

# Session, user, roles, the filter form's topics and officers, and the panels' aggregates
# (open cases, the overdue and the due-soon case lines, timeliness, the period's outcomes
# with days taken, exemptions, topics, reviews). The session is not saved: the request
# follows the warm-up within SESSION_REFRESH_SECONDS.
DASHBOARD_QUERIES = 13
# The report: the period's timeliness and Code list counts per outcome in one grouped query,
# the exemptions cited, the requests referred for review and the internal reviews.
STATISTICS_QUERIES = 7
CSV_QUERIES = 11
EXPORT_QUERIES = 6  # with the access log of the restricted rows exported
# The cases due and the managers, then per person (3 here) a savepoint, its release, the case's
# watchers and a look at what was already sent: it grows with people, never with cases.
REMINDER_QUERIES = 14


def bulk_cases(n: int, officers: list, creator) -> None:
    """n cases spread over the last 100 days in every status, with questions and citations."""
    from exemptions.models import Exemption, ExemptionCitation

    rng = random.Random(n)
    today = timezone.localdate()
    topics = [Topic.objects.create(name=f"Topic {i}", slug=f"topic-{i}") for i in range(5)]
    requester = Requester.objects.create(name="Bulk requester")
    statuses = Case.Status.values
    rows = []
    for i in range(n):
        received = today - dt.timedelta(days=rng.randrange(100))
        status = statuses[i % len(statuses)]
        due = received + dt.timedelta(days=28)
        responded = None
        if status in Case.FINISHED_STATUSES:
            responded = dt.datetime.combine(
                min(today, received + dt.timedelta(days=rng.randrange(40))), dt.time(12), LONDON
            )
        rows.append(
            Case(
                reference=f"BULK-{n}-{i:05d}",
                requester=requester,
                channel="email",
                received_at=dt.datetime.combine(received, dt.time(10), LONDON),
                title=f"Bulk request {i}",
                request_text="Bulk",
                status=status,
                outcome=rng.choice(["", "granted_in_full", "withdrawn"]) if responded else "",
                assigned_to=officers[i % len(officers)],
                restricted=i % 7 == 0,
                due_on=None if status in Case.CLOCK_STOPPED_STATUSES else due,
                extended_due_on=due + dt.timedelta(days=20) if i % 11 == 0 else None,
                responded_at=responded,
                created_by=creator,
            )
        )
    cases = Case.objects.bulk_create(rows)
    questions = Question.objects.bulk_create(
        Question(
            case=case,
            number=q,
            text="?",
            held_status=rng.choice(Question.Held.values),
            outcome=rng.choice(Question.Outcome.values),
        )
        for case in cases
        for q in (1, 2)
    )
    exemptions = list(Exemption.objects.filter(code__in=["FOIA-s31", "FOIA-s40", "FOIA-s12"]))
    ExemptionCitation.objects.bulk_create(
        ExemptionCitation(
            question=question,
            case_id=question.case_id,
            exemption=exemptions[i % len(exemptions)],
            provision="x",
            created_by=creator,
            updated_by=creator,
        )
        for i, question in enumerate(questions)
        if i % 3 == 0
    )
    Case.topics.through.objects.bulk_create(
        Case.topics.through(case_id=case.pk, topic_id=topics[i % 5].pk)
        for i, case in enumerate(cases)
    )
    outcomes.refresh_reporting([case.pk for case in cases])  # as every bulk writer must


@pytest.fixture
def seeded(request, manager, officer, other_officer):
    from tests.factories import _catalogue

    _catalogue("FOIA-s31")
    bulk_cases(request.param, [officer, other_officer], manager)
    return request.param


def _measure(client, django_assert_num_queries, expected, url, params=None):
    client.get(url, params or {})  # warm the per-process calendar and template caches
    with django_assert_num_queries(expected):
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("seeded", [10, 1000], indirect=True)
def test_dashboard_query_count_is_constant(seeded, client, manager, django_assert_num_queries):
    client.force_login(manager)
    response = _measure(client, django_assert_num_queries, DASHBOARD_QUERIES, reverse("dashboard"))
    assert "Open cases" in response.content.decode()


@pytest.mark.parametrize("seeded", [10, 1000], indirect=True)
def test_officer_team_dashboard_query_count_is_constant(
    seeded, client, officer, django_assert_num_queries
):
    client.force_login(officer)
    _measure(
        client,
        django_assert_num_queries,
        DASHBOARD_QUERIES,
        reverse("dashboard"),
        {"scope": "team"},
    )


@pytest.mark.parametrize("seeded", [10, 1000], indirect=True)
def test_statistics_query_count_is_constant(seeded, client, manager, django_assert_num_queries):
    client.force_login(manager)
    today = timezone.localdate()
    params = {"year": today.year, "quarter": (today.month - 1) // 3 + 1}
    _measure(client, django_assert_num_queries, STATISTICS_QUERIES, reverse("statistics"), params)
    _measure(
        client, django_assert_num_queries, STATISTICS_QUERIES, reverse("statistics_csv"), params
    )


@pytest.mark.parametrize("seeded", [10, 1000], indirect=True)
def test_csv_query_counts_are_constant(seeded, client, manager, django_assert_num_queries):
    client.force_login(manager)
    _measure(
        client, django_assert_num_queries, CSV_QUERIES, reverse("dashboard_csv", args=["outcomes"])
    )
    response = _measure(
        client,
        django_assert_num_queries,
        EXPORT_QUERIES,
        reverse("case_list_export"),
        {"tab": "all", "status": "any"},
    )
    assert response.content.decode("utf-8-sig").count("\n") == seeded + 1


@pytest.mark.parametrize("seeded", [10, 1000], indirect=True)
def test_reminder_job_query_count_does_not_grow_with_cases(
    seeded, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from foi_cases import notifications

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_deadline_reminders() > 0
    # A second run finds everything recorded: a fixed number of queries per person.
    with django_assert_num_queries(REMINDER_QUERIES):
        assert notifications.send_deadline_reminders() == 0
