"""Browser journeys: Playwright driving Debian's Chromium against pytest-django's live server.

One Chromium process serves every browser test (a new context, so new cookies, per test). The
live server runs in this process on the test database (PostgreSQL), so browser tests use a
transactional database: the rows the data migrations made (roles, topics, the exemption
catalogue, reasoning templates, letter settings) are flushed after each test and `app_data`
makes them again.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.axe import RECORDS, SUMMARY, AxeChecker
from tests.services import CHROMIUM

# Playwright's sync API drives the browser from an asyncio event loop in this (the test)
# thread, and Django refuses ORM calls from a thread with a running loop
# (SynchronousOnlyOperation). The tests' own database set-up and checks are ordinary
# synchronous code that only shares the thread with the loop, so allow them while Playwright
# runs (Django reads the variable at each call). The live server answers the browser from its
# own thread and is unaffected.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous waits: CI machines have two cores shared with PostgreSQL, Redis and the worker.
TIMEOUT_MS = 15_000


# --- One browser for the session ---------------------------------------------------------------


class _Chromium:
    """Launched by the first browser test; closed as soon as no browser test follows."""

    playwright: Any = None
    browser: Any = None
    async_unsafe: str | None = None

    @classmethod
    def get(cls) -> Any:
        if cls.browser is None:
            from playwright.sync_api import expect, sync_playwright

            expect.set_options(timeout=TIMEOUT_MS)
            cls.async_unsafe = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
        return cls.browser

    @classmethod
    def close(cls) -> None:
        if cls.browser is not None:
            cls.browser.close()
            cls.playwright.stop()
            if cls.async_unsafe is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = cls.async_unsafe
        cls.browser = cls.playwright = None


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # Stop Playwright's event loop before tests that are not browser tests run in this thread.
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        _Chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    _Chromium.close()
    if not RECORDS:
        return
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    totals: dict[str, int] = {}
    for record in RECORDS:
        for impact, count in record.violations.items():
            totals[impact] = totals.get(impact, 0) + count
    SUMMARY.write_text(
        json.dumps(
            {
                "pages_checked": len(RECORDS),
                "violations_by_impact": totals,
                "pages": [record.as_json() for record in RECORDS],
            },
            indent=2,
        )
        + "\n"
    )


@pytest.fixture
def browser() -> Any:
    """The session's Chromium (launched on first use, not per test)."""
    return _Chromium.get()


# --- Settings, data and users -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _browser_settings(settings) -> None:
    # The live server speaks plain http://localhost; Secure cookies would be set but, on some
    # hosts, not sent back, so signing in would fail for reasons that say nothing about the app.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


def _migration(name: str) -> Any:
    return importlib.import_module(name)


@pytest.fixture
def app_data(transactional_db) -> None:
    """Re-create, idempotently, what the data migrations made and the flush removed."""
    from django.apps import apps

    from exemptions.seed import load_all
    from tests.letter_helpers import complete_letter_settings

    _migration("foi_cases.migrations.0002_roles").create_roles(apps, None)
    _migration("foi_cases.migrations.0004_search_and_topics").create_topics(apps, None)
    load_all()
    complete_letter_settings()


def _user(username: str, first: str, last: str, role: str) -> Any:
    from tests import factories

    return factories.UserFactory(username=username, first_name=first, last_name=last, roles=[role])


@pytest.fixture
def officer(app_data) -> Any:
    return _user("olivia", "Olivia", "Officer", "FOI officer")


@pytest.fixture
def reviewer(app_data) -> Any:
    return _user("rita", "Rita", "Reviewer", "Reviewer")


@pytest.fixture
def manager(app_data) -> Any:
    return _user("maya", "Maya", "Manager", "Manager")


@pytest.fixture
def second_manager(app_data) -> Any:
    return _user("mark", "Mark", "Manager", "Manager")


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def context(browser, live_server, request) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, request) -> Iterator[Any]:
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and not page.is_closed():
        from tests.browser.axe import SCREENSHOTS

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-FAILED.png"), full_page=True)


@pytest.fixture
def other_desk(browser, live_server) -> Iterator[Callable[[], Any]]:
    """A page in a fresh context (its own cookies): another person at another desk."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def axe_check(request) -> AxeChecker:
    return AxeChecker(request.node.name)


@pytest.fixture
def sign_in(axe_check) -> Callable[..., None]:
    """Sign in through the real form; check the sign-in page with axe the first time."""
    from playwright.sync_api import expect

    from tests.factories import DEFAULT_PASSWORD

    checked = []

    def sign_in(page: Any, user: Any) -> None:
        page.goto("/sign-in/")
        if not checked:
            axe_check(page, "sign-in")
            checked.append(True)
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text(f"Signed in as {user.username}")).to_be_visible()

    return sign_in
