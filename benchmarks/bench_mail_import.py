"""Import rate of e-mail (issue 19): messages per second from saved files and polled from a
real Dovecot mailbox, with the mix of new requests, WhatDoTheyKnow requests with an
attachment, and replies that a working day brings.

Run: SECRET_KEY=x DATABASE_URL=postgres://…
  .venv/bin/pytest benchmarks/bench_mail_import.py -q -s -p no:cacheprovider
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time

import pytest
from django.test import override_settings

from foi_cases.mail import inbound
from tests.mail_helpers import plain_mail, wdtk_request
from tests.mail_servers import mail_unavailable, start_mail_servers, stop_mail_servers

MESSAGES = 200


def batch(to: str, offset: int) -> list[bytes]:
    stamp = email.utils.format_datetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    received = f"Received: from mx.example.net by mail.authority.test; {stamp}\r\n".encode()
    out = []
    for n in range(offset, offset + MESSAGES):
        if n % 4 == 0:
            message = wdtk_request(to=to, number=n, name=f"Requester {n}")
        elif n % 4 == 1:
            message = wdtk_request(to=to, number=n - 1, name=f"Requester {n}", attachment=None)
            message.replace_header("Subject", "Re: Freedom of Information request - car parks")
        else:
            message = plain_mail(
                to=to,
                sender=f"P {n} <p{n}@example.net>",
                subject=f"Req {n}",
                body=f"1. How many bins in ward {n}?\n2. What did they cost?",
            )
        out.append(received + bytes(message))
    return out


@pytest.mark.django_db
def test_import_rate(tmp_path):
    reason = mail_unavailable()
    if reason:
        pytest.skip(reason)
    servers, controller, _ = start_mail_servers()
    try:
        with override_settings(
            MEDIA_ROOT=tmp_path,
            IMAP_HOST=servers.host,
            IMAP_PORT=servers.imap_port,
            IMAP_SSL=False,
            IMAP_USER="foi",
            IMAP_PASSWORD=servers.password,
            FOI_MAIL_POLL_BATCH=MESSAGES,
        ):
            files = batch("foi@authority.test", 0)
            start = time.perf_counter()
            for raw in files:
                inbound.import_message(raw, source="file")
            from_files = time.perf_counter() - start

            for raw in batch("foi@authority.test", MESSAGES):
                servers.deliver("foi", raw)
            start = time.perf_counter()
            outcomes = inbound.poll()
            polled = time.perf_counter() - start
    finally:
        stop_mail_servers(servers, controller)
    assert len(outcomes) == MESSAGES
    print(
        f"\nimport_message from files: {MESSAGES} in {from_files:.1f} s, "
        f"{MESSAGES / from_files:.1f} messages/s"
        f"\npolled from Dovecot over IMAP: {MESSAGES} in {polled:.1f} s, "
        f"{MESSAGES / polled:.1f} messages/s"
    )
