"""Refused attempts to open a restricted case are recorded in its read log, and shown apart."""

import pytest
from django.urls import reverse

from foi_cases import workflow
from foi_cases.models import CaseAccessLog, Letter
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(officer, manager):
    case = CaseFactory(reference="FOI-2026-00200", assigned_to=officer, status="in_progress")
    workflow.set_restricted(case, actor=manager, restricted=True, reason="MP security")
    return case


def refused_attempts():
    return list(
        CaseAccessLog.objects.filter(granted=False)
        .order_by("pk")
        .values_list("case__reference", "user__username", "what")
    )


def test_refused_attempt_is_recorded_and_answered_as_not_found(client, other_officer, restricted):
    client.force_login(other_officer)
    path = reverse("case_detail", args=[restricted.reference])

    response = client.get(path)
    missing = client.get(reverse("case_detail", args=["FOI-2026-99999"]))

    assert response.status_code == missing.status_code == 404
    assert "Page not found" in response.text and restricted.title not in response.text
    assert refused_attempts() == [(restricted.reference, "oscar", path)]
    assert not CaseAccessLog.objects.filter(granted=True).exists()


def test_refused_attempts_through_letter_decision_and_review_pages_are_recorded(
    client, officer, reviewer, outsider, restricted
):
    letter = workflow.compose_letter(restricted, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)
    paths = [
        reverse("letter_download", args=[restricted.reference, letter.pk]),
        reverse("letter_list", args=[restricted.reference]),
        reverse("exemption_decisions", args=[restricted.reference]),
        reverse("decision_review", args=[restricted.reference]),
        reverse("review_request", args=[restricted.reference]),
        reverse("access_log", args=[restricted.reference]),
    ]
    for user in (reviewer, outsider):
        client.force_login(user)
        for path in paths:
            assert client.get(path).status_code == 404, path

    assert refused_attempts() == [
        (restricted.reference, user.username, path)
        for user in (reviewer, outsider)
        for path in paths
    ]


def test_nothing_recorded_for_anonymous_visitors_open_cases_or_missing_ones(
    client, officer, outsider, restricted
):
    open_case = CaseFactory(reference="FOI-2026-00201", assigned_to=officer)
    path = reverse("case_detail", args=[restricted.reference])

    assert client.get(path).status_code == 302  # to sign-in
    client.force_login(outsider)
    assert client.get(reverse("case_detail", args=[open_case.reference])).status_code == 404
    assert client.get(reverse("case_detail", args=["FOI-2026-99999"])).status_code == 404

    assert not CaseAccessLog.objects.exists()


def test_read_log_shows_refused_attempts_apart_from_reads(
    client, officer, other_officer, manager, restricted
):
    path = reverse("case_detail", args=[restricted.reference])
    client.force_login(other_officer)
    client.get(path)
    client.force_login(officer)
    client.get(path)

    client.force_login(manager)
    for log_page in (reverse("access_log", args=[restricted.reference]), reverse("access_log_all")):
        rows = client.get(log_page).text.split('<tr class="govuk-table__row">')[1:]
        refused = [row for row in rows if "(oscar)" in row]
        read = [row for row in rows if "(olivia)" in row]
        assert len(refused) == 1 and "Refused" in refused[0] and "govuk-tag--red" in refused[0]
        assert len(read) == 1 and "Read" in read[0] and "Refused" not in read[0]
