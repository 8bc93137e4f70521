"""A reviewer meets a consistency block at approval, records an override, and approves."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from foi_cases import workflow
from foi_cases.consistency import ledger
from foi_cases.demo import seed_register
from foi_cases.models import CaseEvent, Question
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_block_at_approval_and_its_override(page, sign_in, officer, reviewer, axe_check):
    seed_register()
    earlier = factories.case_in_progress(
        officer, questions=("Has a panic room been fitted for Jane Smith MP?",)
    )
    Question.objects.filter(case=earlier).update(held_status="ncnd", outcome="ncnd")
    ledger.recognise_case(earlier)
    ledger.record_positions(earlier, on=dt.date(2026, 3, 20))
    case = factories.case_in_progress(
        officer, questions=("Is there a panic room for the Member for Ashcombe and Wyre?",)
    )
    ledger.recognise_case(case)
    workflow.record_answer(
        case.questions.get(), actor=officer, held_status="not_held", outcome="not_held"
    )
    workflow.submit_for_review(case, actor=officer)

    sign_in(page, reviewer)
    page.goto(f"/cases/{case.reference}/decision-review/decide/")
    expect(page.get_by_text("These findings block approval")).to_be_visible()
    expect(page.get_by_text(f"{earlier.reference} question 1: neither confirmed")).to_be_visible()
    page.get_by_role("button", name="Approve the decisions").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("block approval")
    axe_check(page, "approval blocked by a consistency finding")

    page.get_by_label("Why the answer may stand").fill("The Member published this herself.")
    page.get_by_role("button", name="Record the override").click()
    expect(page.get_by_text("Override recorded")).to_be_visible()
    page.get_by_role("button", name="Approve the decisions").click()
    expect(page.get_by_text("Approved.")).to_be_visible()
    case.refresh_from_db()
    assert case.status == "approved"
    assert CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.CONSISTENCY_OVERRIDDEN).exists()
