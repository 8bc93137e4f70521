"""Hypothesis-generated input to every form: never a 500.

Every URL pattern that takes a POST (from the access matrix's rules) gets generated values
for the fields of the forms that post to it, as found on the pages of a case in review:
unicode and control characters, huge strings, template syntax, HTML, `=cmd` cells, dates out
of range, non-numbers where numbers go, values the page offered, and fields left out.
Each POST is made by a person allowed to act (the assigned officer, a reviewer or a
manager), and the answer must be below 500.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import run_summary
from tests.test_access_matrix import RULES, named_patterns
from tests.url_targets import UrlTargets, case_in_review, every_target

EXAMPLES_PER_FORM = 25
POST_PATTERNS = sorted(name for name, rule in RULES.items() if "post" in rule)
# Where each POST-only endpoint's form is shown (endpoints that take GET show their own).
HOST_PAGES = {
    "triage_assign": "case_triage",
    "triage_topics": "case_triage",
    "triage_restriction": "case_triage",
    "triage_questions": "case_triage",
    "triage_cost": "case_triage",
    "letter_compose": "letter_list",
    "correspondence_send_message": "case_correspondence",
    "letter_approve": "letter_detail",
    "letter_retry": "letter_detail",
    "exemption_submit": "exemption_decisions",
    "exemption_answer": "exemption_decisions",
    "exemption_citation_remove": "exemption_citation_edit",
    "decision_review_approve": "decision_review_decide",
    "decision_review_return": "decision_review_decide",
    "notifications_mark_read": "notifications",
    "disclosure_prepare": "case_after_response",
    "logout": "home",
    "two_factor_recovery_codes": "two_factor_setup",
    "account_session_end": "account",
    "account_sessions_end_others": "account",
    "sign_in_unlock": "sign_in_security",
    "record_responsiveness": "record_review",
    "record_redact": "record_review",
    "record_redaction_remove": "record_review",
    **{
        f"disclosure_entry_{action}": "disclosure_entry"
        for action in ("edit", "redact", "submit", "publish", "withhold", "return")
    },
}
# Fields posted to an endpoint whose form the cases' state does not show (a letter that is
# not yet approvable, an entry already published): the view must still refuse them cleanly.
GENERIC_FIELDS = ("reason", "comment", "body", "dated", "seen_hash", "note", "text", "outcome")
RUN = {"examples": 0, "harvested": set(), "generic": set()}
run_summary.report(
    "form fuzzing",
    lambda: (
        (
            f"{RUN['examples']} generated POSTs to "
            f"{len(RUN['harvested']) + len(RUN['generic'])} endpoints "
            f"({len(RUN['harvested'])} with the fields of their own form, "
            f"{len(RUN['generic'])} in a state whose page shows no form: generic fields), "
            "none answered 5xx"
        )
        if RUN["examples"]
        else ""
    ),
)

NASTY = st.sampled_from(
    [
        "",
        " ",
        "{{ request.user.password }}",
        "{% debug %}{% include '/etc/passwd' %}",
        "<script>alert(1)</script><img src=x onerror=alert(1)>",
        "=cmd|' /C calc'!A0",
        "+SUM(1)",
        "0",
        "-1",
        "1e309",
        "NaN",
        "99999999999999999999999999",
        "9999-99-99",
        "31/02/2026",
        "0000-00-00",
        "12 13 2026",
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "../../../../etc/passwd",
        "\x00",
        "\u202e\u0000\ud7ff\ufeff",
        "ｆｕｌｌｗｉｄｔｈ ÅÄÖ 漢字 🙂",
    ]
)
TEXT = st.text(max_size=40)  # any unicode, control characters included
NUMBERS = st.integers(min_value=-(10**22), max_value=10**22).map(str)
DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str)
HUGE = st.sampled_from(["x" * 100_001, "{{ a }}" * 20_000, "é" * 70_000])


class FormFields(HTMLParser):
    """The field names (and the values offered for each) of every form, by action path."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.action: str | None = None
        self.fields: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form" and attr.get("method", "get").lower() == "post":
            self.action = urlsplit(attr.get("action") or self.page_path).path
            self.fields.setdefault(self.action, defaultdict(set))  # a button-only form counts
        elif self.action is None:
            return
        elif tag in ("input", "textarea", "select") and attr.get("name"):
            name = attr["name"]
            if name == "csrfmiddlewaretoken":
                return
            values = self.fields[self.action][name]
            if attr.get("value"):
                values.add(attr["value"])
            if tag == "select":
                self.select = name
        elif tag == "option" and self.select and attr.get("value"):
            self.fields[self.action][self.select].add(attr["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.action = None
        elif tag == "select":
            self.select = None


def harvest(targets: UrlTargets, patterns, names) -> dict[str, dict[str, set[str]]]:
    """The fields of the forms on these pages, as the officer, reviewer and manager see them."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for persona in ("anonymous", "officer_assigned", "reviewer", "manager"):
        client = Client()
        if persona != "anonymous":
            client.force_login(targets.people[persona])
        for name in names:
            path = targets.url(name, patterns[name], restricted=False)
            response = client.get(path)
            if response.status_code != 200:
                continue
            parser = FormFields(path)
            parser.feed(response.content.decode())
            for action, fields in parser.fields.items():
                for field, values in fields.items():
                    found[action][field] |= values
    return found


@pytest.fixture
def targets(personas, settings, tmp_path) -> UrlTargets:
    """Every object the URLs name (tests/url_targets.py); the POSTs go to the open case's."""
    settings.MEDIA_ROOT = tmp_path
    return every_target(personas)


@dataclass(frozen=True)
class Endpoint:
    """Where the test posts, and the fields (with the values offered) it posts there."""

    url: str
    fields: dict[str, set[str]]
    own_form: bool


@pytest.fixture
def endpoint(name, targets) -> Endpoint:
    """The endpoint's URL on the open case, with the fields of its form as its page shows it.

    When the page shows no form for it (a letter not yet approvable, an entry already
    published), generic fields and every field of the page's other forms instead.
    """
    patterns = {n: p for _, n, p in named_patterns()}
    if name not in patterns:
        pytest.skip(f"{name} is not in the URLconf")
    url = targets.url(name, patterns[name], restricted=False)
    harvested = harvest(targets, patterns, [HOST_PAGES.get(name, name)])
    if url in harvested:
        return Endpoint(url, dict(harvested[url]), own_form=True)
    fields: dict[str, set[str]] = {field: set() for field in GENERIC_FIELDS}
    for form in harvested.values():
        for field in form:
            fields.setdefault(field, set())
    return Endpoint(url, fields, own_form=False)


def field_values(offered: set[str]):
    choices = [st.sampled_from(sorted(offered))] if offered else []
    return st.one_of(
        *choices, NASTY, TEXT, NUMBERS, DATES, HUGE, st.lists(NASTY | TEXT, max_size=3)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_PATTERNS)
@settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(data=st.data())
def test_no_form_input_gives_a_500(name, endpoint, personas, data):
    (RUN["harvested"] if endpoint.own_form else RUN["generic"]).add(name)
    payload = data.draw(
        st.fixed_dictionaries(
            {},
            optional={field: field_values(offered) for field, offered in endpoint.fields.items()},
        ),
        label="fields",
    )
    persona = data.draw(st.sampled_from(["officer_assigned", "reviewer", "manager"]))
    client = Client(raise_request_exception=False)
    client.force_login(personas[persona])
    response = client.post(endpoint.url, payload)
    RUN["examples"] += 1
    assert response.status_code < 500, (
        f"POST {endpoint.url} as {persona} gave {response.status_code}"
    )


@pytest.mark.django_db
def test_harvest_finds_the_fields_of_the_forms(officer, personas, settings, tmp_path):
    """The fuzzer reaches real fields: a sanity check on the harvesting itself."""
    settings.MEDIA_ROOT = tmp_path
    case = case_in_review(officer, restricted=False)
    targets = UrlTargets(people=personas, open=case)
    patterns = {n: p for _, n, p in named_patterns()}
    found = harvest(targets, patterns, ["case_triage", "decision_review_decide"])
    assign = found[reverse("triage_assign", args=[case.case.reference])]
    assert "assignee" in assign and len(assign["assignee"]) >= 2
    assert found[reverse("decision_review_approve", args=[case.case.reference])]
