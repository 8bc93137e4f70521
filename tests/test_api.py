"""The JSON API: tokens and scopes, need-to-know, intake, filters, problem details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foi_cases import workflow
from foi_cases.api.tokens import issue_token, revoke_token
from foi_cases.models import ApiToken, Case, CaseAccessLog, CaseEvent
from foi_cases.permissions import OFFICER
from tests import factories
from tests.url_targets import published_entry

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
JSON = "application/json"
ALL_SCOPES = ["intake", "read", "statistics"]
NEW_REQUEST = {
    "requester_name": "Ann Example",
    "requester_email": "ann@example.org",
    "title": "Panic alarms",
    "request_text": "Please tell me:\n1. How many panic alarms were fitted?\n2. At what cost?",
    "received_at": "2026-03-02T10:00:00+00:00",
}


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def token_for(owner, manager, scopes=ALL_SCOPES, **fields):
    expires = fields.pop("expires_on", timezone.localdate() + dt.timedelta(days=30))
    return issue_token(
        actor=manager, owner=owner, name="CRM", scopes=scopes, expires_on=expires, **fields
    )


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# --- Tokens ----------------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_hash_and_works_until_revoked(officer, manager):
    issued = token_for(officer, manager, scopes=["read"])
    token = ApiToken.objects.get()
    assert issued.secret not in (token.key_hash, token.prefix) and len(token.key_hash) == 64
    assert bearer(issued.secret).get(reverse("api_cases")).status_code == 200

    revoke_token(token, actor=manager)

    body = problem_of(bearer(issued.secret).get(reverse("api_cases")), 401)
    assert "revoked" in body["detail"]
    token.refresh_from_db()
    assert token.revoked_by == manager and token.revoked_at is not None


def test_an_expired_token_or_one_of_a_deactivated_owner_stops_working(officer, manager):
    issued = token_for(officer, manager)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    problem_of(bearer(issued.secret).get(reverse("api_cases")), 401)

    fresh = token_for(officer, manager)
    officer.is_active = False
    officer.save()
    problem_of(bearer(fresh.secret).get(reverse("api_cases")), 401)


def test_only_managers_issue_tokens(officer):
    with pytest.raises(PermissionDenied):
        token_for(officer, officer)


def test_a_token_without_the_scope_is_refused_and_never_exceeds_its_owner(
    officer, reviewer, manager
):
    read_only = token_for(officer, manager, scopes=["read"])
    response = bearer(read_only.secret).post(reverse("api_requests"), NEW_REQUEST, JSON)
    body = problem_of(response, 403)
    assert "intake" in body["detail"]
    # A reviewer may not log requests on the pages, so no token of theirs can.
    reviewer_token = token_for(reviewer, manager)
    problem_of(
        bearer(reviewer_token.secret).post(reverse("api_requests"), NEW_REQUEST, JSON),
        403,
    )
    # Statistics are for managers: the scope alone does not open them.
    problem_of(bearer(token_for(officer, manager).secret).get(reverse("api_statistics")), 403)
    manager_token = token_for(manager, manager)
    assert bearer(manager_token.secret).get(reverse("api_statistics")).status_code == 200


def test_anonymous_callers_get_401_problem_details():
    body = problem_of(Client().get(reverse("api_cases")), 401)
    assert body["type"] == "about:blank"
    assert Client().get(reverse("api_cases"))["WWW-Authenticate"] == "Bearer"


# --- Logging a request -------------------------------------------------------------------


def test_logging_a_request_works_as_intake_does_and_explains_the_due_date(officer, manager):
    issued = token_for(officer, manager, scopes=["intake"], channel="web_form")

    response = bearer(issued.secret).post(reverse("api_requests"), NEW_REQUEST, JSON)

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert case.channel == "web_form" and case.created_by == officer
    assert [q.text for q in case.questions.order_by("number")] == [
        "How many panic alarms were fitted?",
        "At what cost?",
    ]
    assert body["due_on"] == case.due_on.isoformat()
    assert any("working day" in line for line in body["due_explanation"])
    assert response["Location"].endswith(reverse("api_case", args=[case.reference]))
    assert CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.LOGGED, actor=officer).exists()


def test_a_bad_request_gets_field_errors_and_logs_nothing(officer, manager):
    issued = token_for(officer, manager, scopes=["intake"])
    bad = {**NEW_REQUEST, "requester_email": "", "received_at": "2099-01-01T00:00:00Z"}

    body = problem_of(bearer(issued.secret).post(reverse("api_requests"), bad, JSON), 400)

    assert "received_at" in body["errors"]
    assert not Case.objects.exists()
    problem_of(bearer(issued.secret).post(reverse("api_requests"), "{not json", JSON), 400)


# --- Reading cases -----------------------------------------------------------------------


def test_restricted_cases_are_404_to_outsiders_and_every_read_is_logged(
    officer, other_officer, manager
):
    case = factories.case_in_progress(officer)
    workflow.set_restricted(case, actor=officer, restricted=True, reason="Need to know")
    CaseAccessLog.objects.all().delete()
    url = reverse("api_case", args=[case.reference])

    outsider = bearer(token_for(other_officer, manager, scopes=["read"]).secret)
    problem_of(outsider.get(url), 404)
    listed = outsider.get(reverse("api_cases")).json()["results"]
    assert case.reference not in [c["reference"] for c in listed]

    insider = bearer(token_for(officer, manager, scopes=["read"]).secret)
    assert insider.get(url).json()["reference"] == case.reference
    assert insider.get(url + "/questions").status_code == 200
    listed = insider.get(reverse("api_cases")).json()["results"]
    assert [c["reference"] for c in listed] == [case.reference]

    reads = list(CaseAccessLog.objects.order_by("pk").values_list("user", "what", "granted"))
    assert reads == [
        (other_officer.pk, url, False),
        (officer.pk, url, True),
        (officer.pk, url + "/questions", True),
        (officer.pk, "API /api/v1/cases", True),
    ]


def test_the_case_list_filters_as_the_page_does_and_pages_by_cursor(officer, manager):
    mine = [factories.case_in_progress(officer) for _ in range(3)]
    factories.CaseFactory(status="closed")
    client = bearer(token_for(manager, manager, scopes=["read"]).secret)

    first = client.get(reverse("api_cases"), {"officer": officer.pk, "page_size": 2}).json()
    second = client.get(first["next"]).json()

    seen = [c["reference"] for c in first["results"] + second["results"]]
    assert sorted(seen) == sorted(c.reference for c in mine) and second["next"] is None
    everything = client.get(reverse("api_cases"), {"status": "any"}).json()["results"]
    assert len(everything) == 4
    body = problem_of(client.get(reverse("api_cases"), {"due_within": "many"}), 400)
    assert "due_within" in body["errors"]


def test_a_cases_decisions_letters_and_events(officer, other_officer, manager):
    from tests.url_targets import case_in_review

    target = case_in_review(officer, restricted=False).case
    base = reverse("api_case", args=[target.reference])
    own = bearer(token_for(officer, manager, scopes=["read"]).secret)
    other = bearer(token_for(other_officer, manager, scopes=["read"]).secret)

    decisions = own.get(base + "/decisions").json()
    assert [c["section"] for c in decisions["citations"]] == ["s31"]
    assert decisions["internal_held"] == {}
    assert other.get(base + "/decisions").json()["internal_held"] is None
    letters = own.get(base + "/letters").json()
    assert [letter["kind"] for letter in letters] == ["acknowledgement"]
    events = own.get(base + "/events").json()["results"]
    assert [e["created_at"] for e in events] == sorted(e["created_at"] for e in events)
    assert CaseEvent.Verb.SUBMITTED_FOR_REVIEW in [e["verb"] for e in events]


# --- Public, errors, limits -----------------------------------------------------------------


def test_the_disclosure_log_and_its_feed_need_no_sign_in_and_show_published_entries_only(manager):
    entry = published_entry(manager)
    published_entry_draft = factories.CaseFactory(status="responded")
    entries = Client().get(reverse("api_disclosure_log")).json()["results"]
    assert [e["reference"] for e in entries] == [entry.case.reference]
    assert Client().get(reverse("api_disclosure_log"), {"q": "Unasked"}).json()["results"] == []
    problem_of(Client().get(reverse("api_disclosure_log"), {"year": "0"}), 400)
    feed = Client().get(reverse("api_disclosure_log_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert entry.case.reference in feed.content.decode()
    assert published_entry_draft.reference not in feed.content.decode()


def test_every_error_is_problem_details(officer, manager):
    client = bearer(token_for(officer, manager).secret)
    problem_of(client.get("/api/v1/no-such-thing"), 404)
    problem_of(client.delete(reverse("api_cases")), 405)
    problem_of(client.get(reverse("api_cases") + "?q=%00"), 400)


def test_an_unexpected_failure_is_a_500_problem_and_is_logged(manager, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the statistics broke")

    monkeypatch.setattr("foi_cases.reporting.statistics.quarterly_report", broken)
    client = bearer(token_for(manager, manager, scopes=["statistics"]).secret)

    body = problem_of(client.get(reverse("api_statistics")), 500)

    assert "the statistics broke" not in body["detail"]
    assert "the statistics broke" in caplog.text


def test_a_token_over_its_rate_limit_gets_429_with_retry_after(officer, manager, settings):
    settings.API_RATE_LIMIT = "2/minute"
    client = bearer(token_for(officer, manager, scopes=["read"]).secret)
    cache.clear()
    assert client.get(reverse("api_cases")).status_code == 200
    assert client.get(reverse("api_cases")).status_code == 200
    response = client.get(reverse("api_cases"))
    problem_of(response, 429)
    assert int(response["Retry-After"]) > 0


def test_the_docs_are_served_from_this_site(client):
    page = client.get(reverse("api_docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "<style>" not in page and "<script>" not in page
    assert client.get(reverse("api_schema"))["Content-Type"].startswith(
        "application/vnd.oai.openapi"
    )


def test_a_manager_issues_a_token_to_a_new_service_account_once_and_revokes_it(
    manager, client, caplog
):
    client.force_login(manager)
    expires = timezone.localdate() + dt.timedelta(days=90)
    page = client.post(
        reverse("api_tokens"),
        {
            "name": "Website request form",
            "owner": "",
            "service_name": "website",
            "service_role": OFFICER,
            "scopes": ["intake"],
            "channel": "web_form",
            "expires_on_0": expires.day,
            "expires_on_1": expires.month,
            "expires_on_2": expires.year,
        },
    ).content.decode()

    token = ApiToken.objects.get()
    secret = page.split('id="token-secret">')[1].split("<")[0]
    assert token.owner.username == "service-website" and not token.owner.has_usable_password()
    assert token.scopes == ["intake"] and token.created_by == manager
    assert bearer(secret).post(reverse("api_requests"), NEW_REQUEST, JSON).status_code == 201
    assert secret not in client.get(reverse("api_tokens")).content.decode()
    assert "issued to service-website by maya" in caplog.text

    client.post(reverse("api_token_revoke", args=[token.pk]))

    problem_of(bearer(secret).get(reverse("api_cases")), 401)
    assert "revoked by maya" in caplog.text
