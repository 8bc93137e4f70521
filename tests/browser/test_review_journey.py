"""Journey 2: a reviewer returns one decision, the officer revises it, the reviewer approves;
the final response PDF is made by the real Celery worker and downloaded."""

from __future__ import annotations

import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from foi_cases.demo import (
    S31_REASONS,
    S31_SUMMARY,
    S38_REASONS,
    S38_SUMMARY,
    SEED_001_ANSWERS,
    SEED_001_QUESTIONS,
    seed_citation,
    seed_pit,
)
from tests.browser.test_officer_journey import MAX_PAGE_HEIGHT, choose, fill_date, success_banner
from tests.browser.test_page_sweep import assert_error_summary
from tests.letter_helpers import log_case, pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

REVISED = "Revised: the figures would show how far the monitoring reaches."
COMMENT = "Say what the harm to health and safety would be, not only to crime prevention."


def seed_001_in_review(officer):
    """Seed 001 as journey 1 leaves it, recorded through the workflow (quick)."""
    from foi_cases import workflow

    case = seed_001_decided(officer)
    workflow.submit_for_review(case, actor=officer)
    return case


def seed_001_decided(officer):
    """Seed 001 with every decision recorded through the workflow, not yet sent for review."""
    from exemptions.models import Exemption
    from foi_cases import workflow

    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    questions = {q.number: q for q in case.questions.all()}
    outcomes = {
        1: ("held", "disclosed"),
        2: ("held", "disclosed"),
        3: ("held", "disclosed"),
        4: ("not_held", "not_held"),
        5: ("held", "withheld_in_full"),
    }
    for number, (held, outcome) in outcomes.items():
        workflow.record_answer(
            questions[number],
            actor=officer,
            held_status=held,
            outcome=outcome,
            answer_text=SEED_001_ANSWERS[number],
        )
    received = case.received_at.date()
    for code, limbs, reasons, summary in (
        ("FOIA-s31", ("s31(1)(a)", "s31(1)(b)"), S31_REASONS, S31_SUMMARY),
        ("FOIA-s38", ("s38(1)(a)", "s38(1)(b)"), S38_REASONS, S38_SUMMARY),
    ):
        workflow.apply_exemption(
            questions[5],
            actor=officer,
            exemption=Exemption.objects.get(code=code),
            data=seed_citation(limbs=limbs, likelihood="would", reasoning=reasons),
            pit=seed_pit(received, summary, "Transparency about security.", "Risk to Members."),
        )
    return case


HEIGHTS: dict[str, int] = {}


def measure(page: Page, name: str) -> None:
    """Each page of the review fits in 2,500 px at 1280 px wide (issue 18)."""
    HEIGHTS[name] = page.evaluate("document.documentElement.scrollHeight")
    print(f"decision review page {name!r} at 1280 px: {HEIGHTS[name]} px")
    assert HEIGHTS[name] < MAX_PAGE_HEIGHT, f"{page.url} is {HEIGHTS[name]} px tall"


def reload_until(page: Page, locator, seconds: float = 60) -> None:
    """Reload the page until `locator` shows (the worker finishing in the background)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if locator.count():
            return
        time.sleep(0.5)
        page.reload()
    expect(locator).to_be_visible()


def test_reviewer_returns_officer_revises_reviewer_approves_and_the_worker_makes_the_pdf(
    page, other_desk, officer, reviewer, sign_in, axe_check, live_celery, tmp_path
):
    case = seed_001_in_review(officer)

    # The reviewer returns the s38 decision with a comment.
    desk = other_desk()
    sign_in(desk, reviewer)
    desk.get_by_role("link", name="Review queue").click()
    axe_check(desk, "review-queue")
    desk.set_viewport_size({"width": 1280, "height": 900})
    desk.get_by_role("link", name=case.reference).click()
    expect(desk.get_by_role("heading", level=1, name="Review of the decisions")).to_be_visible()
    measure(desk, "overview")
    axe_check(desk, "review")
    desk.get_by_role("link", name="Question 5", exact=True).click()
    expect(desk.get_by_role("heading", level=1, name="Question 5")).to_be_visible()
    measure(desk, "question 5")
    axe_check(desk, "review-question")
    desk.get_by_label("Comment on Question 5: s38(1)(a) and (b)").fill(COMMENT)
    desk.get_by_role("button", name="Save and continue").click()
    # The last step gathers the comments written on the questions' pages.
    expect(
        desk.get_by_role("heading", level=1, name="Approve or return the decisions")
    ).to_be_visible()
    expect(desk.get_by_text(COMMENT)).to_be_visible()
    measure(desk, "approve or return")
    axe_check(desk, "review-decide")
    desk.get_by_role("button", name="Return with comments").click()
    success_banner(desk, "The decisions were returned to the officer.")
    axe_check(desk, "review-returned")

    # The officer sees the comment beside the decision, revises it and sends it back.
    sign_in(page, officer)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Decisions per question").click()
    expect(page.get_by_role("region", name="Returned by the reviewer")).to_be_visible()
    expect(page.locator("#task-5-status")).to_have_text("Returned")
    axe_check(page, "decisions-returned")
    page.get_by_role("link", name="Question 5", exact=True).click()
    card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name="s38(1)(a) and (b) Health and safety")
    )
    expect(card).to_contain_text(COMMENT)
    axe_check(page, "question-returned")
    card.get_by_role("link", name="Change s38(1)(a) and (b)").click()
    axe_check(page, "citation-change")
    page.get_by_role("link", name="Change why the exemption applies").click()
    reasons = page.get_by_label("Why the exemption applies")
    expect(reasons).to_have_value(S38_REASONS)
    reasons.fill(f"{S38_REASONS} {REVISED}")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Save the decision").click()
    success_banner(page, "Question 5: s38(1)(a) and (b) saved.")
    page.goto(f"/cases/{case.reference}/decisions/check/")
    page.get_by_role("button", name="Send the decisions for review").click()
    success_banner(page, "The decisions were sent for review.")

    # The reviewer approves the revised decisions.
    desk.reload()
    # Round two: the overview says which question changed; its page shows what changed.
    expect(desk.locator("#review-task-5-status")).to_have_text("Changed")
    measure(desk, "overview, round two")
    desk.get_by_role("link", name="Question 1", exact=True).click()
    for number in range(1, 6):
        expect(desk.get_by_role("heading", level=1, name=f"Question {number}")).to_be_visible()
        measure(desk, f"question {number}, round two")
        if number == 5:
            expect(desk.locator("ins").filter(has_text=REVISED)).to_be_visible()
            expect(desk.locator("del").filter(has_text=S38_REASONS[:40])).to_be_visible()
            axe_check(desk, "review-round-two")
        desk.get_by_role("button", name="Save and continue").click()
    expect(desk.get_by_text("You have not commented on any decision.")).to_be_visible()
    measure(desk, "approve or return, round two")
    desk.get_by_role("button", name="Approve the decisions").click()
    success_banner(desk, "Approved.")
    axe_check(desk, "review-approved")

    # The officer composes the final response; the reviewer approves the letter.
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Letters").click()
    axe_check(page, "letters")
    page.get_by_role("button", name="Final response").click()
    expect(page.get_by_role("heading", level=1, name="Final response, version 1")).to_be_visible()
    axe_check(page, "letter-draft")
    letter_url = page.url

    desk.goto(letter_url)
    desk.get_by_role("button", name="Approve this letter").click()
    success_banner(desk, "Letter approved. Its PDF is being made.")
    axe_check(desk, "letter-approved")

    # The worker makes the PDF; the officer downloads it.
    page.reload()
    download_link = page.get_by_role("link", name="Download the PDF")
    reload_until(page, download_link)
    expect(page.get_by_text("Ready to send")).to_be_visible()
    axe_check(page, "letter-ready")
    with page.expect_download() as download_info:
        download_link.click()
    path = tmp_path / "final-response.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert "generate_letter_pdf" in live_celery.log()

    text = pdf_text(data)
    for expected in (
        case.reference,
        "£2.2 million",
        "10 Members of staff",
        "237 Members",
        "no official record of notifying Members is held",
        "sections 31(1)(a) and (b) and 38(1)(a) and (b)",
        REVISED,
        "The public interest test",
        "section 50 of the Freedom of Information Act 2000",
        "icocasework@ico.org.uk",
    ):
        assert expected in text, f"{expected!r} is not in the PDF:\n{text}"
    assert re.search(r"internal review", text, re.IGNORECASE)

    # The preview (a new tab) and recording that it was sent; an empty form shows its errors.
    with page.context.expect_page() as preview_info:
        page.get_by_role("link", name="Preview the letter (opens in a new tab)").click()
    preview = preview_info.value
    preview.wait_for_load_state()
    expect(preview.get_by_text("£2.2 million")).to_be_visible()
    axe_check(preview, "letter-preview")
    preview.close()
    page.get_by_role("link", name="Record that it was sent").click()
    axe_check(page, "letter-sent-form")
    page.get_by_role("button", name="Record it").click()
    assert_error_summary(page)
    axe_check(page, "letter-sent-errors")
    fill_date(page, "Date sent", timezone.localdate())
    choose(page, "How it was sent", "E-mail")
    page.get_by_role("button", name="Record it").click()
    success_banner(page, "Final response: recorded as sent.")
    case.refresh_from_db()
    assert case.status == case.Status.RESPONDED
