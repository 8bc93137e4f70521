"""The managers' API tokens page (axe, error summary, the secret shown once) and the API
documentation, served from this site under its Content Security Policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_page_sweep import assert_error_summary, nav

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_manager_issues_and_revokes_a_token_and_reads_the_api_docs(
    page, manager, sign_in, axe_check
):
    sign_in(page, manager)
    nav(page, axe_check, "Team", "Team", "team")
    page.get_by_role("navigation", name="Access").get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1, name="API tokens")).to_be_visible()
    axe_check(page, "api-tokens")
    page.get_by_role("button", name="Issue the token").click()
    assert_error_summary(page)
    axe_check(page, "api-tokens-errors")

    page.get_by_label("What is the token for?").fill("Website request form")
    page.get_by_label("New service account's name").fill("website")
    page.get_by_label("Log requests").check()
    expires = timezone.localdate() + dt.timedelta(days=90)
    page.get_by_label("Day").fill(str(expires.day))
    page.get_by_label("Month").fill(str(expires.month))
    page.get_by_label("Year").fill(str(expires.year))
    page.get_by_role("button", name="Issue the token").click()
    secret = page.locator("#token-secret").inner_text()
    assert secret.startswith("foi_")
    axe_check(page, "api-token-issued")

    page.reload()
    expect(page.locator("#token-secret")).to_have_count(0)
    page.get_by_role("button", name="Revoke Website request form").click()
    expect(page.locator("#tokens")).to_contain_text("Revoked")

    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() == 9
    assert not [text for text in refused if "Content Security Policy" in text]
