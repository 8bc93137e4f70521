"""The correspondence page, the one-click clarification, the quarantine and import_email."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from foi_cases import workflow
from foi_cases.mail.inbound import import_message
from foi_cases.models import Case, CaseEvent, ClockEvent, Correspondence, LetterSettings
from tests.mail_helpers import plain_mail, wdtk_request

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def received(message, at: dt.datetime) -> bytes:
    """The message as the authority's server stored it: a Received header on top."""
    stamp = email.utils.format_datetime(at)
    return f"Received: from mx.example.net by mail.authority.test; {stamp}\r\n".encode() + bytes(
        message
    )


def test_an_html_request_is_shown_as_text_never_as_sent(client, officer):
    message = plain_mail(to="foi@authority.test")
    message.set_content(
        "<html><body><p>How many <b>laptops</b> were lost?</p>"
        "<script>alert('x')</script><img src=x onerror=alert(1)></body></html>",
        subtype="html",
    )
    outcome = import_message(
        received(message, dt.datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)), source="test"
    )
    client.force_login(officer)

    response = client.get(reverse("case_correspondence", args=[outcome.reference]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "How many laptops were lost?" in page
    assert "alert" not in page and "onerror" not in page
    case = Case.objects.get(reference=outcome.reference)
    assert case.request_text == "How many laptops were lost?"


def test_the_clarification_is_accepted_in_one_click_and_restarts_the_clock(client, officer):
    created = import_message(
        received(wdtk_request(to="foi@authority.test", attachment=None),
                 dt.datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)),
        source="test",
    )  # fmt: skip
    case = Case.objects.get(reference=created.reference)
    workflow.assign_case(case, actor=officer, assignee=officer)
    workflow.request_clarification(case, actor=officer, on=dt.date(2025, 3, 4))
    reply = wdtk_request(to="foi@authority.test", attachment=None)
    reply.replace_header("Subject", f"Re: {case.reference} what I meant")
    answer = import_message(
        received(reply, dt.datetime(2025, 3, 10, 23, 30, tzinfo=LONDON)), source="test"
    )
    row = Correspondence.objects.get(message_id=answer.message_id)
    client.force_login(officer)
    page = client.get(reverse("case_correspondence", args=[case.reference])).content.decode()
    assert "This is the clarification" in page

    response = client.post(
        reverse("correspondence_accept_clarification", args=[case.reference, row.pk])
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    clock = case.clock_events.get(kind=ClockEvent.Kind.CLARIFICATION_RECEIVED)
    assert clock.on == dt.date(2025, 3, 10)  # the reply's day of receipt, in London
    event = case.events.get(verb=CaseEvent.Verb.CLARIFICATION_RECEIVED)
    assert event.actor == officer and event.data["on"] == "2025-03-10"
    assert case.due_on > dt.date(2025, 4, 1)
    again = client.post(
        reverse("correspondence_accept_clarification", args=[case.reference, row.pk])
    )
    assert again.status_code == 302
    assert case.events.filter(verb=CaseEvent.Verb.CLARIFICATION_RECEIVED).count() == 1


def test_an_outsider_cannot_read_a_cases_correspondence(client, outsider, officer):
    outcome = import_message(
        received(plain_mail(to="foi@authority.test"), dt.datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)),
        source="test",
    )
    client.force_login(outsider)

    response = client.get(reverse("case_correspondence", args=[outcome.reference]))

    assert response.status_code == 404


def test_quarantined_mail_of_a_restricted_case_is_seen_only_by_its_team(
    client, officer, other_officer
):
    case = workflow.log_request(
        actor=officer,
        requester=workflow.RequesterDetails(name="Sam Sender", email="sam.sender@example.net"),
        channel=Case.Channel.EMAIL,
        received_at=dt.datetime(2025, 3, 3, 9, 0, tzinfo=LONDON),
        regime=Case.Regime.FOIA,
        title="Security review",
        request_text="The security review.",
        questions=["The security review."],
    )
    workflow.assign_case(case, actor=officer, assignee=officer)
    workflow.set_restricted(case, actor=officer, restricted=True, reason="Security")
    reply = plain_mail(to="foi@authority.test", subject=f"Re: {case.reference} the site plans")
    reply.add_attachment(b"PK\x03\x04", maintype="application", subtype="zip", filename="plans.zip")
    import_message(received(reply, dt.datetime(2025, 3, 5, 9, 0, tzinfo=LONDON)), source="test")
    row = Correspondence.objects.get(status=Correspondence.Status.QUARANTINED)
    file_pk = row.attachments.get().pk

    client.force_login(other_officer)  # not on the restricted case's team
    assert "the site plans" not in client.get(reverse("mail_quarantine")).content.decode()
    assert client.get(reverse("mail_attachment", args=[file_pk])).status_code == 404
    assert client.post(reverse("mail_release", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.status == Correspondence.Status.QUARANTINED and row.released_by is None

    client.force_login(officer)
    assert "the site plans" in client.get(reverse("mail_quarantine")).content.decode()
    client.post(reverse("mail_release", args=[row.pk]))
    row.refresh_from_db()
    assert row.case == case and row.released_by == officer


def test_a_quarantined_file_cannot_be_opened_until_the_message_is_released(client, officer):
    message = plain_mail(to="foi@authority.test")
    message.add_attachment(
        b"PK\x03\x04 zipped", maintype="application", subtype="zip", filename="files.zip"
    )
    outcome = import_message(
        received(message, dt.datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)), source="test"
    )
    assert outcome.action == "rejected" and "files.zip" in outcome.reason
    row = Correspondence.objects.get()
    client.force_login(officer)
    assert "files.zip" in client.get(reverse("mail_quarantine")).content.decode()
    file_pk = row.attachments.get().pk
    assert client.get(reverse("mail_attachment", args=[file_pk])).status_code == 403

    response = client.post(reverse("mail_release", args=[row.pk]))

    row.refresh_from_db()
    assert row.case is not None and response.url == reverse(
        "case_correspondence", args=[row.case.reference]
    )
    download = client.get(reverse("mail_attachment", args=[row.attachments.get().pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == b"PK\x03\x04 zipped"


def test_import_email_prints_one_json_line_per_file(tmp_path, officer):
    good = tmp_path / "good.eml"
    good.write_bytes(received(plain_mail(to="foi@authority.test"),
                              dt.datetime(2025, 6, 29, 23, 30, tzinfo=LONDON)))  # fmt: skip
    no_receipt = tmp_path / "no-received.eml"
    no_receipt.write_bytes(bytes(plain_mail(to="foi@authority.test")))
    garbage = tmp_path / "garbage.eml"
    garbage.write_bytes(b"\x00\xff\xfe not mail at all")
    not_outlook = tmp_path / "saved.msg"
    not_outlook.write_bytes(b"this is not an Outlook file")
    out = io.StringIO()

    call_command(
        "import_email", *map(str, (good, good, no_receipt, garbage, not_outlook)), stdout=out
    )

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    actions = ["created", "duplicate", "rejected", "rejected", "rejected"]
    assert [line["action"] for line in lines] == actions
    keys = ["message_id", "reference", "action", "received_at", "due", "reason"]
    assert all(list(line) == keys for line in lines)
    assert lines[0]["received_at"] == "2025-06-29T23:30:00+01:00"
    assert lines[0]["due"] == Case.objects.get().due_on.isoformat()
    assert "no time of receipt" in lines[2]["reason"]
    assert lines[3]["reason"] and Correspondence.objects.count() == 3
    assert "saved.msg: not a readable Outlook message" in lines[4]["reason"]


def test_the_case_search_finds_a_case_by_words_in_its_correspondence(client, manager):
    created = import_message(
        received(plain_mail(to="foi@authority.test"), dt.datetime(2025, 3, 3, 9, 0, tzinfo=LONDON)),
        source="test",
    )
    reply = plain_mail(
        to="foi@authority.test",
        subject=f"Re: {created.reference}",
        body="Please include the hovercraft maintenance contracts too.",
    )
    import_message(received(reply, dt.datetime(2025, 3, 4, 9, 0, tzinfo=LONDON)), source="test")
    client.force_login(manager)

    found = client.get(reverse("case_list_all"), {"q": "hovercraft", "status": "any"})
    missed = client.get(reverse("case_list_all"), {"q": "submarine", "status": "any"})

    assert created.reference in found.content.decode()
    assert created.reference not in missed.content.decode()


def test_a_new_request_is_acknowledged_with_its_due_date_when_the_setting_is_on(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FOI_MAIL_ACKNOWLEDGE = True
    settings.FOI_MAIL_ADDRESS = "foi@authority.test"
    request = plain_mail(to="foi@authority.test")

    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_message(
            received(request, dt.datetime(2025, 6, 29, 23, 30, tzinfo=LONDON)), source="test"
        )

    (sent,) = mailoutbox
    case = Case.objects.get(reference=outcome.reference)
    assert sent.to == ["sam.sender@example.net"] and sent.bcc == ["foi@authority.test"]
    assert case.reference in sent.subject
    assert "Sunday 29 June 2025" in sent.body
    assert f"{case.due_on:%A} {case.due_on.day} {case.due_on:%B %Y}" in sent.body
    row = case.correspondence.get(direction=Correspondence.Direction.OUT)
    assert row.status == Correspondence.Status.SENT and sent.extra_headers["Message-ID"] == (
        row.message_id
    )
    assert case.events.filter(verb=CaseEvent.Verb.EMAIL_SENT).count() == 1


def test_the_acknowledgement_is_the_text_managers_edit(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FOI_MAIL_ACKNOWLEDGE = True
    row = LetterSettings.load()
    row.acknowledgement_email = "Hello {name}: {reference} is due {due}. {unknown} stays."
    row.save()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_message(
            received(
                plain_mail(to="foi@authority.test"), dt.datetime(2025, 6, 29, 23, 30, tzinfo=LONDON)
            ),
            source="test",
        )

    case = Case.objects.get(reference=outcome.reference)
    (sent,) = mailoutbox
    due = f"{case.due_on:%A} {case.due_on.day} {case.due_on:%B %Y}"
    assert sent.body == f"Hello Sam Sender: {case.reference} is due {due}. {{unknown}} stays."


def test_a_message_starts_from_each_notice_and_bad_input_is_explained(client, officer):
    from foi_cases.models import Letter
    from tests.letter_helpers import SEED_001_QUESTIONS, complete_letter_settings, log_case

    complete_letter_settings()
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    page = reverse("case_correspondence", args=[case.reference])
    send = reverse("correspondence_send_message", args=[case.reference])
    client.force_login(officer)

    for kind in (Letter.Kind.CLARIFICATION, Letter.Kind.PIT_EXTENSION, Letter.Kind.FEES_NOTICE):
        response = client.get(page, {"start": kind})
        assert response.status_code == 200
        initial = response.context["message_form"].initial
        assert Letter.Kind(kind).label in initial["subject"] and initial["body"].strip()
    assert client.get(page, {"start": "final_response"}).context["message_form"].initial == {}

    empty = client.post(send, {"subject": " ", "body": ""})
    assert empty.status_code == 400
    assert "Enter a subject" in empty.content.decode() and "Enter the message" in (
        empty.content.decode()
    )
    case.requester.email = ""
    case.requester.save()
    typed = {"subject": "Your request", "body": "Which years do you mean?"}
    refused = client.post(send, typed)
    text = refused.content.decode()
    assert refused.status_code == 400 and "The requester has no e-mail address" in text
    assert "Which years do you mean?" in text  # what was typed is kept
    assert not Correspondence.objects.filter(direction=Correspondence.Direction.OUT).exists()
