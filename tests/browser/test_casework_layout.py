"""Layout that people notice: the manager's navigation on one line at 1280 px, case lists
without sideways scrolling at 320 px, and the casework parts of the case page (notes, watching,
links) checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

LONG_TITLE = (
    "Correspondence between the Speaker's Office and the Parliamentary Security Department "
    "about constituency office security arrangements"
)


def _nav_lines(page: Page) -> tuple[int, float, list[str]]:
    """How many lines the service navigation's items take, its height, and their labels."""
    return page.evaluate(
        """() => {
          const items = [...document.querySelectorAll(
            '.govuk-service-navigation__service-name, .govuk-service-navigation__item')];
          const tops = new Set(items.map(i => Math.round(i.getBoundingClientRect().top)));
          const nav = document.querySelector('.govuk-service-navigation');
          return [tops.size, nav.getBoundingClientRect().height,
                  items.map(i => i.innerText.trim())];
        }"""
    )


def test_the_managers_navigation_fits_one_line_at_1280(page: Page, sign_in, manager, axe_check):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, manager)
    page.goto("/cases/all/")
    lines, height, labels = _nav_lines(page)
    print(f"\nmanager navigation at 1280 px: {lines} line(s), {height:.0f} px high: {labels}")
    assert "Notifications" in labels
    assert lines == 1, f"the navigation wraps onto {lines} lines ({height:.0f} px): {labels}"
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="Notifications")).to_be_visible()
    axe_check(page, "manager-all-cases-1280")


def _overflow(page: Page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_case_lists_reflow_at_320_px(page: Page, sign_in, officer, manager, axe_check):
    for n in range(3):
        case = factories.case_in_progress(officer, title=f"{LONG_TITLE} ({n})")
    case.restricted = True
    case.save(update_fields=["restricted"])
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, officer)
    page.goto("/cases/mine/")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    overflow = _overflow(page)
    print(f"\nofficer's case list at 320 px: {overflow} px of horizontal overflow")
    assert overflow <= 0
    axe_check(page, "officer-my-cases-320")
    page.context.clear_cookies()
    sign_in(page, manager)
    page.goto("/cases/all/")
    assert _overflow(page) <= 0
    expect(page.get_by_role("link", name="Download these cases (CSV)")).to_be_visible()


def test_notes_watching_and_links_on_the_case_page(page: Page, sign_in, officer, axe_check):
    case = factories.case_in_progress(officer, title="Security budget")
    other = factories.case_in_progress(officer, title="Security budget again")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, officer)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Add a note").click()
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe_check(page, "note-errors")
    page.get_by_label("Note").fill("Asked the security team for the figures.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Asked the security team for the figures.")).to_be_visible()
    page.get_by_role("button", name="Watch this case").click()
    expect(page.get_by_role("button", name="Stop watching")).to_be_visible()
    page.get_by_role("link", name="Link a related case").click()
    page.get_by_label("Reference of the related case").fill(other.reference)
    page.get_by_label("Follow-up").check()
    axe_check(page, "link-form")
    page.get_by_role("button", name="Link the cases").click()
    expect(page.locator("#links ~ ul").get_by_role("link", name=other.reference)).to_be_visible()
    axe_check(page, "case-page-casework")
    page.goto(other.get_absolute_url())
    expect(page.locator("#links ~ ul").get_by_role("link", name=case.reference)).to_be_visible()


def test_manager_hands_over_an_officers_cases_and_reopens_one(
    page: Page, sign_in, officer, manager, axe_check
):
    from foi_cases import workflow

    other = factories.UserFactory(
        username="oscar", first_name="Oscar", last_name="Okafor", roles=["FOI officer"]
    )
    cases = [factories.case_in_progress(officer, title=f"Handover {n}") for n in range(2)]
    closed = factories.case_in_progress(officer, title="Withdrawn by mistake")
    workflow.close_case(closed, actor=manager, outcome="withdrawn")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, manager)
    page.goto("/cases/all/")
    page.get_by_role("link", name="Reassign cases from one officer to another").click()
    axe_check(page, "reassign-choose")
    page.get_by_label("Officer whose cases are handed over").select_option(label="Olivia Officer")
    page.get_by_label("Officer who takes them").select_option(label="Oscar Okafor")
    page.get_by_role("button", name="Continue").click()
    for case in cases:
        expect(page.get_by_label(f"{case.reference}: {case.title}")).to_be_checked()
    axe_check(page, "reassign-confirm")
    page.get_by_role("button", name="Reassign the selected cases").click()
    expect(page.get_by_text("2 cases reassigned to Oscar Okafor.")).to_be_visible()
    assert {
        c.assigned_to_id for c in type(closed).objects.filter(title__startswith="Handover")
    } == {other.pk}
    page.goto(closed.get_absolute_url())
    page.get_by_role("link", name="Reopen this case").click()
    page.get_by_role("button", name="Reopen the case").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    axe_check(page, "reopen-errors")
    page.get_by_label("Why is the case being reopened?").fill("Withdrawn by mistake.")
    page.get_by_role("button", name="Reopen the case").click()
    expect(page.get_by_text("The case was reopened and is in progress again.")).to_be_visible()
