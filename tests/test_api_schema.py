"""The API's contract: the committed schema is the generated one, and the API keeps it.

Schemathesis generates requests from the live schema for every operation, anonymously and
with a token of each scope, and checks every answer: never a 5xx, a documented status and
content type, a body that matches the schema. Bounded (examples per operation, fixed seed)
so it stays well under a minute and a half.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import checks

from config.wsgi import application
from foi_cases.api.tokens import issue_token
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "api" / "openapi.yaml"
REGENERATE = "make api-schema"
EXAMPLES = 20
WSGI_HOST = "localhost"  # the Host schemathesis's WSGI client sends
SCOPES = ("anonymous", "intake", "read", "statistics")
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def generated_schema() -> str:
    from io import StringIO

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_the_generated_one():
    committed = COMMITTED.read_text() if COMMITTED.exists() else ""
    assert generated_schema() == committed, (
        f"The API changed but {COMMITTED.relative_to(ROOT)} did not: run `{REGENERATE}` and "
        "commit the file, so the change to the contract shows in review."
    )


# --- Schemathesis ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _wsgi_in_the_test_transaction(settings):
    """Requests go through the WSGI application, inside the test's transaction."""
    settings.ALLOWED_HOSTS = [WSGI_HOST]
    settings.DEBUG = False
    # As Django's test client does: a request's end must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secrets(db, roles, manager, officer) -> dict[str, str]:
    """A token per scope, each owned by a manager (so the scope alone decides), and data."""
    case = factories.case_in_progress(officer)
    factories.QuestionFactory(case=case, number=2)
    expires = timezone.localdate() + dt.timedelta(days=30)
    return {
        scope: issue_token(
            actor=manager, owner=manager, name=scope, scopes=[scope], expires_on=expires
        ).secret
        for scope in SCOPES[1:]
    }


# The live schema, as the application serves it (schemathesis's lazy fixture loader does
# not run under pytest 9).
with override_settings(ALLOWED_HOSTS=[WSGI_HOST]):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def keeps_its_schema(who: str):
    """A test of every operation with `who`'s credentials (a token's scope, or none)."""

    @pytest.mark.api
    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test(case, secrets):
        headers = {"Authorization": f"Bearer {secrets[who]}"} if who in secrets else {}
        case.call_and_validate(headers=headers, checks=CHECKS)

    return test


test_the_api_keeps_its_schema_anonymously = keeps_its_schema("anonymous")
test_the_api_keeps_its_schema_with_intake = keeps_its_schema("intake")
test_the_api_keeps_its_schema_with_read = keeps_its_schema("read")
test_the_api_keeps_its_schema_with_statistics = keeps_its_schema("statistics")
