"""Faults survived: a worker killed mid-render, Redis down at approval, PostgreSQL restarted.

Each test runs against the real services (PostgreSQL, Redis, a Celery worker, gunicorn) and
commits for real, as the app does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connections
from django.test import Client
from django.urls import reverse

from config.celery import app as celery_app
from foi_cases import tasks, workflow
from foi_cases.models import CaseEvent, Letter
from tests import factories
from tests.letter_helpers import complete_letter_settings, log_case
from tests.services import REPO_ROOT, database_url_for_test_db, start_worker

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, seconds: float, what: str, log=lambda: ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {seconds} s\n{log()}")


def acknowledgement(officer, *, body: str | None = None) -> Letter:
    complete_letter_settings()
    case = log_case(officer, questions=["How many officers guard constituency offices?"])
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)
    if body is not None:
        letter = workflow.edit_letter(
            letter, actor=officer, body=body, dated=letter.dated, seen_hash=letter.content_hash
        )
    return letter


def rendered_events(letter: Letter) -> int:
    return CaseEvent.objects.filter(
        case=letter.case_id, verb=CaseEvent.Verb.LETTER_RENDERED
    ).count()


def _reset_broker_pools() -> None:
    # kombu keeps a pool per broker URL; dropping the app's references picks the right one.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str | None = None, *, queue: str | None = None):
    """Send tasks for real (not eagerly), to `url` and `queue` if given."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.task_default_queue)
    _reset_broker_pools()
    conf.task_always_eager = False
    conf.broker_url = url or saved[0]
    conf.task_default_queue = queue or saved[2]
    try:
        yield
    finally:
        _reset_broker_pools()
        conf.broker_url, conf.task_always_eager, conf.task_default_queue = saved


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket closes


# --- a. A worker killed in the middle of rendering -----------------------------------------------


@pytest.mark.worker
def test_worker_killed_mid_render_then_new_worker_renders_the_letter_once(
    roles, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    officer = factories.UserFactory(username="olivia", roles=["FOI officer"])
    reviewer = factories.UserFactory(username="ravi", roles=["Reviewer"])
    # A long letter of short paragraphs (some 150 pages, near the 200,000 character limit)
    # keeps WeasyPrint busy for seconds: time to kill it.
    paragraph = "Constituency office security is reviewed every year."
    letter = acknowledgement(officer, body="\n\n".join([paragraph] * 3500))
    # Redis gives an unacknowledged message back after the visibility timeout: 3 s here.
    env = {
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "MEDIA_ROOT": str(tmp_path),
    }
    first = start_worker(extra_env=env)
    second = None
    try:
        with broker(queue=first.queue):
            workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
            wait_for(
                lambda: "generate_letter_pdf" in first.log() and " received" in first.log(),
                30,
                "the first worker received the render",
                first.log,
            )
            time.sleep(0.3)  # into WeasyPrint's layout, seconds before it can finish
            first.kill_group()
            letter.refresh_from_db()
            assert letter.status == Letter.Status.PENDING, "the render finished before the kill"
            assert rendered_events(letter) == 0

            second = start_worker(queue=first.queue, extra_env=env)
            wait_for(
                lambda: Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).exists(),
                90,
                "the second worker rendered the redelivered letter",
                second.log,
            )
        letter.refresh_from_db()
        assert rendered_events(letter) == 1
        files = sorted(p.name for p in Path(tmp_path).rglob("*.pdf"))
        assert files == [Path(letter.pdf.name).name]
        assert default_storage.open(letter.pdf.name).read().startswith(b"%PDF")
        assert letter.pdf_pages and letter.pdf_pages > 100
    finally:
        first.stop()
        if second is not None:
            second.stop()


# The README's figure: a killed worker's letter is rendered again about two minutes later.
RECOVERY_SECONDS = 150


@pytest.mark.worker
def test_a_killed_workers_letter_is_recovered_within_the_stated_time_at_default_settings(
    roles, tmp_path, settings
):
    """As deployed (no transport options overridden), Redis gives the message back promptly."""
    settings.MEDIA_ROOT = tmp_path
    officer = factories.UserFactory(username="olivia", roles=["FOI officer"])
    reviewer = factories.UserFactory(username="ravi", roles=["Reviewer"])
    paragraph = "Constituency office security is reviewed every year."
    letter = acknowledgement(officer, body="\n\n".join([paragraph] * 3500))
    env = {"MEDIA_ROOT": str(tmp_path)}
    first = start_worker(extra_env=env)
    second = None
    try:
        with broker(queue=first.queue):
            workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
            wait_for(
                lambda: "generate_letter_pdf" in first.log() and " received" in first.log(),
                30,
                "the first worker received the render",
                first.log,
            )
            time.sleep(0.3)  # into WeasyPrint's layout, seconds before it can finish
            first.kill_group()
            letter.refresh_from_db()
            assert letter.status == Letter.Status.PENDING, "the render finished before the kill"

            second = start_worker(queue=first.queue, extra_env=env)
            wait_for(
                lambda: "generate_letter_pdf" in second.log() and " received" in second.log(),
                RECOVERY_SECONDS,
                "Redis gave the killed worker's message back",
                second.log,
            )
            wait_for(
                lambda: Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).exists(),
                120,
                "the second worker rendered the redelivered letter",
                second.log,
            )
        assert rendered_events(letter) == 1
    finally:
        first.stop()
        if second is not None:
            second.stop()


# --- b. Redis down when a letter is approved -----------------------------------------------------


@pytest.mark.worker
def test_broker_down_at_approval_keeps_the_approval_and_the_sweep_renders_it_once(
    roles, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    officer = factories.UserFactory(username="olivia", roles=["FOI officer"])
    reviewer = factories.UserFactory(username="ravi", roles=["Reviewer"])
    letter = acknowledgement(officer)
    client = Client(raise_request_exception=False)
    client.force_login(reviewer)

    with broker(f"redis://127.0.0.1:{closed_port()}/0"):
        response = client.post(
            reverse("letter_approve", args=[letter.case.reference, letter.pk]),
            {"seen_hash": letter.content_hash},
        )
        assert response.status_code == 302, "the approval must not fail with the broker"
        letter.refresh_from_db()
        assert letter.status == Letter.Status.PENDING
        assert letter.approved_by == reviewer
        # Still down: the sweep finds the letter, cannot send it, and loses nothing.
        assert tasks.requeue_pending_letters(older_than_minutes=0) == 0
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PENDING and rendered_events(letter) == 0

    # The broker is back (and a worker of its own, so no other test's worker log is touched).
    worker = start_worker(extra_env={"MEDIA_ROOT": str(tmp_path)})
    try:
        with broker(queue=worker.queue):
            # A letter approved moments ago is left alone; one waiting long enough is sent again.
            assert tasks.requeue_pending_letters() == 0
            assert tasks.requeue_pending_letters(older_than_minutes=0) == 1
            wait_for(
                lambda: Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).exists(),
                60,
                "the worker rendered the swept letter",
                worker.log,
            )
            # A second sweep, or a duplicate message, does nothing more.
            assert tasks.requeue_pending_letters(older_than_minutes=0) == 0
            tasks.generate_letter_pdf.delay(letter.pk)
            wait_for(lambda: "'nothing to do'" in worker.log(), 30, "duplicate ignored", worker.log)
    finally:
        worker.stop()
    letter.refresh_from_db()
    assert rendered_events(letter) == 1
    assert [p.name for p in Path(tmp_path).rglob("*.pdf")] == [Path(letter.pdf.name).name]


# --- c. PostgreSQL restarted under the running app ----------------------------------------------


@contextmanager
def gunicorn(tmp_path: Path):
    port = closed_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_test_db(),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-gunicorn-secret"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DB_CONN_MAX_AGE": "600",  # persistent connections: the case health checks are for
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers=1", "--threads=1",
             f"--bind=127.0.0.1:{port}", "--access-logfile=-"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _up(base), 30, "gunicorn started", log.read_text)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=15)


def _up(base: str) -> bool:
    try:
        urllib.request.urlopen(f"{base}/healthz", timeout=2)
    except OSError:
        return False
    return True


def fetch(base: str, path: str, session: str) -> tuple[int, str]:
    request = urllib.request.Request(f"{base}{path}", headers={"Cookie": f"sessionid={session}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def terminate_backends(dbname: str) -> int:
    """From a second connection, end every other session on the database (as a restart does)."""
    admin = connections.create_connection("default")
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [dbname],
            )
            return len(cursor.fetchall())
    finally:
        admin.close()


def test_requests_succeed_after_postgres_drops_every_connection(roles, tmp_path):
    officer = factories.UserFactory(username="olivia", roles=["FOI officer"])
    case = log_case(officer, questions=["How many?"], assignee=officer)
    client = Client()
    client.force_login(officer)
    session = client.cookies["sessionid"].value
    page = reverse("case_detail", args=[case.reference])

    with gunicorn(tmp_path) as (base, log):
        assert fetch(base, page, session)[0] == 200  # the worker now holds a connection
        dbname = connections["default"].settings_dict["NAME"]
        assert terminate_backends(dbname) >= 1  # the app's connection, and this test's own
        connections["default"].close()

        for path in (page, "/healthz", reverse("case_list"), page):
            status, body = fetch(base, path, session)
            assert status == 200, f"{path} gave {status} after the restart:\n{log.read_text()}"
        assert case.reference in body
        assert " 500 " not in log.read_text()
