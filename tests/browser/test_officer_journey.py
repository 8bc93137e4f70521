"""Journey 1: an FOI officer logs seed 001 by pasting it, triages it, decides it, sends it on."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from foi_cases.demo import SEED_001_ANSWERS, SEED_001_QUESTIONS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_001 = SEEDS / "001_2c337ac142043556.txt"
MSSS_TOPIC = "Members' security support service and social media monitoring"
RECEIVED = dt.date(2019, 10, 1)


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(page: Page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def success_banner(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def summary_value(page: Page, key: str):
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{key}$"))
    )
    return row.locator(".govuk-summary-list__value")


def log_seed_001(page: Page, axe_check) -> str:
    """Intake: paste the published page, split it, check the five questions, save."""
    page.get_by_role("link", name="New request").click()
    expect(page.get_by_role("heading", level=1, name="Log a new request")).to_be_visible()
    axe_check(page, "intake")
    page.get_by_label("Requester's name").fill("Sam Requester")
    page.get_by_label("E-mail address").fill("sam@example.com")
    choose(page, "How the request arrived", "E-mail")
    fill_date(page, "Date received", RECEIVED)
    page.get_by_label("Time received (optional)").fill("10:00")
    page.get_by_label("Short title").fill("Members security (2019)")
    page.get_by_label("Request text").fill(SEED_001.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Split into questions").click()

    expect(page.get_by_text("The request was split into 5 questions")).to_be_visible()
    axe_check(page, "intake-split")
    for number, text in enumerate(SEED_001_QUESTIONS, start=1):
        expect(page.get_by_role("textbox", name=f"Question {number}", exact=True)).to_have_value(
            text
        )
    expect(page.get_by_role("textbox", name="Question 6", exact=True)).to_have_count(0)
    expect(page.get_by_label("Requester's name")).to_have_value("Sam Requester")
    page.get_by_role("button", name="Save request").click()

    success_banner(page, "Request logged as")
    banner = page.get_by_role("alert").inner_text()
    reference = re.search(r"Request logged as (\S+)\.", banner)[1]
    expect(page.get_by_role("heading", level=1, name="Members security (2019)")).to_be_visible()
    axe_check(page, "case")
    return reference


def triage(page: Page, axe_check, officer_name: str) -> None:
    page.get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Triage"))).to_be_visible()
    axe_check(page, "triage")
    assign = page.get_by_label("Assign to")
    assign.select_option(label=f"{officer_name} (0 open)")
    page.get_by_role("button", name="Assign").click()
    success_banner(page, f"Assigned to {officer_name}.")
    page.get_by_role("link", name="Change topics").click()
    expect(page.get_by_role("heading", level=1, name="Topics")).to_be_visible()
    axe_check(page, "triage-topics")
    page.get_by_label(MSSS_TOPIC).check()
    page.get_by_role("button", name="Save topics").click()
    success_banner(page, "Topics saved.")
    axe_check(page, "triage-saved")
    page.get_by_role("link", name=re.compile("^Back to")).click()
    expect(summary_value(page, "Officer")).to_have_text(officer_name)
    expect(summary_value(page, "Topics")).to_have_text(MSSS_TOPIC)


MAX_PAGE_HEIGHT = 2_500


def assert_short(page: Page) -> None:
    """Each page of the decisions has one job and fits in 2,500 px at 1280 px wide."""
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < MAX_PAGE_HEIGHT, f"{page.url} is {height} px tall"


def open_question(page: Page, reference: str, number: int) -> None:
    page.goto(f"/cases/{reference}/decisions/")
    page.get_by_role("link", name=f"Question {number}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Question {number}")).to_be_visible()


def answer(page: Page, reference: str, number: int, held: str, outcome: str, text: str) -> None:
    open_question(page, reference, number)
    page.get_by_role("link", name=f"Record the answer to question {number}").click()
    page.get_by_role("group", name="Is the information held?").get_by_label(
        held, exact=True
    ).check()
    page.get_by_role("group", name="What happens to it?").get_by_label(outcome, exact=True).check()
    page.get_by_label("Answer").fill(text)
    page.get_by_role("button", name=f"Save the answer to question {number}").click()
    success_banner(page, f"Question {number}: answer saved.")


def factors_in_rows(page: Page, factors: list[tuple[str, str, int]]) -> None:
    """Each side has its own table: a wide factor and a narrow weight per row."""
    count = {"for disclosure": 0, "against disclosure": 0}
    for side, text, weight in factors:
        words = "for disclosure" if side == "For disclosure" else "against disclosure"
        count[words] += 1
        row = count[words]
        page.get_by_label(f"Factor {row} {words}", exact=True).fill(text)
        page.get_by_label(f"Weight of factor {row} {words}").select_option(str(weight))
    text_box = page.get_by_label("Factor 1 for disclosure", exact=True).bounding_box()
    weight_box = page.get_by_label("Weight of factor 1 for disclosure").bounding_box()
    assert text_box["width"] > 3 * weight_box["width"]


def cite(
    page: Page,
    axe_check,
    *,
    exemption: str,
    limbs: list[str],
    template: str,
    factors: list[tuple[str, str, int]],
    summary: str,
    slug: str,
    typed_first: str = "",
) -> None:
    """Add an exemption to question 5 step by step: how cited, harm, reasons, PIT, check."""
    page.get_by_role("link", name="Add an exemption to question 5").click()
    expect(page.get_by_role("heading", level=1, name="Add an exemption")).to_be_visible()
    axe_check(page, f"choose-{slug}")
    page.get_by_label("Exemption or ground").select_option(label=exemption)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="How is it cited?")).to_be_visible()
    axe_check(page, f"citation-{slug}")
    assert_short(page)

    choose(page, "How is it cited?", "Exempt from disclosure")
    for limb in limbs:
        page.get_by_role("group", name="Subsections relied on").get_by_role(
            "checkbox", name=re.compile(f"^{re.escape(limb)} ")
        ).check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1, name="The harm")).to_be_visible()
    choose(page, "Likelihood of harm", "Would")
    page.get_by_label("What would be harmed").fill(
        "The safety of Members and the people around them."
    )
    page.get_by_label("How disclosure would cause the harm").fill(
        "Figures show how monitoring is prioritised and could be circumvented."
    )
    page.get_by_label("Evidence", exact=True).fill(
        "Threat assessments from the parliamentary security team."
    )
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1, name="Why the exemption applies")).to_be_visible()
    reasoning = page.get_by_label("Why the exemption applies")
    asked: list[str] = []
    if typed_first:
        # What the officer typed is replaced only once they say so.
        reasoning.fill(typed_first)

        def accept(dialog) -> None:
            asked.append(dialog.message)
            dialog.accept()

        page.once("dialog", accept)
    page.get_by_label("Reasoning template").select_option(label=template)
    page.get_by_role("button", name="Use this template").click()
    provision = re.escape(f"{limbs[0]} and ({limbs[1][-2]})")
    expect(reasoning).to_have_value(re.compile(f"House of Commons .*exempt under {provision}"))
    expect(reasoning).not_to_have_value(re.compile(r"\[\["))
    if typed_first:
        assert asked and "Replace the text you typed" in asked[0]
    axe_check(page, f"citation-{slug}-template")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1, name="Public interest factors")).to_be_visible()
    fill_date(page, "Public interest assessed as at", RECEIVED)
    factors_in_rows(page, factors)
    axe_check(page, f"citation-{slug}-factors")
    assert_short(page)
    page.get_by_role("button", name="Save and continue").click()

    expect(
        page.get_by_role("heading", level=1, name="The public interest conclusion")
    ).to_be_visible()
    choose(page, "Conclusion", "Maintain the exemption")
    page.get_by_label("Public interest reasons for the letter (s17(3))").fill(summary)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the")
    axe_check(page, f"citation-{slug}-check")
    assert_short(page)
    page.get_by_role("button", name="Save the decision").click()
    success_banner(page, re.compile(r"Question 5: s\d\d\(1\)\(a\) and \(b\) saved\."))


def record_decisions(page: Page, axe_check, reference: str) -> None:
    page.get_by_role("link", name="Decisions per question").click()
    expect(page.get_by_role("heading", level=1, name="Decisions")).to_be_visible()
    axe_check(page, "decisions")
    for number in (1, 2, 3):
        answer(page, reference, number, "Held", "Disclosed", SEED_001_ANSWERS[number])
    axe_check(page, "question")
    answer(page, reference, 4, "Not held", "Not held", SEED_001_ANSWERS[4])
    answer(page, reference, 5, "Held", "Withheld in full", SEED_001_ANSWERS[5])
    cite(
        page,
        axe_check,
        exemption="s31 Law enforcement (Qualified)",
        limbs=["s31(1)(a)", "s31(1)(b)"],
        template="Law enforcement harm: operation and reach of the security support service",
        factors=[
            ("For disclosure", "The safety of elected representatives is a public concern.", 2),
            ("For maintaining the exemption", "Increased risk of criminal activity.", 4),
        ],
        summary="The public interest in maintaining the exemption outweighs the public "
        "interest in disclosing the information.",
        slug="s31",
    )
    cite(
        page,
        axe_check,
        exemption="s38 Health and safety (Qualified)",
        limbs=["s38(1)(a)", "s38(1)(b)"],
        template="Health and safety harm: protection of Members, families and staff",
        factors=[
            ("For disclosure", "Knowing how well Members are protected.", 2),
            ("For maintaining the exemption", "Helping people avoid detection.", 4),
        ],
        summary="The public interest in exemption on health and safety concerns outweighs "
        "the public interest in disclosure.",
        slug="s38",
        typed_first="My first draft of the reasons.",
    )
    expect(page.get_by_role("heading", name="s31(1)(a) and (b) Law enforcement")).to_be_visible()
    expect(page.get_by_role("heading", name="s38(1)(a) and (b) Health and safety")).to_be_visible()
    axe_check(page, "decisions-recorded")
    assert_short(page)
    page.get_by_role("link", name="Back to the task list").click()
    for number in range(1, 6):
        expect(page.locator(f"#task-{number}-status")).to_have_text("Ready for review")
    assert_short(page)
    page.get_by_role("link", name="Check your answers and send for review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    axe_check(page, "check-answers")
    assert_short(page)


def test_officer_logs_triages_and_decides_seed_001(page, officer, sign_in, axe_check):
    from foi_cases.models import Case

    sign_in(page, officer)
    reference = log_seed_001(page, axe_check)
    triage(page, axe_check, "Olivia Officer")
    record_decisions(page, axe_check, reference)

    page.get_by_role("button", name="Send the decisions for review").click()
    success_banner(page, "The decisions were sent for review.")
    axe_check(page, "case-in-review")

    case = Case.objects.get(reference=reference)
    assert case.status == Case.Status.IN_REVIEW
    assert case.assigned_to == officer
    assert [q.text for q in case.questions.order_by("number")] == SEED_001_QUESTIONS
    assert [q.outcome for q in case.questions.order_by("number")] == [
        "disclosed", "disclosed", "disclosed", "not_held", "withheld_in_full",
    ]  # fmt: skip
