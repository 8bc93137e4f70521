"""Hostile query strings and path segments at every URL: 400, 404 or a refusal, never a 500.

Every named URL pattern (the access matrix's list) is sent GETs, anonymously and signed in as
each persona, with raw query strings holding hostile values: NUL and other control
characters, non-UTF-8 and overlong percent-escapes, overlong text, zero, negative and huge
numbers, arrays (`a[]=`), repeated names, template syntax and `=cmd` cells. The parameter
names are those the view's own GET forms and links use, plus a fixed set of common ones.
Each path segment (`<reference>`, `<int:pk>`, …) is replaced in turn by hostile segments.

A control character anywhere in the address must give exactly 400; anything else must stay
below 500, and a hostile path segment must be refused (400, 403, 404, 405, or sign-in).
Values and personas are sampled with a fixed seed per URL, so a run is repeatable and the
module stays quick; the report at the end says how many requests were made.
"""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests import run_summary
from tests.test_access_matrix import OK, RULES, named_patterns, row
from tests.url_targets import PERSONAS, UrlTargets, every_target

COMMON_PARAMETERS = (
    "q",
    "page",
    "year",
    "quarter",
    "tab",
    "scope",
    "status",
    "topic",
    "exemption",
    "regime",
    "officer",
    "period",
    "next",
    "kind",
    "sort",
)
# Raw query-string values, already percent-encoded as a hostile client would send them.
CONTROL_VALUES = ("%00", "a%00b", "%1b%5B31m", "%0d%0aSet-Cookie:%20x=1", "%7f")
OTHER_VALUES = (
    "",
    "%ff",
    "%ed%a0%80",
    "%c0%af",
    "x" * 5000,
    "-1",
    "0",
    "99999999999999999999",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "2026-02-31",
    "%C2%B2%E2%81%B0",
    "%EF%BC%91%EF%BC%92",
    "%7B%7B%20request.user.password%20%7D%7D",
    "%7B%25%20debug%20%25%7D",
    "%3Dcmd%7C'%20%2FC%20calc'!A0",
    "..%2F..%2Fetc%2Fpasswd",
    "%E2%80%AE",
    "1%2C2",
)
CONTROL_SEGMENTS = ("a%00b", "%0a", "x%1by")
OTHER_SEGMENTS = (
    "%ff",
    "x" * 300,
    "..%2f..%2fetc%2fpasswd",
    "-1",
    "0",
    "99999999999999999999",
    "%7B%7B7*7%7D%7D",
    "%E2%80%AE",
    "FOI-2026-00001%20",
    "'%20OR%201=1--",
)
# Per URL: values sent in every parameter at once, then one request per parameter the view's
# own forms and links use; per path parameter, hostile segments. A control character is
# always among them; the rest are sampled (every value still reaches dozens of URLs).
OTHER_VALUE_SAMPLES = 7
OTHER_SEGMENT_SAMPLES = 3
# Where the parameters of a view without a page of its own (a CSV) are found.
HOST_PAGES = {
    "disclosure_log_csv": "disclosure_log",
    "dashboard_csv": "dashboard",
    "statistics_csv": "statistics",
    "statistics_table_csv": "statistics",
    "case_list_export": "case_list",
}
REFUSED_PATH = {400, 403, 404, 405}
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
RUN = {"requests": 0, "urls": 0, "parameters": 0}
run_summary.report(
    "URL fuzzing",
    lambda: (
        (
            f"{RUN['requests']} hostile GETs to {RUN['urls']} URL patterns "
            f"({RUN['parameters']} view parameters found on their pages), none answered 5xx"
        )
        if RUN["requests"]
        else ""
    ),
)


class QueryParameters(HTMLParser):
    """The names of the GET parameters a page's GET forms and own links send back to it."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.in_get_form = False
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(attr.get("action", "")).path or self.page_path
            method = attr.get("method", "get").lower()
            self.in_get_form = method == "get" and action == self.page_path
        elif tag in ("input", "select", "textarea") and self.in_get_form and attr.get("name"):
            self.names.add(attr["name"])
        elif tag == "a" and attr.get("href"):
            link = urlsplit(attr["href"])
            if link.path in ("", self.page_path):
                self.names |= {name for name, _ in parse_qsl(link.query, keep_blank_values=True)}

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_get_form = False


def reaching(name: str) -> list[str]:
    """The personas who get the page itself (so hostile input reaches the view's code)."""
    spec = RULES[name].get("get")
    if spec is None:
        return []
    return [persona for persona, got in zip(PERSONAS, row(spec), strict=True) if got == OK]


def clients(people) -> dict[str, Client]:
    signed_in = {}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        user = people[persona]
        if user.is_authenticated:
            client.force_login(user)
        signed_in[persona] = client
    return signed_in


def own_parameters(name: str, patterns, targets: UrlTargets, people: dict[str, Client]) -> set[str]:
    """The GET parameter names of this view, read from its page (or its host page)."""
    page_name = HOST_PAGES.get(name, name)
    personas = reaching(page_name)
    if not personas:
        return set()
    path = targets.url(page_name, patterns[page_name], restricted=False)
    response = people["manager" if "manager" in personas else personas[0]].get(path)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    parser = QueryParameters(path)
    parser.feed(response.content.decode())
    return parser.names - {"csrfmiddlewaretoken"}


def query_string(names, value: str, shape: int) -> str:
    """Every name with one value: plain, as an array (`a[]=`), or repeated with a number."""
    if shape == 1:
        return "&".join(f"{name}[]={value}" for name in names)
    if shape == 2:
        return "&".join(f"{name}={value}&{name}=1" for name in names)
    return "&".join(f"{name}={value}" for name in names)


def check(client: Client, path: str, persona: str, *, control: bool, refused=False) -> str:
    """GET the path; a failure message, or '' when the answer is acceptable."""
    RUN["requests"] += 1
    response = client.get(path)
    status = response.status_code
    said = f"GET {path[:200]} as {persona}: {status}"
    if control:
        return "" if status == 400 else f"{said}, not 400"
    if status >= 500:
        return said
    to_sign_in = status == 302 and response["Location"].startswith(reverse("login"))
    if refused and status not in REFUSED_PATH and not to_sign_in:
        return f"{said}, not refused"
    return ""


def url_names(patterns) -> list[str]:
    return sorted(name for name in RULES if name in patterns)


@pytest.mark.django_db
def test_hostile_query_strings_at_every_url(personas, settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    targets = every_target(personas)
    patterns = {n: p for _, n, p in named_patterns()}
    people = clients(personas)
    all_known = set(COMMON_PARAMETERS)
    own = {}
    for name in url_names(patterns):
        own[name] = own_parameters(name, patterns, targets, people)
        all_known |= own[name]
    failures = []
    for name in url_names(patterns):
        rng = random.Random(f"query:{name}")
        path = targets.url(name, patterns[name], restricted=False)
        # Refusals (a 403, a sign-in redirect) run code too, but the view only for these.
        through = reaching(name) or list(PERSONAS)
        RUN["urls"] += 1
        values = [rng.choice(CONTROL_VALUES), *rng.sample(OTHER_VALUES, OTHER_VALUE_SAMPLES)]
        for index, value in enumerate(values):
            # The control character goes to any persona; the rest to those the view serves.
            persona = rng.choice(PERSONAS) if index == 0 else rng.choice(through)
            full = f"{path}?{query_string(sorted(all_known), value, index % 3)}"
            failures.append(check(people[persona], full, persona, control=index == 0))
        for parameter in sorted(own[name]):
            RUN["parameters"] += 1
            persona, value = rng.choice(through), rng.choice(OTHER_VALUES)
            full = f"{path}?{query_string([parameter], value, rng.randrange(3))}"
            failures.append(check(people[persona], full, persona, control=False))
    failures = [failure for failure in failures if failure]
    assert not failures, "\n".join(failures)


def with_segment(route: str, replaced: str, segment: str, kwargs: dict) -> str:
    """The route with one parameter replaced by a raw segment, the others by real values."""

    def value(match: re.Match) -> str:
        return segment if match["name"] == replaced else str(kwargs[match["name"]])

    return "/" + CONVERTER.sub(value, route)


@pytest.mark.django_db
def test_hostile_path_segments_at_every_url(personas, settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    targets = every_target(personas)
    people = clients(personas)
    failures = []
    for route, name, pattern in named_patterns():
        if name not in RULES or not CONVERTER.search(route):
            continue
        rng = random.Random(f"path:{name}")
        kwargs = route_values(route, targets.url(name, pattern, restricted=False))
        through = reaching(name) or list(PERSONAS)
        RUN["urls"] += 1
        for match in CONVERTER.finditer(route):
            segments = [
                rng.choice(CONTROL_SEGMENTS),
                *rng.sample(OTHER_SEGMENTS, OTHER_SEGMENT_SAMPLES),
            ]
            for index, segment in enumerate(segments):
                persona = rng.choice(PERSONAS) if index == 0 else rng.choice(through)
                path = with_segment(route, match["name"], segment, kwargs)
                failures.append(
                    check(people[persona], path, persona, control=index == 0, refused=True)
                )
    failures = [failure for failure in failures if failure]
    assert not failures, "\n".join(failures)


def route_values(route: str, real: str) -> dict[str, str]:
    """The value of every parameter of the route, read from a real URL of it."""
    regex = CONVERTER.sub(lambda m: f"(?P<{m['name']}>[^/]+?)", re.escape(route))
    found = re.fullmatch("/" + regex, real)
    assert found, (route, real)
    return found.groupdict()
