"""200 messages, good and bad, through the real mailbox: nothing lost, each refusal explained;
and two pollers at once import each message once."""

from __future__ import annotations

import email.utils
import threading
import time
from collections import Counter

import pytest
from django.db import connection

from foi_cases.mail import inbound
from foi_cases.models import Case, Correspondence
from tests import run_summary
from tests.mail_helpers import plain_mail, wdtk_request

pytestmark = [pytest.mark.mail]
TIMING: dict[str, float] = {}
run_summary.report(
    "mail import",
    lambda: (
        f"{TIMING['count']:.0f} messages polled from Dovecot in {TIMING['seconds']:.1f} s "
        f"({TIMING['count'] / TIMING['seconds']:.1f} messages/s)"
        if TIMING
        else ""
    ),
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def mixed_mail(to: str) -> tuple[list[bytes], Counter[str]]:
    """200 messages and the action each kind should get."""
    batch: list[bytes] = []
    expected: Counter[str] = Counter()

    def add(raw: bytes | object, action: str, times: int = 1) -> None:
        for _ in range(times):
            batch.append(raw if isinstance(raw, bytes) else bytes(raw))  # type: ignore[call-overload]
            expected[action] += 1

    for n in range(80):
        add(
            plain_mail(
                to=to,
                sender=f"Person {n} <person{n}@example.net>",
                subject=f"Request {n}",
                body=f"How many parking fines in ward {n}?",
            ),
            "created",
        )
    for n in range(20):
        add(wdtk_request(to=to, number=5000 + n, name=f"Wdtk {n}"), "created")
    for n in range(10):
        reply = wdtk_request(to=to, number=5000 + n, name=f"Wdtk {n}", attachment=None)
        reply.replace_header("Subject", "Re: Freedom of Information request - Council car parks")
        add(reply, "attached")
    for raw in batch[:10]:
        add(raw, "duplicate")
    for n in range(10):
        add(
            plain_mail(to=to, subject=f"Automatic reply: away {n}", Auto_Submitted="auto-replied"),
            "rejected",
        )
    for n in range(10):
        bounce = plain_mail(
            to=to,
            sender="MAILER-DAEMON@mx.example.net",
            subject="Undelivered Mail Returned to Sender",
        )
        bounce.add_attachment(
            f"Message-ID: <unknown-{n}@elsewhere.test>\n".encode(),
            maintype="text",
            subtype="rfc822-headers",
        )
        add(bounce, "rejected")
    for n in range(10):
        message = plain_mail(to=to, subject=f"Invoice {n}")
        message.add_attachment(
            b"MZ\x90", maintype="application", subtype="octet-stream", filename=f"invoice{n}.exe"
        )
        add(message, "rejected")
    for n in range(10):
        message = plain_mail(to=to, subject=f"Many files {n}")
        for k in range(4):
            message.add_attachment(
                f"file {k}".encode(), maintype="text", subtype="plain", filename=f"f{k}.txt"
            )
        add(message, "rejected")
    for n in range(10):
        add(plain_mail(to=to, subject=f"Big {n}", body="x" * 1_200_000), "rejected")
    for n in range(10):
        stamp = email.utils.formatdate()
        add(
            (
                f"From: Odd {n} <odd{n}@example.net>\r\nTo: {to}\r\nSubject: Charset {n}\r\n"
                f"Date: {stamp}\r\nMessage-ID: <charset-{n}@example.net>\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=x-no-such-charset\r\n\r\n"
                "How many caf\xe9s are there?\r\n"
            ).encode("latin-1"),
            "created",
        )
    for n in range(10):
        add(f"\x00\x01 not a message {n} \xff".encode("latin-1"), "rejected")
    for n in range(10):
        message = plain_mail(to=to, subject=f"Html {n}")
        message.set_content(
            f"<p>How many <b>bins</b> in {n}?</p><script>x()</script>", subtype="html"
        )
        add(message, "created")
    return batch, expected


@pytest.mark.django_db
def test_200_mixed_messages_import_with_nothing_lost_and_every_refusal_explained(
    foi_mailbox, settings
):
    settings.FOI_MAIL_MAX_ATTACHMENTS = 3
    settings.FOI_MAIL_MAX_MESSAGE_MB = 1
    batch, expected = mixed_mail(f"{foi_mailbox.user}@authority.test")
    assert len(batch) == 200
    for raw in batch:
        foi_mailbox.deliver(foi_mailbox.user, raw)

    started = time.perf_counter()
    outcomes = inbound.poll()
    TIMING.update(count=len(outcomes), seconds=time.perf_counter() - started)

    assert Counter(o.action for o in outcomes) == expected
    assert all(o.reason for o in outcomes if o.action == "rejected")
    kept = Correspondence.objects.filter(direction="in")
    assert kept.count() == 200 - expected["duplicate"]
    assert {o.message_id for o in outcomes} == set(kept.values_list("message_id", flat=True))
    assert all(row.raw for row in kept)
    assert Case.objects.count() == expected["created"]
    assert foi_mailbox.messages(foi_mailbox.user) == []
    processed = foi_mailbox.messages(foi_mailbox.user, "Processed")
    failed = foi_mailbox.messages(foi_mailbox.user, "Failed")
    assert (len(processed), len(failed)) == (200 - expected["rejected"], expected["rejected"])
    charset = Correspondence.objects.get(message_id="<charset-0@example.net>")
    assert "unknown character set" in charset.reason and "caf" in charset.body_text


@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_import_each_message_once(foi_mailbox):
    to = f"{foi_mailbox.user}@authority.test"
    for n in range(30):
        foi_mailbox.deliver(foi_mailbox.user, bytes(plain_mail(to=to, subject=f"Req {n}")))
    results: list[list[inbound.Outcome]] = []
    errors: list[BaseException] = []

    def poll() -> None:
        try:
            results.append(inbound.poll())
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors
    created = [o for outcomes in results for o in outcomes if o.action == "created"]
    assert len(created) == 30 == Case.objects.count()
    assert Correspondence.objects.count() == 30
    assert foi_mailbox.messages(foi_mailbox.user) == []
