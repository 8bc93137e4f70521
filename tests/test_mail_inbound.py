"""Mail into the FOI mailbox on a real IMAP server becomes cases, replies and explained refusals."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from foi_cases import deadlines, workflow
from foi_cases.bank_holidays import calendar_for
from foi_cases.mail import inbound
from foi_cases.models import Case, CaseEvent, Correspondence, Record
from tests.mail_helpers import plain_mail, wdtk_request

pytestmark = [pytest.mark.mail, pytest.mark.django_db]
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def arrives(foi_mailbox, message, at: dt.datetime | None = None) -> None:
    when = at.timestamp() if at else None
    foi_mailbox.deliver(foi_mailbox.user, bytes(message), when=when)


def test_a_whatdotheyknow_request_on_a_sunday_at_2330_bst_becomes_a_case(foi_mailbox):
    # 23:30 on Sunday 29 June 2025 in London (BST) is 22:30 UTC; the sender's clock says Monday.
    sunday = dt.datetime(2025, 6, 29, 23, 30, tzinfo=LONDON)
    arrives(foi_mailbox, wdtk_request(to=foi_mailbox.user + "@authority.test"), at=sunday)

    (outcome,) = inbound.poll()

    assert outcome.action == "created"
    case = Case.objects.get(reference=outcome.reference)
    assert case.received_at == sunday
    assert case.due_on == due_if_received_on(dt.date(2025, 6, 29)) == outcome.due
    assert case.due_on != due_if_received_on(dt.date(2025, 6, 30))  # not the Date header's day
    assert case.status == Case.Status.RECEIVED
    assert case.channel == Case.Channel.WHATDOTHEYKNOW
    assert case.requester.name == "Jane Doe"
    assert case.requester.email == "request-1234-abcd1234@whatdotheyknow.com"
    assert case.title == "Council car parks"
    assert [q.text for q in case.questions.order_by("number")] == [
        "The number of car parks you own.",
        "The income from each car park in 2024.",
    ]
    assert "Please use this email address" not in case.request_text
    message = case.correspondence.get()
    assert message.kind == Correspondence.Kind.REQUEST
    (attachment,) = message.attachments.all()
    assert attachment.filename == "site-map.pdf"
    assert attachment.file.read() == b"%PDF-1.4 a map of the site"
    # The request's attachment became a record of the case, as the mail import account.
    assert [e.verb for e in case.events.order_by("pk")] == [
        CaseEvent.Verb.LOGGED,
        CaseEvent.Verb.RECORDS_ADDED,
    ]
    (record,) = case.records.all()
    assert (record.original_name, record.source) == ("site-map.pdf", Record.Source.EMAIL)
    assert foi_mailbox.messages(foi_mailbox.user) == []
    assert len(foi_mailbox.messages(foi_mailbox.user, "Processed")) == 1


def test_a_request_on_a_sunday_at_2330_gmt_counts_from_that_sunday(foi_mailbox):
    sunday = dt.datetime(2025, 12, 7, 23, 30, tzinfo=LONDON)
    arrives(
        foi_mailbox,
        wdtk_request(to="foi@authority.test", date="Mon, 8 Dec 2025 10:30:00 +1100"),
        at=sunday,
    )

    (outcome,) = inbound.poll()

    case = Case.objects.get(reference=outcome.reference)
    assert timezone_local(case.received_at) == sunday
    assert case.due_on == due_if_received_on(dt.date(2025, 12, 7))
    assert case.due_on != due_if_received_on(dt.date(2025, 12, 8))
    assert outcome.received_at.isoformat() == "2025-12-07T23:30:00+00:00"


def due_if_received_on(day: dt.date) -> dt.date | None:
    return deadlines.compute_deadline(
        received=day, regime="FOIA", calendar=calendar_for("FOIA")
    ).statutory_due


def timezone_local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON)


def test_a_reply_with_the_reference_in_its_subject_lands_on_its_case(foi_mailbox):
    arrives(foi_mailbox, wdtk_request(to="foi@authority.test", attachment=None))
    (created,) = inbound.poll()
    reply = plain_mail(
        to="foi@authority.test",
        sender="Someone <someone@example.org>",
        subject=f"Re: your request {created.reference}",
        body="Thank you, I look forward to your answer.",
    )
    arrives(foi_mailbox, reply)

    (outcome,) = inbound.poll()

    assert outcome.action == "attached" and outcome.reference == created.reference
    case = Case.objects.get(reference=created.reference)
    assert Case.objects.count() == 1
    assert [m.kind for m in case.correspondence.all()] == ["request", "reply"]
    assert case.events.filter(verb=CaseEvent.Verb.EMAIL_RECEIVED).count() == 1


def test_a_reply_to_a_clarification_request_is_offered_as_the_clarification(foi_mailbox, officer):
    arrives(foi_mailbox, wdtk_request(to="foi@authority.test", attachment=None))
    (created,) = inbound.poll()
    case = Case.objects.get(reference=created.reference)
    workflow.request_clarification(case, actor=officer, on=case.received_at.date())
    # WhatDoTheyKnow replies come from the request's own address.
    reply = wdtk_request(to="foi@authority.test", attachment=None)
    reply.replace_header("Subject", "Re: Clarification of your request")
    del reply["Message-ID"]
    reply["Message-ID"] = "<clarification-1@whatdotheyknow.com>"

    arrives(foi_mailbox, reply)
    (outcome,) = inbound.poll()

    assert outcome.action == "attached" and outcome.reference == case.reference
    assert "clarification" in outcome.reason
    row = Correspondence.objects.get(message_id="<clarification-1@whatdotheyknow.com>")
    assert row.kind == Correspondence.Kind.CLARIFICATION


def test_the_same_message_twice_is_imported_once(foi_mailbox):
    message = wdtk_request(to="foi@authority.test", attachment=None)
    arrives(foi_mailbox, message)
    arrives(foi_mailbox, message)

    outcomes = inbound.poll()

    assert [o.action for o in outcomes] == ["created", "duplicate"]
    assert outcomes[1].reference == outcomes[0].reference
    assert Case.objects.count() == 1


def test_auto_replies_and_unknown_bounces_are_kept_but_not_made_cases(foi_mailbox):
    arrives(
        foi_mailbox,
        plain_mail(to="foi@authority.test", subject="Out of office", Auto_Submitted="auto-replied"),
    )
    outcomes = inbound.poll()

    assert [o.action for o in outcomes] == ["rejected"]
    assert "automatic reply" in outcomes[0].reason
    assert Case.objects.count() == 0
    assert Correspondence.objects.get().status == Correspondence.Status.REJECTED
    assert len(foi_mailbox.messages(foi_mailbox.user, "Failed")) == 1


def test_an_executable_attachment_is_quarantined_until_an_officer_releases_it(foi_mailbox, officer):
    message = plain_mail(to="foi@authority.test")
    message.add_attachment(
        b"MZ\x90\x00 evil", maintype="application", subtype="octet-stream", filename="invoice.exe"
    )
    arrives(foi_mailbox, message)

    (outcome,) = inbound.poll()

    assert outcome.action == "rejected" and "invoice.exe is an executable" in outcome.reason
    row = Correspondence.objects.get()
    assert row.status == Correspondence.Status.QUARANTINED and Case.objects.count() == 0

    released = inbound.release(row, actor=officer)

    assert released.action == "created"
    row.refresh_from_db()
    assert row.case.reference == released.reference and row.released_by == officer
    assert row.case.events.filter(verb=CaseEvent.Verb.EMAIL_RELEASED).count() == 1


def test_an_emails_attachments_become_records_of_its_case_and_a_refused_one_stays_on_the_mail(
    foi_mailbox,
):
    arrives(foi_mailbox, wdtk_request(to="foi@authority.test"))
    (created,) = inbound.poll()
    case = Case.objects.get(reference=created.reference)
    reply = plain_mail(
        to="foi@authority.test", subject=f"Re: your request {created.reference}", body="Files."
    )
    # The same map again (a duplicate by its content), and a file the records do not accept.
    reply.add_attachment(
        b"%PDF-1.4 a map of the site", maintype="application", subtype="pdf", filename="again.pdf"
    )
    reply.add_attachment(b"not a picture", maintype="image", subtype="png", filename="photo.png")
    arrives(foi_mailbox, reply)

    (outcome,) = inbound.poll()

    assert outcome.action == "attached"
    records = list(case.records.order_by("pk"))
    assert [(r.original_name, r.source) for r in records] == [
        ("site-map.pdf", Record.Source.EMAIL),
        ("again.pdf", Record.Source.EMAIL),
    ]
    assert records[1].duplicate_of == records[0]
    assert records[0].uploaded_by.username == "mail-import"
    row = Correspondence.objects.get(message_id=reply["Message-ID"])
    assert [a.filename for a in row.attachments.all()] == ["again.pdf", "photo.png"]
    assert "photo.png is named as a PNG image but its content is not" in row.reason
    assert case.events.filter(verb=CaseEvent.Verb.RECORDS_ADDED).count() == 2


def test_a_released_messages_attachments_become_records_when_released(foi_mailbox, officer):
    message = plain_mail(to="foi@authority.test")
    message.add_attachment(
        b"%PDF-1.4 the letter", maintype="application", subtype="pdf", filename="letter.pdf"
    )
    message.add_attachment(
        b"MZ\x90\x00 evil", maintype="application", subtype="octet-stream", filename="invoice.exe"
    )
    arrives(foi_mailbox, message)
    (outcome,) = inbound.poll()
    assert outcome.action == "rejected" and Record.objects.count() == 0

    released = inbound.release(Correspondence.objects.get(), actor=officer)

    case = Case.objects.get(reference=released.reference)
    assert [(r.original_name, r.source) for r in case.records.all()] == [
        ("letter.pdf", Record.Source.EMAIL)
    ]


def test_a_message_whose_import_failed_is_imported_again_from_the_failed_folder(
    foi_mailbox, settings, tmp_path
):
    arrives(foi_mailbox, wdtk_request(to="foi@authority.test", attachment=None))
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("storage is broken")  # the raw message cannot be stored

    (failed,) = inbound.poll()

    assert failed.action == "rejected" and "could not be stored" in failed.reason
    assert len(foi_mailbox.messages(foi_mailbox.user, "Failed")) == 1
    settings.MEDIA_ROOT = tmp_path / "media"  # the cause fixed
    out = io.StringIO()

    call_command("import_email", "--from-failed", stdout=out)

    (line,) = [json.loads(text) for text in out.getvalue().splitlines()]
    assert line["action"] == "created" and line["message_id"] == failed.message_id
    row = Correspondence.objects.get()  # the failed attempt's row gave way to the import
    assert row.status == Correspondence.Status.IMPORTED and row.case.reference == line["reference"]
    assert foi_mailbox.messages(foi_mailbox.user, "Failed") == []
    assert len(foi_mailbox.messages(foi_mailbox.user, "Processed")) == 1
