"""Triage: assign with caseloads, topics, need-to-know, questions, duplicates, s12 estimate."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse

from foi_cases import search
from foi_cases.models import Case, CaseEvent, Topic
from tests.factories import CaseFactory, QuestionFactory, RequesterFactory, UserFactory
from tests.test_views_intake import with_questions

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def case(db):
    case = CaseFactory(
        reference="FOI-2026-00200",
        title="Panic alarms",
        request_text="How many panic alarms were fitted in constituency offices in 2025?",
    )
    QuestionFactory(case=case, number=1, text="How many panic alarms were fitted?")
    return case


def url(name: str, case: Case) -> str:
    return reverse(name, args=[case.reference])


def events(case: Case, verb: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, verb=verb))


def test_assign_list_shows_each_officers_open_caseload(client, manager, officer, other_officer):
    officer.first_name, officer.last_name = "Olivia", "Officer"
    officer.save()
    for _ in range(4):
        CaseFactory(assigned_to=officer, status="in_progress")
    CaseFactory(assigned_to=officer, status="closed", outcome="withdrawn")
    case = CaseFactory()
    client.force_login(manager)

    html = client.get(url("case_triage", case)).content.decode()

    assert "Olivia Officer (4 open)" in html
    assert f"{other_officer.get_full_name()} (0 open)" in html
    assert manager.get_full_name() not in html.split('name="assignee"', 1)[1].split("</select>")[0]


def test_manager_assigns_a_new_case_which_moves_into_progress(client, manager, officer, case):
    client.force_login(manager)
    response = client.post(url("triage_assign", case), {"assignee": officer.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == officer and case.status == Case.Status.IN_PROGRESS
    [event] = events(case, CaseEvent.Verb.ASSIGNED)
    assert event.actor == manager and event.data["assignee"] == "olivia"


def test_assigning_to_someone_who_is_not_an_officer_is_refused(client, manager, reviewer, case):
    client.force_login(manager)
    response = client.post(url("triage_assign", case), {"assignee": reviewer.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to is None and not events(case, CaseEvent.Verb.ASSIGNED)


def test_officer_can_take_an_unassigned_case(client, officer, case):
    client.force_login(officer)
    client.post(url("triage_assign", case), {"assignee": officer.pk})
    case.refresh_from_db()
    assert case.assigned_to == officer


def test_officer_cannot_triage_someone_elses_case(client, officer, other_officer, case):
    case.assigned_to = other_officer
    case.save()
    client.force_login(officer)
    assert client.get(url("case_triage", case)).status_code == 403
    assert client.post(url("triage_assign", case), {"assignee": officer.pk}).status_code == 403
    case.refresh_from_db()
    assert case.assigned_to == other_officer


@pytest.mark.parametrize("persona", ["reviewer", "outsider"])
def test_reviewers_and_people_without_a_role_cannot_triage(client, request, persona, case):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("case_triage", case)).status_code in (403, 404)


def test_topics_are_set_from_the_seeded_mp_security_list(client, manager, case):
    topics = Topic.objects.filter(slug__in=["cyber-security", "threats-and-incidents"])
    assert topics.count() == 2
    client.force_login(manager)
    assert (
        "Police liaison and Operation Bridger"
        in client.get(url("triage_topics", case)).content.decode()
    )

    client.post(url("triage_topics", case), {"topics": [t.pk for t in topics]})

    assert set(case.topics.values_list("slug", flat=True)) == {
        "cyber-security",
        "threats-and-incidents",
    }
    [event] = events(case, CaseEvent.Verb.TOPICS_SET)
    assert event.data["topics"] == ["cyber-security", "threats-and-incidents"]


def test_restricting_needs_a_reason(client, manager, case):
    client.force_login(manager)
    response = client.post(url("triage_restriction", case), {"restricted": "on", "reason": ""})
    assert response.status_code == 200
    assert "Say why this case needs to be restricted" in response.content.decode()
    case.refresh_from_db()
    assert not case.restricted and not events(case, CaseEvent.Verb.RESTRICTION_CHANGED)


def test_restricted_case_disappears_for_officers_not_on_it(
    client, manager, officer, other_officer, case
):
    case.assigned_to = officer
    case.save()
    client.force_login(manager)
    client.post(url("triage_restriction", case), {"restricted": "on", "reason": "Names a threat"})

    case.refresh_from_db()
    assert case.restricted
    assert officer in case.team.all()
    [event] = events(case, CaseEvent.Verb.RESTRICTION_CHANGED)
    assert event.data == {"restricted": True, "reason": "Names a threat"}
    client.force_login(other_officer)
    assert client.get(url("case_detail", case)).status_code == 404
    client.force_login(officer)
    assert client.get(url("case_detail", case)).status_code == 200


def test_questions_are_edited_merged_and_added_at_triage(client, manager, case):
    QuestionFactory(case=case, number=2, text="and in 2024?")
    client.force_login(manager)
    merged = client.post(
        url("triage_questions", case),
        with_questions(["How many panic alarms were fitted?", "and in 2024?"], merge={0})
        | {"action": "update_questions"},
    )
    shown = [form["text"].value() for form in merged.context["questions"].forms]
    assert shown == ["How many panic alarms were fitted?\nand in 2024?"]

    response = client.post(
        url("triage_questions", case),
        with_questions([*shown, "What did they cost?"]) | {"action": "save"},
    )

    assert response.status_code == 302
    assert list(case.questions.order_by("number").values_list("text", flat=True)) == [
        "How many panic alarms were fitted?\nand in 2024?",
        "What did they cost?",
    ]
    [event] = events(case, CaseEvent.Verb.QUESTIONS_EDITED)
    assert event.data["questions"] == 2


def test_saving_questions_someone_else_changed_since_the_page_opened_is_refused(
    client, manager, case
):
    client.force_login(manager)
    page = client.get(url("triage_questions", case))
    seen = page.context["questions_seen_hash"]
    assert f'name="seen_hash" value="{seen}"' in page.content.decode()
    case.questions.filter(number=1).update(text="How many panic alarms were fitted in 2025?")

    response = client.post(
        url("triage_questions", case),
        with_questions(["How many alarms?"]) | {"action": "save", "seen_hash": seen},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed these questions a moment ago" in html
    assert "How many alarms?" in html  # what was typed is kept
    assert list(case.questions.values_list("text", flat=True)) == [
        "How many panic alarms were fitted in 2025?"
    ]
    assert not events(case, CaseEvent.Verb.QUESTIONS_EDITED)


def test_questions_cannot_all_be_deleted(client, manager, case):
    client.force_login(manager)
    response = client.post(
        url("triage_questions", case),
        with_questions(["How many panic alarms were fitted?"], delete={0}) | {"action": "save"},
    )
    assert response.status_code == 200
    assert "Add at least one question" in response.content.decode()
    assert case.questions.count() == 1


def test_cost_estimate_within_the_limit(client, manager, case, settings):
    settings.FOI_COST_LIMIT_POUNDS = 600
    client.force_login(manager)
    client.post(
        url("triage_cost", case),
        {"determining": "2", "locating": "6.5", "retrieving": "4", "extracting": "1.5"},
    )
    case.refresh_from_db()
    assert case.cost_hours == Decimal("14")
    [event] = events(case, CaseEvent.Verb.COST_ESTIMATED)
    assert event.data["exceeds_limit"] is False and Decimal(event.data["cost"]) == 350
    html = client.get(url("case_triage", case)).content.decode()
    assert "Within the cost limit" in html and "£350.00" in html


def test_cost_estimate_over_the_450_pound_limit(client, manager, case, settings):
    settings.FOI_COST_LIMIT_POUNDS = 450
    client.force_login(manager)
    response = client.post(
        url("triage_cost", case),
        {"determining": "5", "locating": "5", "retrieving": "5", "extracting": "4", "notes": "x"},
        follow=True,
    )
    html = response.content.decode()
    assert "Exceeds the cost limit" in html
    assert "£450 (18 hours)" in html
    [event] = events(case, CaseEvent.Verb.COST_ESTIMATED)
    assert event.data["exceeds_limit"] is True


def test_negative_or_nonsense_hours_are_refused(client, manager, case):
    client.force_login(manager)
    response = client.post(
        url("triage_cost", case),
        {"determining": "-1", "locating": "lots", "retrieving": "0", "extracting": "0"},
    )
    html = response.content.decode()
    assert "Hours cannot be negative" in html and "Enter a number of hours" in html
    assert not events(case, CaseEvent.Verb.COST_ESTIMATED)


# --- Possible duplicates and repeats -------------------------------------------------------


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=LONDON)


@pytest.fixture
def history(db):
    """A requester who asked about panic alarms before, and someone else who asked too."""
    person = RequesterFactory(name="Pat Persistent", email="pat@example.com")
    other = RequesterFactory(name="Sam Other", email="sam@example.com")
    text = (
        "Please tell me how many panic alarms were installed in MPs' constituency offices and "
        "the cost of the panic alarms installed in constituency offices."
    )
    answered = CaseFactory(
        reference="OLD-1",
        requester=person,
        received_at=at(dt.date(2025, 1, 6)),
        title="Panic alarms in constituency offices",
        request_text=text,
        status="closed",
        outcome="granted_in_full",
    )
    unrelated = CaseFactory(
        reference="OLD-2",
        requester=person,
        received_at=at(dt.date(2025, 2, 3)),
        title="Catering contracts",
        request_text="How much was spent on catering contracts in the tea room?",
    )
    recent_other = CaseFactory(
        reference="NEAR-1",
        requester=other,
        received_at=at(dt.date(2026, 2, 2)),
        title="Constituency office panic alarms",
        request_text="How many constituency offices have panic alarms installed, and the cost?",
    )
    new = CaseFactory(
        reference="NEW-1",
        requester=person,
        received_at=at(dt.date(2026, 3, 2)),
        title="Panic alarms in constituency offices",
        request_text="How many panic alarms are installed in constituency offices, and at what "
        "cost?",
    )
    return {"new": new, "answered": answered, "unrelated": unrelated, "recent": recent_other}


def test_triage_lists_the_same_requesters_earlier_requests(client, manager, history):
    client.force_login(manager)
    matches = client.get(url("case_triage", history["new"])).context["matches"]
    assert [m.case.reference for m in matches.same_requester] == ["OLD-2", "OLD-1"]


def test_similar_requests_are_found_and_flagged(client, manager, history):
    client.force_login(manager)
    response = client.get(url("case_triage", history["new"]))
    similar = {m.case.reference: m for m in response.context["matches"].similar}

    assert "OLD-1" in similar and "NEAR-1" in similar
    assert "OLD-2" not in similar or not similar["OLD-2"].flags
    assert any("s14(2)" in flag for flag in similar["OLD-1"].flags)
    assert not any("s12" in flag for flag in similar["OLD-1"].flags)  # over 60 working days
    assert any("s12" in flag and "another requester" in flag for flag in similar["NEAR-1"].flags)
    html = response.content.decode()
    assert "Possible repeated request (s14(2))" in html
    assert "Granted in full" in html


def test_duplicates_never_reveal_restricted_cases_to_those_not_on_them(client, officer, history):
    history["answered"].restricted = True
    history["answered"].save()
    client.force_login(officer)
    response = client.get(url("case_triage", history["new"]))
    found = response.context["matches"]
    references = [m.case.reference for m in [*found.same_requester, *found.similar]]
    assert "OLD-1" not in references
    assert "OLD-1" not in response.content.decode()


@pytest.mark.postgres
def test_similar_request_search_can_use_the_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Case.objects.filter(search.text_matches(["panic", "alarm"])).explain()
    assert "case_text_by_received" in plan


def test_significant_words_skip_filler():
    words = search.significant_words(
        "Dear Sir, under the Freedom of Information Act please provide details of panic "
        "alarms and panic rooms in constituency offices. Kind regards"
    )
    assert words[0] == "panic"
    assert {"dear", "freedom", "information", "please", "regards"}.isdisjoint(words)
    assert {"alarm", "constituency", "office"} <= set(words)


def test_triage_page_lists_other_officers_by_name(client, manager, case):
    UserFactory(username="newbie", first_name="Nadia", last_name="New", roles=["FOI officer"])
    client.force_login(manager)
    assert "Nadia New (0 open)" in client.get(url("case_triage", case)).content.decode()


ODD_VALUES = [
    "",
    "0",
    "-1",
    "NaN",
    "1e999",
    "99999999999999999999999",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}",
    "=cmd|' /C calc'!A0",
    "\x00\ud7ff\u202e",
    "x" * 5000,
]
ODD_FIELDS = [
    "assignee",
    "topics",
    "restricted",
    "reason",
    "determining",
    "locating",
    "retrieving",
    "extracting",
    "on_0",
    "on_1",
    "on_2",
    "notice_on_0",
    "notice_on_2",
    "estimated_on_1",
    "amount",
    "outcome",
    "exemptions_cited",
    "questions-TOTAL_FORMS",
    "questions-0-text",
    "action",
]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_no_odd_input_to_triage_or_clock_steps_gives_a_500(client, manager, officer, case, value):
    case.assigned_to = officer
    case.status = "in_progress"
    case.save()
    client.force_login(manager)
    data = dict.fromkeys(ODD_FIELDS, value)
    urls = [
        url(name, case)
        for name in (
            "triage_assign",
            "triage_topics",
            "triage_restriction",
            "triage_questions",
            "triage_cost",
        )
    ] + [
        reverse("case_action", args=[case.reference, step])
        for step in (
            "request-clarification",
            "clarification-received",
            "fees-notice",
            "fee-received",
            "public-interest-extension",
            "close",
        )
    ]
    for address in urls:
        response = client.post(address, data)
        assert response.status_code < 500, (address, value)
    for query in ({"due_within": value}, {"page": value}, {"officer": value, "topic": value}):
        assert client.get(reverse("case_list_all"), query).status_code < 500


def test_triage_overview_has_one_primary_action_and_links_each_other_part(client, manager, case):
    client.force_login(manager)
    html = client.get(url("case_triage", case)).content.decode()

    primary = re.findall(r'<button[^>]*class="govuk-button"', html)
    assert len(primary) == 1, "the overview's one primary action is assigning"
    assert "Assign</button>" in html
    for name in ("triage_topics", "triage_restriction", "triage_questions", "triage_cost"):
        assert f'href="{url(name, case)}"' in html
    assert "1 question" in html and "Not restricted" in html and "Not estimated" in html


@pytest.mark.parametrize(
    ("name", "heading", "button"),
    [
        ("triage_topics", "Topics", "Save topics"),
        ("triage_restriction", "Need to know", "Save restriction"),
        ("triage_questions", "Questions", "Save questions"),
        ("triage_cost", "Cost limit estimate (s12)", "Save estimate"),
    ],
)
def test_each_part_of_triage_is_its_own_page_back_to_triage(
    client, manager, case, name, heading, button
):
    client.force_login(manager)
    html = client.get(url(name, case)).content.decode()

    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html
    assert len(re.findall(r'<button[^>]*class="govuk-button"', html)) == 1
    assert button in html
    assert f'href="{url("case_triage", case)}"' in html


def test_a_refused_restriction_stays_on_its_page_with_error_in_the_title(client, manager, case):
    client.force_login(manager)
    response = client.post(url("triage_restriction", case), {"restricted": "on", "reason": ""})
    html = response.content.decode()
    assert re.search(r"<title>\s*Error: Need to know", html)
    assert "govuk-textarea--error" in html
