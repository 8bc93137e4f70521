"""A member of the public makes a request without signing in: answers, checks, changes an
answer, sends, and follows the status link; each page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from foi_cases.models import Case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_member_of_the_public_makes_a_request_and_follows_it(
    page: Page, app_data, settings, axe_check
):
    # Every run comes from 127.0.0.1 and the counts outlive a test in Redis.
    settings.FOI_WEB_FORM_PER_IP_PER_HOUR = settings.FOI_WEB_FORM_PER_EMAIL_PER_DAY = 1000
    page.goto("/make-a-request/")
    axe_check(page, "public-request-start")
    page.get_by_role("button", name="Start now").click()

    page.get_by_label("Your name").fill("Sam Requester")
    page.get_by_label("E-mail address", exact=True).fill("sam@example.com")
    axe_check(page, "public-request-about-you")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Continue").click()  # nothing typed
    expect(page.get_by_role("link", name="Enter your request")).to_be_visible()
    axe_check(page, "public-request-error")
    page.get_by_label("Your request").fill("1. The cost of security.\n2. The number of alarms.")
    page.get_by_label("Your request").press("Tab")
    page.keyboard.press("Enter")  # the Continue button, by keyboard (the honeypot is skipped)

    page.get_by_label("By e-mail or in another electronic form").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1, name="Check your answers")).to_be_visible()
    axe_check(page, "public-request-check")
    page.get_by_role("link", name="Change name").click()
    page.get_by_label("Your name").fill("Sam Q Requester")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Sam Q Requester")).to_be_visible()
    page.get_by_role("button", name="Send request").click()

    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1, name="Request sent")).to_be_visible()
    expect(page.get_by_text(case.reference)).to_be_visible()
    axe_check(page, "public-request-sent")
    page.get_by_role("link", name="/make-a-request/status/").click()

    expect(page.get_by_role("heading", level=1, name=case.reference)).to_be_visible()
    expect(page.get_by_text("Not sent yet")).to_be_visible()
    axe_check(page, "public-request-status")
    assert case.requester.name == "Sam Q Requester"
    assert case.channel == Case.Channel.WEB_FORM
