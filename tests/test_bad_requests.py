"""Malformed addresses get the 400 page with a reason, never a 500.

Every URL × hostile parameter is fuzzed in tests/test_fuzz_urls.py; these are the cases the
issue named, each checked for exactly what the person sees.
"""

import datetime as dt

import pytest
from django.test import Client

from foi_cases.models import DisclosureLogEntry
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

DISCLOSURE_LOG_URLS = ("/disclosure-log/", "/disclosure-log/export.csv")
CONTROL_CHARACTER_MESSAGE = "The web address contains control characters"


@pytest.fixture(autouse=True)
def _production_error_pages(settings):
    settings.DEBUG = False


@pytest.fixture
def published(manager):
    case = CaseFactory(reference="FOI-2026-00300", status="responded")
    return DisclosureLogEntry.objects.create(
        case=case,
        title="Panic alarms",
        request_text="How many?",
        response_text="Twelve.",
        disclosed_on=dt.date(2026, 4, 1),
        status=DisclosureLogEntry.Status.PUBLISHED,
        prepared_by=manager,
    )


def anonymous_client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", DISCLOSURE_LOG_URLS)
@pytest.mark.parametrize("name", ["q", "exemption", "topic", "year", "page"])
def test_disclosure_log_answers_a_nul_in_any_filter_with_400(published, url, name):
    response = anonymous_client().get(url, {name: "a\x00b"})

    assert response.status_code == 400
    assert "could not be accepted" in response.text
    assert CONTROL_CHARACTER_MESSAGE in response.text


@pytest.mark.parametrize("url", DISCLOSURE_LOG_URLS)
@pytest.mark.parametrize("year", ["0", "0000", "10000", "99999999999", "9" * 200])
def test_disclosure_log_answers_an_impossible_year_with_400(published, url, year):
    response = anonymous_client().get(url, {"year": year})

    assert response.status_code == 400
    assert "The year must be from 1 to 9999, in figures." in response.text


@pytest.mark.parametrize("url", DISCLOSURE_LOG_URLS)
def test_disclosure_log_still_filters_by_a_real_year_and_ignores_words(published, url):
    client = anonymous_client()

    assert "Panic alarms" in client.get(url, {"year": "2026"}).content.decode()
    assert "Panic alarms" not in client.get(url, {"year": "9999"}).content.decode()
    assert "Panic alarms" not in client.get(url, {"year": "1"}).content.decode()
    # Not a number (superscript digits included): ignored, as the page always has.
    for words in ("last year", "²⁰²⁶"):
        response = client.get(url, {"year": words})
        assert response.status_code == 200 and "Panic alarms" in response.content.decode()


def test_a_tab_in_a_search_is_harmless(published):
    response = anonymous_client().get("/disclosure-log/", {"q": "Panic\talarms"})

    assert response.status_code == 200 and "Panic alarms" in response.text


@pytest.mark.parametrize("persona", ["anonymous", "manager"])
@pytest.mark.parametrize(
    "url", ["/cases/a%00b/", "/cases/a%0Ab/letters/", "/cases/?q=%00", "/dashboard/?topic=%1b"]
)
def test_control_characters_in_staff_urls_answer_400(manager, persona, url):
    client = anonymous_client()
    if persona == "manager":
        client.force_login(manager)

    response = client.get(url)

    assert response.status_code == 400
    assert CONTROL_CHARACTER_MESSAGE in response.text


def test_signed_in_400_page_keeps_the_service_navigation(manager):
    client = anonymous_client()
    client.force_login(manager)

    response = client.get("/cases/a%00b/")

    assert response.status_code == 400 and "Sign out" in response.text


@pytest.mark.parametrize("persona", ["anonymous", "manager"])
@pytest.mark.parametrize("url", ["/disclosure-log/", "/cases/", "/sign-in/", "/no-such-page/"])
def test_disallowed_host_gets_the_400_page(manager, persona, url):
    client = Client(HTTP_HOST="evil.example", raise_request_exception=False)
    if persona == "manager":
        client.force_login(manager)

    response = client.get(url)

    assert response.status_code == 400
    assert "could not be accepted" in response.text
    assert "evil.example" not in response.text


@pytest.mark.parametrize("url", ["/cases/", "/cases/export.csv"])
def test_superscript_digits_for_an_officer_are_an_unknown_choice_not_a_500(manager, url):
    client = anonymous_client()
    client.force_login(manager)

    response = client.get(url, {"officer": "²⁰"})

    assert response.status_code == 200


@pytest.mark.parametrize("target", ["1", "home", "NaN"])
def test_two_factor_page_sends_a_bare_word_next_home_not_to_a_500(officer, target):
    client = anonymous_client()
    client.force_login(officer)

    response = client.get(f"/sign-in/two-factor/?next={target}")

    assert response.status_code == 302 and response["Location"] == "/"
