import os
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group

from config.celery import app as celery_app
from foi_cases.permissions import MANAGER, OFFICER, REVIEWER
from tests import factories
from tests.services import SERVICE_CHECKS, WorkerProcess, start_worker


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip tests whose services are missing; under CI a missing service is a failure."""
    for marker, unavailable in SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = unavailable()
        if not reason:
            continue
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run this test, but: {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per broad test (access matrix, fuzzers): how much it covered in this run."""
    from tests import run_summary

    described = ((name, describe()) for name, describe in run_summary.LINES.items())
    lines = [f"{name}: {text}" for name, text in described if text]
    if lines:
        terminalreporter.write_sep("-", "what the broad tests covered")
        for line in lines:
            terminalreporter.write_line(line)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After every test that wrote to the database, no case's stored outcome is stale.

    The statistics count `Case.reporting_outcome`, the exemption and topic summary rows and
    the day rows;
    each write path must refresh them. This runs that check after every test, so a path that
    forgets fails the test that exercises it, and every test proves the stored figures equal
    their recomputation.
    """
    result = yield
    uses_database = item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )
    if uses_database:
        from foi_cases.reporting import daily, outcomes, summary

        drift = outcomes.reporting_drift()
        assert not drift, (
            f"Stored reporting outcomes out of date (reference, stored, derived): {drift}"
        )
        rows = summary.drift()
        assert not rows, f"Exemption or topic summary rows out of date (side, row): {rows}"
        days = daily.drift()
        assert not days, f"Day rows out of date (table, side, key, counts): {days}"
    return result


@pytest.fixture(autouse=True)
def _test_settings(settings) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The API's throttle counts live in the shared cache; tests of it set their own limits.
    settings.API_RATE_LIMIT = settings.API_ANONYMOUS_RATE_LIMIT = "100000/minute"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_holiday_calendars() -> Iterator[None]:
    """Per-process calendar caches outlive a test's rollback: rebuild them after each test."""
    yield
    from foi_cases import bank_holidays

    bank_holidays.bump_calendar_version()


@pytest.fixture
def roles(db) -> dict[str, Group]:
    return {
        name: Group.objects.get_or_create(name=name)[0] for name in (OFFICER, REVIEWER, MANAGER)
    }


@pytest.fixture
def officer(roles):
    return factories.UserFactory(username="olivia", roles=[OFFICER])


@pytest.fixture
def other_officer(roles):
    return factories.UserFactory(username="oscar", roles=[OFFICER])


@pytest.fixture
def reviewer(roles):
    return factories.UserFactory(username="rita", roles=[REVIEWER])


@pytest.fixture
def manager(roles):
    return factories.UserFactory(username="maya", roles=[MANAGER])


@pytest.fixture
def outsider(db):
    return factories.UserFactory(username="nobody", roles=[])


@pytest.fixture
def personas(officer, other_officer, reviewer, manager, outsider) -> dict[str, object]:
    """The people of the access matrix by persona (tests/url_targets.py), anonymous first."""
    from tests.url_targets import personas as by_persona

    return by_persona(officer, other_officer, reviewer, manager, outsider)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[WorkerProcess]:
    """One real Celery worker for the session, consuming a private queue on Redis."""
    reason = SERVICE_CHECKS["worker"]()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run this test, but: {reason}", pytrace=False)
        pytest.skip(reason)
    worker = start_worker()
    yield worker
    worker.stop()


@pytest.fixture
def live_celery(celery_worker) -> Iterator[WorkerProcess]:
    """Send tasks through Redis to the session's worker instead of running them eagerly."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_default_queue)
    conf.task_always_eager = False
    conf.task_default_queue = celery_worker.queue
    yield celery_worker
    conf.task_always_eager, conf.task_default_queue = saved


@pytest.fixture(scope="session")
def mail_servers():
    """Dovecot (IMAP) and an SMTP server delivering into it, private to this session."""
    from tests.mail_servers import start_mail_servers, stop_mail_servers
    from tests.services import mail_unavailable

    reason = mail_unavailable()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run this test, but: {reason}", pytrace=False)
        pytest.skip(reason)
    servers, controller, _ = start_mail_servers()
    yield servers
    stop_mail_servers(servers, controller)


@pytest.fixture
def foi_mailbox(mail_servers, settings):
    """The FOI mailbox on the real servers: its own user per test, and SMTP for sending."""
    import uuid

    user = f"foi{uuid.uuid4().hex[:10]}"
    settings.FOI_MAIL_ADDRESS = f"{user}@authority.test"
    settings.IMAP_HOST, settings.IMAP_PORT = mail_servers.host, mail_servers.imap_port
    settings.IMAP_SSL, settings.IMAP_STARTTLS = False, False
    settings.IMAP_USER, settings.IMAP_PASSWORD = user, mail_servers.password
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = mail_servers.host, mail_servers.smtp_port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    mail_servers.user = user
    return mail_servers


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider (django-oauth-toolkit) in its own process."""
    from tests.oidc_provider.process import running_provider

    workdir = tmp_path_factory.mktemp("oidc_provider")
    with running_provider(workdir, redirect_uris=["http://testserver/oidc/callback/"]) as provider:
        yield provider


@pytest.fixture
def single_sign_on(oidc_provider, settings):
    """Single sign-on through the test provider, its groups mapped to the service's roles."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "foi_cases.single_sign_on.SingleSignOnBackend",
    ]
    settings.OIDC_ROLE_MAP = {
        "foi-officers": OFFICER,
        "foi-reviewers": REVIEWER,
        "foi-managers": MANAGER,
    }
    return oidc_provider
