"""Redis down: pages answer without it, and actions queue their work durably in PostgreSQL.

The cache and the broker are pointed at a closed port (nothing listens there), as a stopped
Redis looks to the app. The outbox holds what the actions queued until Redis is back.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from exemptions.models import Review
from foi_cases import bank_holidays, tasks, workflow
from foi_cases.models import (
    Case,
    CaseEvent,
    DisclosureLogEntry,
    Letter,
    Notification,
    OutboxMessage,
)
from tests import factories
from tests.services import start_worker
from tests.test_faults import acknowledgement, broker, closed_port, rendered_events, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@contextmanager
def redis_stopped(settings):
    """Point the cache and the broker at a port where no Redis listens."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
    bank_holidays.forget_version()  # read the (unreachable) shared version on the next page
    with broker(url):
        yield


@pytest.mark.django_db
def test_pages_answer_without_redis(settings, officer, manager):
    case = factories.case_in_progress(officer)
    published = factories.CaseFactory(status="responded")
    entry = DisclosureLogEntry.objects.create(
        case=published,
        title="Security of constituency offices",
        request_text="How much was spent?",
        response_text="£2.2 million.",
        disclosed_on=dt.date(2026, 4, 1),
        status=DisclosureLogEntry.Status.PUBLISHED,
        published_at=timezone.now(),
        prepared_by=manager,
    )
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    pages = [
        reverse("home"),
        reverse("case_list"),
        reverse("case_list_all"),
        case.get_absolute_url(),
        reverse("dashboard"),
        reverse("disclosure_log_entry_pdf", args=[entry.pk]),
    ]
    with redis_stopped(settings):
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
        # Sessions and sign-in lockouts live in PostgreSQL: signing in works too.
        visitor = Client(raise_request_exception=False)
        response = visitor.post(
            reverse("login"), {"username": "olivia", "password": factories.DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        assert visitor.get(reverse("case_list")).status_code == 200


def ready_for_review(officer) -> Case:
    case = factories.case_in_progress(officer, questions=("What was spent on office security?",))
    workflow.record_answer(
        case.questions.get(),
        actor=officer,
        held_status="held",
        outcome="disclosed",
        answer_text="£2.2 million in 2025.",
    )
    return case


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def emails_in(log: str, subject: str) -> int:
    """Messages the worker's console e-mail backend printed with this subject."""
    return log.count(f"Subject: [{django_settings.SERVICE_NAME}] {subject}")


def finished(log: str, task: str) -> int:
    return len(re.findall(rf"{task}\[[^]]+\] succeeded", log))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_actions_without_redis_complete_and_their_work_is_sent_once_redis_is_back(
    settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    officer = factories.UserFactory(username="olivia", roles=["FOI officer"])
    colleague = factories.UserFactory(username="oscar", roles=["FOI officer"])
    reviewer = factories.UserFactory(username="ravi", roles=["Reviewer"])
    manager = factories.UserFactory(username="maya", roles=["Manager"])
    administrator = factories.UserFactory(
        username="root", is_staff=True, is_superuser=True, roles=["Manager"]
    )
    submitted = ready_for_review(officer)
    reassigned = factories.case_in_progress(officer)
    letter = acknowledgement(officer)

    with redis_stopped(settings):
        response = client_for(officer).post(reverse("exemption_submit", args=[submitted.reference]))
        assert response.status_code == 302
        response = client_for(manager).post(
            reverse("triage_assign", args=[reassigned.reference]), {"assignee": colleague.pk}
        )
        assert response.status_code == 302
        response = client_for(reviewer).post(
            reverse("letter_approve", args=[letter.case.reference, letter.pk]),
            {"seen_hash": letter.content_hash},
        )
        assert response.status_code == 302
        response = client_for(administrator).post(
            reverse("admin:foi_cases_bankholiday_add"),
            {
                "date": "2026-03-25",
                "division": "england-and-wales",
                "title": "Test proclamation",
                "source": "The Gazette",
            },
        )
        assert response.status_code == 302
        # Still down: the sweep sends nothing and keeps everything.
        assert tasks.publish_outbox() == 0

    submitted.refresh_from_db()
    reassigned.refresh_from_db()
    letter.refresh_from_db()
    assert Review.objects.filter(case=submitted).count() == 1
    assert submitted.status == Case.Status.IN_REVIEW
    assert reassigned.assigned_to == colleague
    assert letter.status == Letter.Status.PENDING and letter.approved_by == reviewer
    notices = Notification.objects.filter(emailed_at__isnull=True)
    assert sorted(notices.values_list("user__username", "kind")) == [
        ("oscar", Notification.Kind.ASSIGNED),
        ("ravi", Notification.Kind.REVIEW_WAITING),
    ]
    unsent = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert sorted(unsent.values_list("task", flat=True)) == [
        "foi_cases.tasks.email_notifications",
        "foi_cases.tasks.email_notifications",
        "foi_cases.tasks.generate_letter_pdf",
        "foi_cases.tasks.recompute_open_deadlines",
    ]
    assert all(message.last_error for message in unsent)

    worker = start_worker(extra_env={"MEDIA_ROOT": str(tmp_path)})
    try:
        with broker(queue=worker.queue):
            assert tasks.publish_outbox() == 4
            wait_for(
                lambda: (
                    not Notification.objects.filter(emailed_at__isnull=True).exists()
                    and Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).exists()
                    and finished(worker.log(), "recompute_open_deadlines") == 1
                ),
                60,
                "the worker e-mailed, rendered the letter and recomputed the deadlines",
                worker.log,
            )
            assert tasks.publish_outbox() == 0
            # A message sent twice (the broker took it, then the sender died before it could
            # mark it sent) e-mails no one again and renders nothing again.
            for message in OutboxMessage.objects.all():
                celery_app.tasks[message.task].apply_async(message.args, message.kwargs)
            wait_for(
                lambda: (
                    finished(worker.log(), "generate_letter_pdf") == 2
                    and finished(worker.log(), "email_notifications") == 4
                    and finished(worker.log(), "recompute_open_deadlines") == 2
                ),
                30,
                "the duplicates were run",
                worker.log,
            )
    finally:
        worker.stop()
    log = worker.log()
    assert emails_in(log, "A case is waiting for review") == 1
    assert emails_in(log, "A case was assigned to you") == 1
    assert not mail.outbox  # nothing was sent from the web process
    letter.refresh_from_db()
    assert rendered_events(letter) == 1
    [moved] = CaseEvent.objects.filter(case=reassigned, verb=CaseEvent.Verb.DEADLINE_RECOMPUTED)
    assert "Test proclamation" in moved.data["reason"]
