import time

import pytest

from foi_cases.models import WorkerHeartbeat
from foi_cases.tasks import record_worker_heartbeat


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_travels_through_redis_to_a_real_worker_that_writes_to_postgres(live_celery):
    record_worker_heartbeat.delay("integration-test")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(hostname="integration-test").first()
        if beat:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the worker did not record the heartbeat:\n{live_celery.log()}")
    assert "foi_cases.tasks.record_worker_heartbeat" in live_celery.log()
    assert beat.seen_at is not None
