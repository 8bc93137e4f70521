"""Journey 3: a manager reads the dashboard for a quarter and exports a CSV, prepares a
disclosure log entry that a second manager validates, and a visitor finds it on the public log."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from foi_cases.demo import SEED_001_ANSWERS, SEED_001_QUESTIONS, record_seed_001_decisions
from tests.browser.test_officer_journey import MSSS_TOPIC, success_banner
from tests.letter_helpers import log_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

REQUESTER = "Sam Requester"


def responded_seed_001(officer, reviewer):
    """Seed 001 answered: decisions approved, final response approved, rendered and sent."""
    from foi_cases import workflow
    from foi_cases.models import Letter, Topic
    from tests import factories

    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer, requester=REQUESTER)
    workflow.set_topics(case, actor=officer, topics=[Topic.objects.get(name=MSSS_TOPIC)])
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)
    letter_reviewer = factories.UserFactory(username="ravi", roles=["Reviewer"])
    # Celery is eager here: the approval renders the PDF in this process.
    workflow.approve_letter(letter, actor=letter_reviewer, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY, letter.failure_reason
    workflow.record_letter_sent(letter, actor=officer, sent_at=timezone.now(), via="email")
    case.refresh_from_db()
    return case


def dashboard_for_quarter(page: Page, axe_check, year: int, quarter: int) -> None:
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    axe_check(page, "dashboard")
    # The filters are folded away under the period line; the figures are in tabs.
    page.get_by_text("Change the period and filters").click()
    page.get_by_label("Period", exact=True).select_option(label="Quarter")
    # "Year" also labels the year box of each custom-range date input.
    page.get_by_role("spinbutton", name="Year", exact=True).fill(str(year))
    page.get_by_label("Quarter", exact=True).select_option(label=f"Q{quarter} (calendar)")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text(f"requests received in Q{quarter} {year}")).to_be_visible()
    axe_check(page, f"dashboard-q{quarter}-{year}")


def test_manager_dashboard_csv_and_disclosure_log_validated_by_a_second_manager(
    page, other_desk, officer, reviewer, manager, second_manager, sign_in, axe_check, tmp_path
):
    case = responded_seed_001(officer, reviewer)
    received = case.received_at
    quarter = (received.month - 1) // 3 + 1

    # The dashboard for the quarter the request arrived in, and one of its tables as CSV.
    sign_in(page, manager)
    dashboard_for_quarter(page, axe_check, received.year, quarter)
    page.get_by_role("tab", name="Timeliness").click()
    csv_link = page.get_by_role(
        "link", name=re.compile(r"^Download this table as CSV\s*: Timeliness: requests answered")
    )
    expect(csv_link).to_have_attribute("href", re.compile(rf"year={received.year}"))
    expect(csv_link).to_have_attribute("href", re.compile(rf"quarter={quarter}"))
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    period = f"Q{quarter} {received.year}"
    assert rows[0] == ["Measure", "Rolling quarter", period], rows
    # Seed 001 (received in the quarter) was answered today, long after its due date.
    assert ["In time (per cent)", "–", "0.0%"] in rows, rows

    # The manager prepares the disclosure log entry and sends it for validation.
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="After the response").click()
    axe_check(page, "after-response")
    page.get_by_role("button", name="Prepare a disclosure log entry").click()
    success_banner(page, "Draft entry prepared with the requester's identity removed.")
    axe_check(page, "disclosure-draft")
    published = page.locator("main")
    expect(published).to_contain_text(SEED_001_QUESTIONS[4])
    expect(published).not_to_contain_text(REQUESTER)
    entry_url = page.url
    page.get_by_role("button", name="Send for validation").click()
    success_banner(page, "Sent to another manager for validation.")
    expect(page.get_by_text("another manager must validate it")).to_be_visible()
    axe_check(page, "disclosure-awaiting-validation")

    # A second manager validates and publishes it.
    desk = other_desk()
    sign_in(desk, second_manager)
    desk.get_by_role("link", name="Disclosure log").click()
    axe_check(desk, "disclosure-entries")
    desk.goto(entry_url)
    # Publishing without confirming the personal-data check is refused, in an error summary.
    desk.get_by_role("button", name="Publish").click()
    summary = desk.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Confirm you have checked each possible item")
    axe_check(desk, "disclosure-publish-error")
    summary.get_by_role("link").first.click()
    checked = desk.get_by_label("I have checked each possible item of personal data listed")
    expect(checked).to_be_focused()
    checked.check()
    desk.get_by_role("button", name="Publish").click()
    success_banner(desk, "Entry validated and published.")
    axe_check(desk, "disclosure-published")

    # A visitor who is not signed in finds it on the public log.
    visitor = other_desk()
    visitor.goto("/disclosure-log/")
    expect(visitor.get_by_role("heading", level=1, name="Disclosure log")).to_be_visible()
    expect(visitor.get_by_text("Signed in as")).to_have_count(0)
    axe_check(visitor, "public-log")
    visitor.get_by_label("Search").fill("referrals police")
    visitor.get_by_role("button", name="Apply filters").click()
    visitor.get_by_role("link", name="Members security (2019)").click()
    axe_check(visitor, "public-entry")
    entry = visitor.locator("main")
    expect(entry).to_contain_text(SEED_001_QUESTIONS[0])
    expect(entry).to_contain_text(SEED_001_ANSWERS[1])
    expect(entry).not_to_contain_text(REQUESTER)
    expect(entry).not_to_contain_text("sam@example.com")
