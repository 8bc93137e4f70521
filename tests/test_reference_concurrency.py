"""Twenty officers logging requests at the same moment never share a reference."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from foi_cases import workflow
from foi_cases.models import Case

INTAKES = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_intakes_get_twenty_distinct_references(officer):
    start = threading.Barrier(INTAKES)
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def intake(number: int) -> None:
        try:
            start.wait(timeout=30)
            case = workflow.log_request(
                actor=officer,
                requester=workflow.RequesterDetails(
                    name=f"Requester {number}", email=f"r{number}@example.com"
                ),
                channel=Case.Channel.EMAIL,
                received_at=dt.datetime(2026, 3, 16, 9, number, tzinfo=ZoneInfo("Europe/London")),
                regime=Case.Regime.FOIA,
                title=f"Concurrent request {number}",
                request_text="How many panic alarms were fitted?",
                questions=["How many panic alarms were fitted?"],
            )
            with lock:
                references.append(case.reference)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(n,)) for n in range(INTAKES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(references) == INTAKES
    assert len(set(references)) == INTAKES
    assert sorted(references) == [f"FOI-2026-{n:05d}" for n in range(1, INTAKES + 1)]
    assert Case.objects.count() == INTAKES
