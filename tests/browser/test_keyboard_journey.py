"""Journey 4: an officer logs and triages a request with the keyboard alone (no clicks).

Focus is checked at every stop: the expected element has it, and it shows a focus indicator.
The intake form's errors use the GOV.UK error summary: focus moves to it, and its links lead
to the fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from foi_cases.demo import SEED_001_QUESTIONS
from tests.browser.test_officer_journey import MSSS_TOPIC, SEED_001
from tests.factories import DEFAULT_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

MAX_TABS = 80

FOCUSED = """() => {
  const e = document.activeElement;
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return {
    tag: e.tagName.toLowerCase(), id: e.id, type: e.type || "",
    text: ((e.innerText || label || e.value || "") + "").trim().replace(/\\s+/g, " ").slice(0, 60),
  };
}"""

# A visible focus indicator (WCAG 2.4.7): GOV.UK draws an outline or a box shadow on the
# element, or, for radios and checkboxes (whose input is transparent), on the label's ::before.
FOCUS_VISIBLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return false;
  // Chromium highlights the focused part (day, month, year) of a native date input itself;
  // the focus is inside the input's own shadow tree, so the input need not match :focus-visible.
  if (["date", "time", "datetime-local", "month", "week"].includes(e.type)) return true;
  if (!e.matches(":focus-visible")) return false;
  const drawn = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                            && style.outlineColor !== "rgba(0, 0, 0, 0)")
                           || style.boxShadow !== "none";
  if (e.type === "radio" || e.type === "checkbox") {
    const label = e.labels && e.labels[0];
    return !!label && (drawn(getComputedStyle(label, "::before"))
                       || drawn(getComputedStyle(label, "::after")));
  }
  return drawn(getComputedStyle(e));
}"""


def describe(element: dict[str, Any]) -> str:
    return f"<{element['tag']}#{element['id']}> {element['text']!r}"


def focus_is(page: Page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def assert_focus_visible(page: Page) -> None:
    element = page.evaluate(FOCUSED)
    assert page.evaluate(FOCUS_VISIBLE), f"no visible focus indicator on {describe(element)}"


def tab_to(page: Page, selector: str, *, key: str = "Tab", limit: int = MAX_TABS) -> None:
    """Press Tab (or Shift+Tab) until `selector` has focus, with a visible focus indicator."""
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        if focus_is(page, selector):
            assert_focus_visible(page)
            return
        visited.append(describe(page.evaluate(FOCUSED)))
    pytest.fail(f"{selector} never got focus after {limit} × {key}; focus went: {visited}")


def next_stop(page: Page, selector: str, *, key: str = "Tab") -> None:
    """The very next Tab stop is `selector`."""
    page.keyboard.press(key)
    element = page.evaluate(FOCUSED)
    assert focus_is(page, selector), (
        f"expected {selector} to be next, focus is on {describe(element)}"
    )
    assert_focus_visible(page)


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press(page: Page, key: str) -> None:
    """Press a key that loads a new page, and wait for it."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in_by_keyboard(page: Page, axe_check, user) -> None:
    page.goto("/sign-in/")
    # The sign-in form puts focus in its first field (Django's autofocus on the username).
    expect(page.locator("#id_username")).to_be_focused()
    axe_check(page, "sign-in")
    page.keyboard.type(user.username)
    next_stop(page, "#id_password")
    page.keyboard.type(DEFAULT_PASSWORD)
    press(page, "Enter")
    expect(page.get_by_text(f"Signed in as {user.username}")).to_be_visible()


def test_officer_logs_and_triages_a_request_with_the_keyboard_only(page, officer, axe_check):
    from foi_cases.models import Case

    sign_in_by_keyboard(page, axe_check, officer)
    # The skip link is the first Tab stop, and it moves focus to the main content.
    next_stop(page, "a.govuk-skip-link")
    axe_check(page, "home-skip-link-focused")
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    tab_to(page, "a.govuk-service-navigation__link[href='/cases/new/']")
    press(page, "Enter")
    expect(page.get_by_role("heading", level=1, name="Log a new request")).to_be_visible()

    # Paste the request and split it, leaving everything else empty.
    tab_to(page, "#id_request_text")
    page.keyboard.insert_text(SEED_001.read_text(encoding="utf-8"))
    next_stop(page, "button[value=split]")
    press(page, "Enter")
    expect(page.get_by_text("The request was split into 5 questions")).to_be_visible()
    for number in range(1, 6):
        expect(page.get_by_role("textbox", name=f"Question {number}", exact=True)).to_be_visible()

    # Saving without the requester and arrival details: the error summary takes focus (the
    # date received starts as today, the usual answer, so it is not among the errors).
    tab_to(page, "button[value=save]")
    press(page, "Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^\s*Error: "))
    axe_check(page, "intake-errors")
    links = summary.get_by_role("link")
    expected = {
        "Enter the requester's name": "#id_requester_name",
        "Select how the request arrived": "#id_channel",
        "Enter a short title": "#id_title",
    }
    hrefs = {
        links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())
    }
    for message, target in expected.items():
        assert any(message in text for text in hrefs), f"{message!r} not in {list(hrefs)}"
        href = next(href for text, href in hrefs.items() if message in text)
        assert href.startswith(target), f"{message!r} links to {href}, expected {target}…"
    for href in hrefs.values():
        assert page.locator(href).count() == 1, f"the error link {href} leads nowhere"
    # What was typed is kept.
    expect(page.get_by_label("Request text")).to_have_value(SEED_001.read_text(encoding="utf-8"))

    # The first error link takes focus to its field.
    next_stop(page, ".govuk-error-summary__list a[href='#id_requester_name']")
    page.keyboard.press("Enter")
    expect(page.locator("#id_requester_name")).to_be_focused()
    page.keyboard.type("Sam Requester")
    next_stop(page, "#id_requester_email")
    page.keyboard.type("sam@example.com")
    # The channel radios have no choice yet: Tab lands on the first, Space chooses it.
    tab_to(page, "input[name=channel]")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="E-mail")).to_be_checked()
    received = dt.date(2019, 10, 1)
    next_stop(page, "#id_received_at_0")
    page.keyboard.type(str(received.day))
    next_stop(page, "#id_received_at_1")
    page.keyboard.type(str(received.month))
    next_stop(page, "#id_received_at_2")
    page.keyboard.type(str(received.year))
    type_into(page, "#id_title", "Members security (2019)")
    tab_to(page, "button[value=save]")
    press(page, "Enter")

    expect(page.get_by_role("alert").filter(has_text="Request logged as")).to_be_visible()
    case = Case.objects.get(title="Members security (2019)")
    assert [q.text for q in case.questions.order_by("number")] == SEED_001_QUESTIONS
    axe_check(page, "case-logged")

    # Triage: assign (type-ahead in the select), then a topic (Space on the checkbox).
    tab_to(page, f"a[href='/cases/{case.reference}/triage/']")
    press(page, "Enter")
    tab_to(page, "#id_assignee")
    page.keyboard.type("Olivia")
    expect(page.get_by_label("Assign to")).to_have_value(str(officer.pk))
    next_stop(page, "form[action$='/triage/assign/'] button")
    press(page, "Enter")
    expect(page.get_by_role("alert").filter(has_text="Assigned to Olivia Officer.")).to_be_visible()

    tab_to(page, f"a[href='/cases/{case.reference}/triage/topics/']")
    press(page, "Enter")
    expect(page.get_by_role("heading", level=1, name="Topics")).to_be_visible()
    topic = page.get_by_label(MSSS_TOPIC)
    topic_id = topic.get_attribute("id")
    tab_to(page, f"#{topic_id}")
    page.keyboard.press("Space")
    expect(topic).to_be_checked()
    tab_to(page, "form[action$='/triage/topics/'] button")
    # Shift+Tab goes back through the checkboxes to the one just ticked.
    tab_to(page, f"#{topic_id}", key="Shift+Tab", limit=10)
    tab_to(page, "form[action$='/triage/topics/'] button")
    press(page, "Enter")
    expect(page.get_by_role("alert").filter(has_text="Topics saved.")).to_be_visible()
    axe_check(page, "triage-by-keyboard")

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.assigned_to == officer
    assert [t.name for t in case.topics.all()] == [MSSS_TOPIC]


MAX_STOPS_IN_ONE_CONTROL = 5
WHERE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const all = [...document.querySelectorAll("*")];
  return `${e.tagName.toLowerCase()}#${e.id}[${all.indexOf(e)}]`;
}"""

FOCUS_STOP = """(stop) => {
  const index = Number(stop.slice(stop.lastIndexOf("[") + 1, -1));
  document.querySelectorAll("*")[index].focus();
}"""


def walk_the_page(page: Page, key: str = "Tab", limit: int = 400) -> list[str]:
    """Tab from the focused element until focus leaves the page or comes round again; fail if
    it sticks (WCAG 2.1.2) or if a stop shows no focus indicator (WCAG 2.4.7)."""
    stops: list[str] = [page.evaluate(WHERE)]
    assert_focus_visible(page)
    repeats = 0
    for _ in range(limit):
        page.keyboard.press(key)
        where = page.evaluate(WHERE)
        if where is None or (stops and where == stops[0]):
            return stops
        if stops and where == stops[-1]:
            # A native date input takes a Tab per part (day, month, year): not a trap.
            repeats += 1
            assert repeats < MAX_STOPS_IN_ONE_CONTROL, f"focus is stuck on {where}"
            continue
        repeats = 0
        assert_focus_visible(page)
        stops.append(where)
    pytest.fail(f"focus never left {page.url} after {limit} × {key}: {stops[-10:]}")


def test_no_keyboard_trap_and_every_stop_visible(page, officer, reviewer, sign_in):
    from exemptions.models import Exemption
    from foi_cases.demo import SEED_001_QUESTIONS as questions
    from tests.letter_helpers import log_case

    case = log_case(officer, questions=questions, assignee=officer)
    s31 = Exemption.objects.get(code="FOIA-s31")
    sign_in(page, officer)
    for url in (
        "/cases/new/",
        case.get_absolute_url(),
        f"/cases/{case.reference}/triage/",
        f"/cases/{case.reference}/decisions/",
        f"/cases/{case.reference}/decisions/5/exemptions/new/?exemption={s31.pk}",
        "/dashboard/",
    ):
        page.goto(url)
        # Start at the skip link whatever the page focused on load (an error summary, say).
        page.locator("a.govuk-skip-link").focus()
        forward = walk_the_page(page)
        assert len(forward) > 5, f"only {len(forward)} Tab stops on {url}"
        expect(page.locator("a.govuk-skip-link")).to_have_count(1)
        page.evaluate(FOCUS_STOP, forward[-1])
        backward = walk_the_page(page, key="Shift+Tab")
        assert sorted(backward) == sorted(forward), f"Shift+Tab reaches other stops on {url}"
