"""Releasing records in the browser: the officer uploads a PDF naming a member of staff and
giving their phone number, marks it within the request, redacts both with search and redact
under the case's s40(2) citation and sends the decisions for review; the reviewer approves
them, seeing the record and its redactions; the officer builds and downloads the release
bundle, from which the name and number are gone. Axe on each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from foi_cases.release.leaks import normalise
from tests import factories
from tests.browser.test_officer_journey import success_banner
from tests.release_documents import pdf_text, typed_pdf
from tests.test_release_bundle import cite_s40

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.converters,
    pytest.mark.django_db(transaction=True),
]

NAME, PHONE = "John Smith", "07700 900123"
SECTION = "s40(2)/s40(3A)(a)"


def test_officer_redacts_a_record_the_reviewer_approves_it_and_the_bundle_hides_the_name(
    page, other_desk, officer, reviewer, sign_in, axe_check, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = factories.case_in_progress(officer, questions=("Who staffs the office?",))
    cite_s40(case.questions.get(), officer)
    memo = typed_pdf(
        (
            "Staffing memo for the constituency office",
            f"Caseworker {NAME}, mobile {PHONE}.",
        )
    )

    # Gather: upload; the conversion for review runs (eagerly, in the live server).
    sign_in(page, officer)
    page.goto(f"{case.get_absolute_url()}records/")
    page.get_by_label("Files").set_input_files(
        [{"name": "memo.pdf", "mimeType": "application/pdf", "buffer": memo}]
    )
    page.get_by_role("button", name="Add files").click()
    expect(page.get_by_text("1 file added.")).to_be_visible()
    axe_check(page, "release-records-uploaded")
    page.get_by_role("link", name="Review and redact memo.pdf").click()
    expect(page.locator("[data-record-viewer]")).to_have_attribute("data-ready", "true")
    page.get_by_role("radio", name="Yes, it is within the request").check()
    page.get_by_role("button", name="Save").click()
    success_banner(page, "Marked: within the request.")
    axe_check(page, "release-record-review")

    # Redact: the name as typed, then the phone number as a kind of detail.
    page.get_by_role("link", name="Back to the records").click()
    page.get_by_role("link", name="Search and redact across the records").click()
    page.get_by_label("Words to find (a name, as typed)").fill(NAME.lower())
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 match on 1 page")).to_be_visible()
    expect(page.get_by_role("checkbox", name="memo.pdf, page 1: ")).to_be_checked()
    axe_check(page, "release-search-found")
    page.get_by_label("Exemption").select_option(label=f"{SECTION} – Personal information")
    page.get_by_role("button", name="Redact the chosen matches").click()
    success_banner(page, f"1 place redacted in 1 record under {SECTION}.")
    page.get_by_role("link", name="Search and redact across the records").click()
    page.get_by_label("Or a kind of detail").select_option(label="UK phone numbers")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Exemption").select_option(label=f"{SECTION} – Personal information")
    page.get_by_role("button", name="Redact the chosen matches").click()
    success_banner(page, f"1 place redacted in 1 record under {SECTION}.")

    # Send the decisions, now bound to the record and its redactions, for review.
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Decisions per question").click()
    page.get_by_role("link", name="Check your answers and send for review").click()
    axe_check(page, "release-check-answers")
    page.get_by_role("button", name="Send the decisions for review").click()
    success_banner(page, "The decisions were sent for review.")

    # Approve: the reviewer sees what the approval covers.
    desk = other_desk()
    sign_in(desk, reviewer)
    desk.get_by_role("link", name="Review queue").click()
    desk.get_by_role("link", name=case.reference).click()
    submitted = desk.get_by_role("table", name="Records and redactions submitted")
    expect(submitted.get_by_role("row", name="memo.pdf")).to_contain_text(
        f"Page 1: question 1, {SECTION}"
    )
    expect(submitted.get_by_role("row", name="memo.pdf")).to_contain_text("Within the request")
    axe_check(desk, "release-review")
    desk.get_by_role("button", name="Continue to approve or return").click()
    axe_check(desk, "release-review-decide")
    desk.get_by_role("button", name="Approve the decisions").click()
    success_banner(desk, "Approved.")

    # Release: build the bundle and download it.
    page.goto(f"{case.get_absolute_url()}records/")
    page.get_by_role("button", name="Build the release bundle").click()
    expect(page.get_by_text("Up to date")).to_be_visible()
    axe_check(page, "release-bundle-built")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the release bundle (PDF)").click()
    path = tmp_path / "bundle.pdf"
    download_info.value.save_as(path)

    text = pdf_text(path.read_bytes())
    flat = normalise(text)
    assert "schedule of documents released" in flat and SECTION in text
    assert "staffing memo" in flat
    assert normalise(NAME) not in flat and normalise(PHONE) not in flat
