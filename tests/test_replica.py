"""Reads that scale out: reporting pages read a real streaming replica, except for whoever has
just written, who reads their own writes from the primary (foi_cases.replica)."""

from collections.abc import Iterator

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foi_cases.permissions import MANAGER
from foi_cases.replica import RECENT_WRITE_COOKIE, REPLICA
from tests import factories
from tests.replica_server import Replica, start_replica

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


@pytest.fixture(scope="session")
def replica_server(django_db_setup, django_db_blocker) -> Iterator[Replica]:
    """One replica for the session, copied once the test database exists on the primary."""
    replica = start_replica(connections["default"].settings_dict)
    yield replica
    replica.stop()


@pytest.fixture(scope="module", autouse=True)
def replica(replica_server) -> Iterator[Replica]:
    """The replica as the `replica` database alias, as REPLICA_DATABASE_URL would add it.

    Module-scoped, so the alias exists before each test's database set-up; a mirror of the
    default database for the test machinery, so nothing tries to flush it.
    """
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {
        **primary,
        "HOST": "127.0.0.1",
        "PORT": replica_server.port,
        "TEST": {**primary["TEST"], "MIRROR": "default"},
    }
    yield replica_server
    replica_server.admin("SELECT pg_wal_replay_resume()")
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _search(client, text: str) -> str:
    url = reverse("case_list_all") + f"?q={text}&status=any"
    return client.get(url).content.decode()


def test_reporting_pages_read_the_replica_and_a_writer_reads_the_primary(
    replica, manager, officer, client
):
    client.force_login(manager)
    colleague = factories.UserFactory(username="morgan", roles=[MANAGER])
    factories.CaseFactory(title="Heliport landing fees", created_by=officer)
    replica.wait_for_replay()
    # The replica stops replaying: from now on it lags behind the primary, as under load.
    replica.admin("SELECT pg_wal_replay_pause()")
    factories.CaseFactory(title="Heliport noise complaints", created_by=officer)

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = _search(client, "Heliport")
        dashboard = client.get(reverse("dashboard"))
    assert "Heliport landing fees" in page
    assert "Heliport noise complaints" not in page  # not yet on the replica
    assert dashboard.status_code == 200
    assert len(on_replica) > 0

    # The manager writes something: for a while their pages read the primary.
    response = client.post(reverse("notifications_mark_read"))
    assert RECENT_WRITE_COOKIE in response.cookies
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = _search(client, "Heliport")
    assert "Heliport noise complaints" in page
    assert len(on_replica) == 0

    # Someone who has not written still reads the (lagging) replica.
    client.cookies.clear()
    client.force_login(colleague)
    assert "Heliport noise complaints" not in _search(client, "Heliport")


def test_pages_that_are_not_reports_read_the_primary(replica, officer, client):
    client.force_login(officer)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(reverse("case_list")).status_code == 200
    assert len(on_replica) == 0
