"""The dashboard at 1280 px: under 2,500 px tall on every tab, accessible, numbers that lead
to their cases."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.test_dashboard_queries import bulk_cases

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

MAX_HEIGHT = 2500
TABS = ("Deadlines", "Timeliness", "Workload", "Outcomes", "Reviews and topics")


def _height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_dashboard_fits_in_2500_px_on_every_tab(
    page, manager, officer, second_manager, sign_in, axe_check
):
    bulk_cases(400, [officer, second_manager], manager)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, manager)
    page.goto("/dashboard/?period=year")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    axe_check(page, "dashboard-year")
    heights = {}
    for tab in TABS:
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
        heights[tab] = _height(page)
        axe_check(page, f"dashboard-tab-{tab.lower().replace(' ', '-')}")
    print("dashboard height per tab at 1280 px:", heights)
    assert max(heights.values()) < MAX_HEIGHT, heights

    # A headline number leads to the list of exactly those cases.
    page.get_by_role("tab", name="Deadlines").click()
    overdue = page.get_by_role("link", name=re.compile(r"^\d+ overdue cases$"))
    count = int(overdue.inner_text().split()[0])
    overdue.click()
    expect(
        page.get_by_text(f"{count} case{'' if count == 1 else 's'}, soonest due first")
    ).to_be_visible()
