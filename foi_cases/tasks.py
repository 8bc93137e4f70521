"""Celery tasks: thin, ID-in, safe to run twice."""

import logging
import socket
from datetime import timedelta

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from foi_cases import (
    clock_reminders,
    letters,
    notifications,
    outbox,
    record_conversion,
    retention,
    workflow,
)
from foi_cases.models import Letter, WorkerHeartbeat
from foi_cases.reporting import daily, outcomes
from foi_cases.workflow import people


@shared_task
def record_worker_heartbeat(hostname: str | None = None) -> str:
    """Record that a worker is alive; /healthz reports how recently one was seen."""
    host = hostname or socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(hostname=host, defaults={"seen_at": timezone.now()})
    return host


@shared_task
def recompute_open_deadlines(reason: str = "The holiday calendar changed") -> int:
    """Recompute every open case's due date, and the dashboard's day rows (working days
    taken are counted on the calendar); safe to re-run (only moved dates are logged)."""
    moved = workflow.recompute_open_deadlines(reason=reason)
    daily.refresh(None)
    return moved


# --- Letters ----------------------------------------------------------------------------------

logger = logging.getLogger(__name__)

# Errors a later attempt can cure: the database or storage briefly unavailable.
TRANSIENT_RENDER_ERRORS = (OperationalError, InterfaceError, OSError)


class LetterRenderTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:  # type: ignore[no-untyped-def]
        """After the last retry, leave the letter FAILED with the reason and a retry button."""
        letter_id = args[0] if args else kwargs.get("letter_id")
        if letter_id is not None:
            workflow.record_letter_failed(
                letter_id, reason=f"Gave up after retrying: {type(exc).__name__}: {exc}"
            )


@shared_task(
    bind=True,
    base=LetterRenderTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_RENDER_ERRORS,
    max_retries=3,
    retry_backoff=True,
    # The longest letter (200,000 characters, some 150 pages) took 18 to 23 s to render on
    # a busy two-core machine. These stay below the broker's visibility timeout
    # (CELERY_VISIBILITY_TIMEOUT), or Redis would give a message still being worked on to
    # a second worker.
    retry_backoff_max=60,
    retry_jitter=True,
    soft_time_limit=90,
    time_limit=105,
)
def generate_letter_pdf(self: Task, letter_id: int) -> str:
    """Render an approved letter's PDF and store it; safe to run twice.

    1. Re-fetch the letter; stop if it is gone or no longer waiting for its PDF.
    2. Render it with WeasyPrint (letters.render_letter_document).
    3. Store the file and record LETTER_RENDERED; workflow re-checks under a row lock, so a
       second run stores nothing. A rendering error that retrying cannot cure marks the
       letter FAILED at once.
    """
    letter = Letter.objects.select_related("case").filter(pk=letter_id).first()
    if letter is None or letter.status != Letter.Status.PENDING:
        return "nothing to do"
    try:
        pdf = letters.render_letter_document(letter)
    except TRANSIENT_RENDER_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - any other error is in the content; record it
        logger.exception("Letter %s could not be rendered", letter_id)
        workflow.record_letter_failed(letter_id, reason=f"{type(exc).__name__}: {exc}")
        return "failed"
    return "rendered" if workflow.record_letter_rendered(letter_id, pdf=pdf) else "already done"


# --- Notifications and reminders --------------------------------------------------------------


@shared_task
def send_deadline_reminders() -> int:
    """Daily digest of due-soon and overdue cases, and of the other clocks (internal review,
    ICO steps, appeal window, fee, clarification); safe to re-run (ReminderSent is unique).

    First marks each case that passed its due date since the last run with an OVERDUE
    event on its timeline (once per due date, so a second run marks nothing).
    """
    workflow.record_overdue_cases()
    return notifications.send_deadline_reminders() + clock_reminders.send_clock_reminders()


@shared_task
def send_search_reminders() -> int:
    """Remind colleagues of searches due soon or late; safe to re-run (once per due date)."""
    return workflow.send_search_reminders()


@shared_task(acks_late=True, soft_time_limit=30 * 60)
def convert_record(record_id: int) -> str:
    """Convert a record to PDF for review (LibreOffice, Tesseract); safe to run twice."""
    return record_conversion.convert_record(record_id)


@shared_task(acks_late=True, soft_time_limit=60 * 60)
def build_release_bundle(bundle_id: int) -> str:
    """Apply the redactions, add the schedule and run the leak check; safe to run twice."""
    try:
        return workflow.build_release_bundle(bundle_id)
    except SoftTimeLimitExceeded:
        workflow.record_bundle_failed(bundle_id, reason="Building took longer than an hour.")
        return "failed"


@shared_task(acks_late=True)
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail notifications not yet e-mailed, one message per person; safe to re-run."""
    return notifications.email_notifications(notification_ids)


@shared_task(acks_late=True)
def send_invitation(invitation_id: int, site_url: str) -> bool:
    """E-mail an invitation's set-up link, once; safe to re-run."""
    return people.send_invitation(invitation_id, site_url)


# --- Retention ------------------------------------------------------------------------------


@shared_task
def anonymise_expired_cases() -> int:
    """Anonymise every case whose retention has expired; safe to re-run (only unprocessed rows)."""
    done = 0
    for case in retention.cases_due_for_anonymisation():
        try:
            done += workflow.anonymise_case(case)
        except Exception:  # noqa: BLE001 - one bad case must not stop the rest
            logger.exception("Case %s could not be anonymised", case.pk)
    return done


# --- Letters stuck in pending ------------------------------------------------------------------


def queue_letter_render(letter_id: int) -> bool:
    """Send the render task; False (logged) if the broker cannot be reached."""
    try:
        generate_letter_pdf.delay(letter_id)
    except (BrokerError, RedisError, ConnectionError) as exc:
        logger.warning("Letter %s left pending, the broker is unreachable: %s", letter_id, exc)
        return False
    return True


@shared_task
def requeue_pending_letters(older_than_minutes: int | None = None) -> int:
    """Send again the render of approved letters still PENDING after a while; safe to re-run.

    A letter stays PENDING when the broker was down as it was approved (or a message was
    lost). generate_letter_pdf is idempotent under a row lock, so a letter whose first
    message is merely slow is still rendered once.
    """
    minutes = (
        settings.FOI_LETTER_REQUEUE_AFTER_MINUTES
        if older_than_minutes is None
        else older_than_minutes
    )
    stuck = Letter.objects.filter(
        status=Letter.Status.PENDING,
        approved_at__isnull=False,
        approved_at__lte=timezone.now() - timedelta(minutes=minutes),
    ).values_list("pk", flat=True)
    sent = 0
    for letter_id in stuck:
        if not queue_letter_render(letter_id):
            break  # the broker is still down; the next sweep tries again
        sent += 1
    return sent


# --- Statistics ---------------------------------------------------------------------------------


@shared_task
def reconcile_reporting_outcomes() -> int:
    """Re-derive every case's stored reporting outcome; the number corrected should be 0.

    Anything else means a write path did not refresh it (or the cost limit setting changed).
    The exemption and topic summary rows are reconciled in the same pass.
    """
    corrected, summary_rows = outcomes.reconcile_reporting()
    if corrected:
        logger.warning("Corrected the stored reporting outcome of %d cases.", corrected)
    if summary_rows:
        logger.warning("Corrected %d exemption or topic summary rows.", summary_rows)
    return corrected


# --- The outbox -------------------------------------------------------------------------------


@shared_task
def publish_outbox() -> int:
    """Send the tasks actions queued while the broker was down; safe to re-run."""
    return outbox.publish_pending()


# --- E-mail (foi_cases.mail) ------------------------------------------------------------------


@shared_task
def poll_mailbox() -> int:
    """Import the FOI mailbox's new mail; a second poller at the same time does nothing."""
    from foi_cases.mail import inbound

    return len(inbound.poll())


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_email(self: Task, correspondence_id: int) -> str:
    """Send one queued message; a retry never sends a second copy (see mail.outbound.deliver)."""
    import smtplib

    from foi_cases.mail import outbound

    try:
        return outbound.deliver(correspondence_id)
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("Sending message %s failed: %s", correspondence_id, exc)
        if self.request.retries >= (self.max_retries or 0):
            return outbound.record_failed(correspondence_id, reason=str(exc) or type(exc).__name__)
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 1800)) from exc
