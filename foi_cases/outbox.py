"""Slow work queued durably: a task is a row in PostgreSQL before it is a message in Redis.

* `enqueue` writes an `OutboxMessage` in the caller's transaction, so the action and the work
  it owes commit together, and tries to send it to the broker after the commit.
* With the broker down the row stays unsent and the action still succeeds; `publish_pending`
  (Celery beat's `publish-outbox`, every 30 seconds) sends what is left once Redis is back.

A message is sent under its row's lock and marked sent in the same transaction, so the
immediate attempt and a sweep never both send it. A crash between the broker taking a
message and the commit can send it a second time, so every task sent this way is safe to
run twice (a rendered letter is not rendered again, an e-mailed notification not e-mailed).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery.exceptions import NotRegistered
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

from foi_cases.models import OutboxMessage

logger = logging.getLogger(__name__)

BROKER_ERRORS = (BrokerError, RedisError, ConnectionError)
# Sent messages are kept this long, to show what was sent when, then deleted by the sweep.
KEEP_SENT_DAYS = 7


def enqueue(task: str, *args: Any, dedupe_key: str, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` with the current transaction; send it after the commit."""
    store(task, *args, dedupe_key=dedupe_key, **kwargs)
    transaction.on_commit(lambda: publish(dedupe_key))


def store(task: str, *args: Any, dedupe_key: str, **kwargs: Any) -> str:
    """Write the message in the current transaction, for the caller to `publish` after it.

    While an unsent message with the same `dedupe_key` waits, this adds nothing: the work
    already queued covers it. Returns the key.
    """
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task, args=list(args), kwargs=kwargs, dedupe_key=dedupe_key)],
        ignore_conflicts=True,
    )
    return dedupe_key


def publish(dedupe_key: str) -> bool:
    """Send the unsent message with this key; False if the broker could not take it."""
    return _send(OutboxMessage.objects.filter(dedupe_key=dedupe_key)) is not False


def publish_pending() -> int:
    """Send every unsent message, oldest first, until the broker refuses; return how many."""
    sent = 0
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")
    for pk in list(waiting.values_list("pk", flat=True)):
        outcome = _send(OutboxMessage.objects.filter(pk=pk))
        if outcome is False:
            break  # the broker is still down; the next sweep tries again
        if outcome:
            sent += 1
    OutboxMessage.objects.filter(
        sent_at__lt=timezone.now() - timedelta(days=KEEP_SENT_DAYS)
    ).delete()
    return sent


def _send(messages: QuerySet[OutboxMessage]) -> bool | None:
    """Send the unsent message among `messages` under its row lock and mark it sent.

    True if sent; False if the broker could not take it; None if there was nothing to send
    (already sent, being sent by another process, or naming a task that no longer exists).
    """
    from config.celery import app

    with transaction.atomic():
        message = messages.select_for_update(skip_locked=True).filter(sent_at__isnull=True).first()
        if message is None:
            return None
        message.attempts += 1
        try:
            app.tasks[message.task].apply_async(args=message.args, kwargs=message.kwargs)
        except NotRegistered as exc:
            logger.error("Outbox message %s names no known task: %s", message.pk, exc)
            return _keep(message, exc, outcome=None)
        except BROKER_ERRORS as exc:
            logger.warning(
                "%s left in the outbox, the broker is unreachable: %s", message.dedupe_key, exc
            )
            return _keep(message, exc, outcome=False)
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "sent_at"])
        return True


def _keep(message: OutboxMessage, exc: Exception, *, outcome: bool | None) -> bool | None:
    message.last_error = f"{type(exc).__name__}: {exc}"
    message.save(update_fields=["attempts", "last_error"])
    return outcome
