"""Redacting a record in the PDF.js viewer: the officer draws a box and redacts selected text,
and sees both listed and drawn labelled on the page; axe on the viewer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from foi_cases.models import RecordRedaction
from tests import factories
from tests.record_helpers import cite, planted_record

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

SELECT_NAME = """() => {
  const spans = document.querySelectorAll('.app-pdf-page[data-page="1"] .textLayer span')
  const line = [...spans].find((span) => span.textContent.includes('Jane Doe')).firstChild
  const start = line.textContent.indexOf('Jane Doe')
  const range = document.createRange()
  range.setStart(line, start)
  range.setEnd(line, start + 'Jane Doe'.length)
  window.getSelection().removeAllRanges()
  window.getSelection().addRange(range)
}"""


def _wait_for_pages(page) -> None:
    expect(page.locator("[data-record-viewer]")).to_have_attribute("data-ready", "true")


def test_officer_draws_a_box_and_redacts_selected_text(
    page, officer, sign_in, axe_check, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = factories.case_in_progress(officer, questions=("How many patrols?",))
    citation = cite(case.questions.get(), "FOIA-s31", "s31(1)(a)")
    record = planted_record(case, officer)

    sign_in(page, officer)
    page.goto(f"{case.get_absolute_url()}records/")
    page.get_by_role("link", name="Review and redact patrols.pdf").click()
    _wait_for_pages(page)
    expect(page.locator(".app-pdf-page")).to_have_count(2)
    axe_check(page, "record-viewer")

    page.get_by_role("button", name="Draw a box").click()
    second = page.locator('.app-pdf-page[data-page="2"]')
    second.evaluate("page => page.scrollIntoView({block: 'start'})")
    area = second.bounding_box()
    page.mouse.move(area["x"] + 100, area["y"] + 200)
    page.mouse.down()
    page.mouse.move(area["x"] + 250, area["y"] + 260, steps=5)
    page.mouse.up()
    expect(page.get_by_text(f"Redacted under {citation.provision}.")).to_be_visible()
    expect(page.get_by_role("cell", name="Drawn box")).to_be_visible()

    _wait_for_pages(page)
    page.evaluate(SELECT_NAME)
    page.get_by_role("button", name="Redact the selected text").click()
    expect(page.get_by_role("cell", name="Selected text")).to_be_visible()
    _wait_for_pages(page)
    boxes = page.locator(".app-redaction-box")
    expect(boxes).to_have_count(2)
    expect(boxes.first).to_contain_text(citation.provision)
    axe_check(page, "record-viewer-redacted")

    drawn = RecordRedaction.objects.get(record=record, method="box")
    selected = RecordRedaction.objects.get(record=record, method="text")
    # Scale-independent: the drag went 150 by 60 CSS pixels at the page's scale.
    assert drawn.page == 2 and drawn.x1 - drawn.x0 > drawn.y1 - drawn.y0 > 10
    # The selection's box sits on the name alone, at the top left of page 1 (72 pt margins;
    # pdftotext puts "Doe" ending near 120 pt).
    assert selected.page == 1
    assert 60 < selected.x0 < 80 and 60 < selected.y0 < 80 and 100 < selected.x1 < 140
