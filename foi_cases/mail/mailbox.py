"""The FOI mailbox over IMAP: polling it for new mail, and finding the copy of a sent message.

A message imported (or found a duplicate) moves to the processed folder; one that could not
be imported moves to the failed folder, where it stays with its reason in the log and on
its Correspondence row. Two pollers at once are harmless: a PostgreSQL advisory lock lets
one through, and the unique constraints stop the other from importing a message again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import re
import ssl
from collections.abc import Iterator

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)
INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
POLL_LOCK = 0x464F4901  # "FOI" + 1: the advisory lock key of the poller


def configured() -> bool:
    return bool(settings.IMAP_HOST and settings.IMAP_USER)


@contextlib.contextmanager
def open_mailbox() -> Iterator[imaplib.IMAP4]:
    if settings.IMAP_SSL:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            settings.IMAP_HOST, settings.IMAP_PORT, ssl_context=ssl.create_default_context()
        )
    else:
        client = imaplib.IMAP4(settings.IMAP_HOST, settings.IMAP_PORT)
        if settings.IMAP_STARTTLS:
            client.starttls(ssl.create_default_context())
    try:
        client.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.logout()


def internal_date(data: bytes) -> dt.datetime | None:
    match = INTERNALDATE.search(data)
    if not match:
        return None
    return dt.datetime.strptime(match.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")


def find_copy(message_id: str) -> dt.datetime | None:
    """When the mailbox received its copy of a message sent from here, or None."""
    with open_mailbox() as client:
        for folder in (settings.IMAP_FOLDER, settings.IMAP_PROCESSED_FOLDER):
            if client.select(quote(folder), readonly=True)[0] != "OK":
                continue
            _, found = client.uid("SEARCH", "HEADER", "Message-ID", quote(message_id))
            uids = found[0].split() if found and found[0] else []
            if uids:
                _, fetched = client.uid("FETCH", uids[0], "(INTERNALDATE)")
                return internal_date(b" ".join(p for p in fetched if isinstance(p, bytes)))
    return None


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextlib.contextmanager
def poll_lock() -> Iterator[bool]:
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [POLL_LOCK])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [POLL_LOCK])


def move(client: imaplib.IMAP4, uid: bytes, folder: str) -> None:
    status, _ = client.uid("MOVE", uid, quote(folder))
    if status != "OK":
        client.uid("COPY", uid, quote(folder))
        client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
