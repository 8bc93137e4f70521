"""`make run`'s demo set-up: the users, their passwords and the address come last."""

from __future__ import annotations

import io
import socket

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return [line for line in out.getvalue().splitlines() if line.strip()]


def test_load_demo_ends_with_the_address_and_who_to_sign_in_as(settings):
    settings.DEBUG = True
    lines = _run()
    block = lines[-10:]
    assert block[0].startswith("====") and block[-1].startswith("====")
    assert block[1] == "Open http://127.0.0.1:8000/ and sign in."
    assert block[2] == "Start as olivia (FOI officer), password: olivia-demo-2026"
    assert [line.split()[-1] for line in block[4:-1]] == [
        f"{name}-demo-2026" for name in ("olivia", "oscar", "rita", "maya", "mark")
    ]
    # The printed passwords work.
    assert User.objects.get(username="maya").check_password("maya-demo-2026")
    # Nothing but the set-up comes before: the users are not listed twice.
    assert sum("password:" in line for line in lines) == 6


def test_quiet_load_prints_no_list_and_show_users_prints_it_alone(settings):
    settings.DEBUG = True
    assert not any("password:" in line for line in _run("--verbosity", "0"))
    lines = _run("--show-users", "--url", "http://localhost:9000/")
    assert lines[1] == "Open http://localhost:9000/ and sign in." and len(lines) == 10


def test_show_users_waits_for_the_server_to_listen():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        lines = _run("--show-users", "--wait-for-server", "5", "--url", f"http://127.0.0.1:{port}/")
    assert lines[1] == f"Open http://127.0.0.1:{port}/ and sign in."
