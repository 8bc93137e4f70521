"""Gathering records in the browser: the officer uploads several files and asks a colleague
to search; the colleague sees only their task, sends a file and a statement; axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_page_sweep import assert_error_summary
from tests.letter_helpers import log_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_officer_gathers_records_and_a_colleague_searches(
    page, other_desk, officer, sign_in, axe_check, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = log_case(
        officer, questions=["What is the budget?", "Who approved it?"], assignee=officer
    )
    contributor = factories.UserFactory(
        username="carl", first_name="Carl", last_name="Colleague", roles=["Contributor"]
    )

    sign_in(page, officer)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Records, searches and consultations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records, searches and consultations")
    axe_check(page, "records-empty")

    page.get_by_role("button", name="Add files").click()
    assert_error_summary(page)
    axe_check(page, "records-upload-errors")

    page.get_by_label("Files").set_input_files(
        [
            {"name": "budget.txt", "mimeType": "text/plain", "buffer": b"Budget: 42"},
            {"name": "copy.txt", "mimeType": "text/plain", "buffer": b"Budget: 42"},
        ]
    )
    expect(page.locator("[data-drop-list] li")).to_have_count(2)
    page.get_by_role("button", name="Add files").click()
    expect(page.get_by_text("2 files added.")).to_be_visible()
    expect(page.get_by_text("Duplicate of budget.txt")).to_be_visible()
    axe_check(page, "records-listed")

    page.get_by_role("link", name="Ask a colleague to search for records").click()
    axe_check(page, "search-request")
    page.get_by_label("Colleague to search").select_option(label="Carl Colleague")
    page.get_by_label("Question 1: What is the budget?").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Waiting for the search")).to_be_visible()

    page.get_by_role("link", name="Record a consultation").click()
    axe_check(page, "consultation-new")
    page.get_by_role("button", name="Save").click()
    assert_error_summary(page)
    axe_check(page, "consultation-errors")

    desk = other_desk()
    sign_in(desk, contributor)
    expect(desk.get_by_role("heading", level=1)).to_have_text("Your searches")
    axe_check(desk, "contributor-tasks")
    desk.get_by_role("link", name=re.compile(case.reference)).click()
    expect(desk.get_by_text("What is the budget?")).to_be_visible()
    expect(desk.get_by_text("Who approved it?")).to_have_count(0)
    axe_check(desk, "contributor-task")
    desk.get_by_label("Files").set_input_files(
        [{"name": "rota.txt", "mimeType": "text/plain", "buffer": b"Rota for March"}]
    )
    desk.get_by_role("button", name="Send files").click()
    expect(desk.get_by_text("1 file added.")).to_be_visible()
    desk.get_by_label("Where you searched").fill("Security office shared drive")
    desk.get_by_label("Search terms used").fill("rota, budget")
    desk.get_by_label("Time taken (hours)").fill("2.5")
    desk.get_by_role("button", name="Finish the search").click()
    expect(desk.get_by_text("Search statement sent. Thank you.")).to_be_visible()
    axe_check(desk, "contributor-task-done")
    assert desk.goto(case.get_absolute_url()).status == 404

    page.goto(f"{case.get_absolute_url()}records/")
    expect(page.get_by_text("Search statement given")).to_be_visible()
    expect(page.get_by_role("link", name="rota.txt", exact=True)).to_be_visible()
