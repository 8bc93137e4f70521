"""The outbox: work queued with an action's transaction, sent once the broker takes it."""

from __future__ import annotations

import pytest
from django.db import transaction

from foi_cases import outbox
from foi_cases.models import OutboxMessage, WorkerHeartbeat
from tests.test_faults import broker, closed_port

pytestmark = [pytest.mark.django_db(transaction=True)]

HEARTBEAT = "foi_cases.tasks.record_worker_heartbeat"


def test_work_queued_twice_while_unsent_is_sent_once():
    with broker(f"redis://127.0.0.1:{closed_port()}/0"):
        for _ in range(2):
            with transaction.atomic():
                outbox.enqueue(HEARTBEAT, "web-1", dedupe_key="heartbeat:web-1")
        assert OutboxMessage.objects.get().attempts == 2
    assert outbox.publish_pending() == 1  # eager again: runs the task here
    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["web-1"]
    assert outbox.publish_pending() == 0
    # Once sent, the same work may be queued again.
    outbox.enqueue(HEARTBEAT, "web-1", dedupe_key="heartbeat:web-1")
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 2


def test_a_message_naming_no_known_task_does_not_hold_up_the_rest():
    with broker(f"redis://127.0.0.1:{closed_port()}/0"):
        outbox.enqueue("foi_cases.tasks.renamed_long_ago", dedupe_key="gone")
        outbox.enqueue(HEARTBEAT, "web-2", dedupe_key="heartbeat:web-2")
    assert outbox.publish_pending() == 1
    assert WorkerHeartbeat.objects.filter(hostname="web-2").exists()
    stuck = OutboxMessage.objects.get(dedupe_key="gone")
    assert stuck.sent_at is None and "renamed_long_ago" in stuck.last_error
