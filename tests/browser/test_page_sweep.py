"""axe-core on the pages each role reaches from its navigation and the case page, beyond the
journeys: lists, statistics, clock steps, after-response forms, error pages. Forms submitted
empty show the GOV.UK error summary, focused, with links that lead to the fields."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import run_summary
from tests.browser.test_manager_journey import responded_seed_001
from tests.factories import DEFAULT_PASSWORD
from tests.letter_helpers import log_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def nav(page: Page, axe_check, name: str, heading: str | re.Pattern[str], slug: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    axe_check(page, slug)


def assert_error_summary(page: Page) -> None:
    """Focus is on the summary, and every link in it leads to an element on the page."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^\s*Error: "))
    links = summary.get_by_role("link")
    assert links.count() >= 1
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        text = links.nth(i).inner_text()
        assert href and len(href) > 1, f"error link {text!r} has no target: href={href!r}"
        assert page.locator(href).count() == 1, f"error link {text!r} ({href}) leads nowhere"


def empty_submit(page: Page, axe_check, link: str, button: str, slug: str) -> None:
    """Open a step from the case page, check it, submit it empty, check the errors."""
    page.get_by_role("link", name=link, exact=True).click()
    axe_check(page, slug)
    # Dates start as today, the usual answer: empty them too.
    dates = page.locator(".govuk-date-input input")
    for i in range(dates.count()):
        dates.nth(i).fill("")
    page.get_by_role("button", name=button).click()
    assert_error_summary(page)
    axe_check(page, f"{slug}-errors")
    page.go_back()
    page.go_back()


def test_every_role_s_pages_pass_axe(
    page, other_desk, officer, reviewer, manager, sign_in, axe_check
):
    sweep(page, other_desk, officer, reviewer, manager, sign_in, axe_check)


def sweep(page, other_desk, officer, reviewer, manager, sign_in, axe_check) -> None:
    """Visit every role's pages, calling axe_check(page, slug) on each one."""
    open_case = log_case(officer, questions=["What is the budget?"], assignee=officer)
    answered = responded_seed_001(officer, reviewer)

    # A visitor: the sign-in form's errors, the public log, a missing page.
    visitor = other_desk()
    visitor.goto("/sign-in/")
    visitor.get_by_label("Username").fill(officer.username)
    visitor.get_by_label("Password").fill(f"not {DEFAULT_PASSWORD}")
    visitor.get_by_role("button", name="Sign in").click()
    assert_error_summary(visitor)
    expect(visitor.get_by_label("Username")).to_have_value(officer.username)
    axe_check(visitor, "sign-in-errors")
    response = visitor.goto("/disclosure-log/99999/")
    assert response.status == 404
    axe_check(visitor, "public-404")

    # The officer: lists, the dashboard, notifications, the case page and its clock steps.
    sign_in(page, officer)
    nav(page, axe_check, "My cases", "My cases", "officer-my-cases")
    expect(page.get_by_role("link", name=open_case.reference)).to_be_visible()
    nav(page, axe_check, "Dashboard", "Dashboard", "officer-dashboard")
    page.goto("/notifications/")
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    axe_check(page, "notifications")
    page.goto(open_case.get_absolute_url())
    axe_check(page, "open-case")
    empty_submit(
        page,
        axe_check,
        "Ask for clarification (s1(3))",
        "Record the clarification request",
        "clarification",
    )
    empty_submit(page, axe_check, "Fees notice (s9)", "Record the fees notice", "fees-notice")
    empty_submit(page, axe_check, "Close the case early", "Close the case", "close")
    page.goto(answered.get_absolute_url())
    axe_check(page, "responded-case")
    page.get_by_role("link", name="After the response").click()
    expect(page.get_by_role("heading", level=1, name="After the response")).to_be_visible()
    axe_check(page, "after-response-officer")

    # The reviewer: the team's cases and the review queue.
    desk = other_desk()
    sign_in(desk, reviewer)
    nav(desk, axe_check, "Cases", "My team", "reviewer-cases")
    nav(desk, axe_check, "Review queue", "Review queue", "reviewer-queue")

    # The manager: all cases, statistics, disclosure entries, the redaction log, 403.
    boss = other_desk()
    sign_in(boss, manager)
    nav(boss, axe_check, "All cases", "All cases", "manager-all-cases")
    boss.get_by_label("Status").select_option(label="Any status")
    boss.get_by_role("button", name=re.compile("filter", re.IGNORECASE)).click()
    expect(boss.get_by_role("link", name=answered.reference)).to_be_visible()
    axe_check(boss, "manager-all-cases-filtered")
    nav(boss, axe_check, "Dashboard", "Dashboard", "manager-dashboard")
    boss.get_by_role("link", name=re.compile("^Quarterly statistics")).click()
    expect(
        boss.get_by_role("heading", level=1, name=re.compile("^Quarterly statistics"))
    ).to_be_visible()
    axe_check(boss, "statistics")
    nav(boss, axe_check, "Disclosure log", "Disclosure log entries", "disclosure-entries")
    boss.goto("/redaction-log/")
    expect(boss.get_by_role("heading", level=1, name="Redaction log")).to_be_visible()
    axe_check(boss, "redaction-log")
    response = desk.goto(f"/cases/{open_case.reference}/triage/")
    assert response.status == 403
    axe_check(desk, "reviewer-403")


# Elements wider than the viewport, outside data tables (WCAG 1.4.10 lets two-dimensional
# tables scroll sideways; nothing else should need to).
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
  .filter(e => !e.closest("table") && e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}.${e.className}`
            + ` (right edge ${Math.round(e.getBoundingClientRect().right)}px)`)"""


def working_pages(officer, manager) -> dict:
    """The pages each person works on most, by who opens them (None: signed out)."""
    case = log_case(officer, questions=["What is the budget?", "Who decides?"], assignee=officer)
    return {
        officer: [
            "/",
            "/cases/new/",
            case.get_absolute_url(),
            f"/cases/{case.reference}/triage/",
            f"/cases/{case.reference}/decisions/",
            f"/cases/{case.reference}/request-clarification/",
        ],
        manager: ["/dashboard/", "/dashboard/statistics/", "/disclosure-entries/"],
        None: ["/sign-in/", "/disclosure-log/"],
    }


def visit(browser, live_server, pages: dict, viewport: dict, check) -> None:
    """Open each person's pages in their own context at the viewport; check(page, url) each."""
    for user, urls in pages.items():
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        try:
            page = context.new_page()
            if user is not None:
                page.goto("/sign-in/")
                page.get_by_label("Username").fill(user.username)
                page.get_by_label("Password").fill(DEFAULT_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_text(f"Signed in as {user.username}")).to_be_visible()
            for url in urls:
                response = page.goto(url)
                assert response.ok, f"{url} answered {response.status}"
                check(page, url)
        finally:
            context.close()


def test_pages_reflow_at_320_css_pixels(browser, live_server, officer, manager):
    """At 320 CSS pixels wide (400% zoom of a 1280 px screen) nothing but tables scrolls."""
    problems = {}

    def check(page: Page, url: str) -> None:
        overflowing = page.evaluate(OVERFLOWING)
        if overflowing:
            problems[url] = overflowing

    visit(
        browser,
        live_server,
        working_pages(officer, manager),
        {"width": 320, "height": 640},
        check,
    )
    assert not problems, f"content wider than 320 CSS pixels: {problems}"


# --- Page length: one thing per page ------------------------------------------------------

MAX_PAGE_HEIGHT = 2_500  # CSS pixels at 1280 px wide
WIDE = {"width": 1280, "height": 800}
DOCUMENT_HEIGHT = """() => Math.ceil(Math.max(
  document.documentElement.scrollHeight, document.body.scrollHeight,
  document.documentElement.getBoundingClientRect().height))"""
HEIGHTS: dict[str, int] = {}
run_summary.report(
    "page heights at 1280 px",
    lambda: (
        f"{len(HEIGHTS)} pages, tallest: "
        + ", ".join(f"{where} {height} px" for where, height in tallest(HEIGHTS))
        if HEIGHTS
        else ""
    ),
)


def tallest(heights: dict[str, int], count: int = 5) -> list[tuple[str, int]]:
    return sorted(heights.items(), key=lambda item: (-item[1], item[0]))[:count]


def test_every_page_in_the_sweep_is_shorter_than_2500_px_at_1280_px_wide(
    browser, live_server, page, other_desk, officer, reviewer, manager, sign_in
):
    """One thing per page: every page of the sweep, and the working pages, measured.

    A page seen in several states (empty, with errors, by another role) counts at its tallest.
    """
    heights: dict[str, int] = {}

    def measure(page: Page, slug: str) -> None:
        page.set_viewport_size(WIDE)
        path = page.url.removeprefix(live_server.url)
        where = path if slug == path else f"{path} ({slug})"
        height = page.evaluate(DOCUMENT_HEIGHT)
        same_page = [key for key in heights if key.split(" ", 1)[0] == path]
        if all(heights[key] < height for key in same_page):
            for key in same_page:
                del heights[key]
            heights[where] = height

    sweep(page, other_desk, officer, reviewer, manager, sign_in, measure)
    visit(browser, live_server, working_pages(officer, manager), WIDE, measure)
    HEIGHTS.update(heights)
    top = tallest(heights)
    print("Tallest pages at 1280 px wide:")
    for where, height in top:
        print(f"  {height:>6} px  {where}")
    assert len(heights) >= 15, f"the sweep measured only {len(heights)} pages"
    too_long = {where: height for where, height in heights.items() if height >= MAX_PAGE_HEIGHT}
    assert not too_long, (
        f"pages {MAX_PAGE_HEIGHT:,} px or taller at 1280 px wide: {too_long}; "
        f"the tallest five: {top}"
    )
