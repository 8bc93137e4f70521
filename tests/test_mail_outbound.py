"""Sending from the case over a real SMTP server, read back from the real IMAP mailbox."""

from __future__ import annotations

import email
import email.message
import email.policy
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from foi_cases import workflow
from foi_cases.mail import inbound, outbound
from foi_cases.models import Case, CaseEvent, ClockEvent, Correspondence, Letter, Notification
from foi_cases.tasks import send_email
from tests.letter_helpers import SEED_001_QUESTIONS, complete_letter_settings, log_case

pytestmark = [pytest.mark.mail, pytest.mark.django_db]
Status = Correspondence.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def approved_letter(officer, reviewer, capture, *, email_address="sam@example.com") -> Letter:
    complete_letter_settings()
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    case.requester.email = email_address
    case.requester.save()
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)
    with capture(execute=True):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY
    return letter


def copies(foi_mailbox, user: str, message_id: str) -> list[email.message.EmailMessage]:
    found = []
    for raw in foi_mailbox.messages(user):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if message["Message-ID"] == message_id:
            found.append(message)
    return found


def test_the_approved_letter_is_sent_and_read_back_from_the_mailbox(
    foi_mailbox, officer, reviewer, django_capture_on_commit_callbacks
):
    letter = approved_letter(officer, reviewer, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        row = outbound.send_letter(letter, actor=officer)

    row.refresh_from_db()
    letter.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at is not None
    assert letter.sent_at == row.sent_at and letter.sent_via == Letter.Via.EMAIL
    (received,) = copies(foi_mailbox, "sam", row.message_id)
    (pdf,) = [part for part in received.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content() == letter.pdf.open("rb").read()
    assert letter.case.reference in received["Subject"]
    # The mailbox keeps its own copy, which the next poll recognises and does not import.
    assert len(copies(foi_mailbox, foi_mailbox.user, row.message_id)) == 1
    assert [o.action for o in inbound.poll()] == ["duplicate"]
    event = letter.case.events.get(verb=CaseEvent.Verb.RESPONSE_SENT)
    assert event.actor == officer and event.data["via"] == Letter.Via.EMAIL


def test_a_retry_after_smtp_accepted_the_message_does_not_send_it_again(
    foi_mailbox, officer, reviewer, django_capture_on_commit_callbacks
):
    letter = approved_letter(officer, reviewer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        row = outbound.send_letter(letter, actor=officer)
    # The first attempt got its message accepted, then its worker died before recording it.
    from django.core.mail import get_connection
    from django.utils import timezone

    Correspondence.objects.filter(pk=row.pk).update(send_attempted_at=timezone.now())
    with get_connection() as connection:
        connection.send_messages([outbound._build(row)])

    assert send_email.apply(args=[row.pk]).get() == "found the copy of an earlier attempt"
    assert send_email.apply(args=[row.pk]).get() == "nothing to send"

    assert len(copies(foi_mailbox, "sam", row.message_id)) == 1
    row.refresh_from_db()
    letter.refresh_from_db()
    assert row.status == Status.SENT and letter.sent_at == row.sent_at


def test_a_letter_that_is_not_approved_is_not_sent(foi_mailbox, officer):
    complete_letter_settings()
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)

    with pytest.raises(ValidationError, match="Only an approved letter"):
        outbound.send_letter(letter, actor=officer)

    assert not Correspondence.objects.exists()


def test_a_letter_out_of_date_by_the_time_the_task_runs_is_not_sent(
    foi_mailbox, officer, reviewer, django_capture_on_commit_callbacks
):
    letter = approved_letter(officer, reviewer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        row = outbound.send_letter(letter, actor=officer)
    case = letter.case
    workflow.replace_questions(case, actor=officer, texts=["A different question?"])

    result = send_email.apply(args=[row.pk]).get()

    row.refresh_from_db()
    assert row.status == Status.FAILED and "changed" in result
    assert copies(foi_mailbox, "sam", row.message_id) == []
    letter.refresh_from_db()
    assert letter.sent_at is None


def test_a_bounce_flags_the_letter_not_delivered_and_tells_the_officer(
    foi_mailbox, officer, reviewer, django_capture_on_commit_callbacks, client
):
    letter = approved_letter(
        officer, reviewer, django_capture_on_commit_callbacks, email_address="sam@bounce.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        row = outbound.send_letter(letter, actor=officer)

    outcomes = inbound.poll()

    bounce = [o for o in outcomes if o.action == "attached"]
    assert len(bounce) == 1 and "delivery failure" in bounce[0].reason
    row.refresh_from_db()
    assert row.status == Status.NOT_DELIVERED
    report = Correspondence.objects.get(kind=Correspondence.Kind.BOUNCE)
    assert report.case == letter.case and report.bounced_message == row
    assert letter.case.events.filter(verb=CaseEvent.Verb.EMAIL_NOT_DELIVERED).count() == 1
    notice = Notification.objects.get(kind=Notification.Kind.NOT_DELIVERED)
    assert notice.user == officer and "sam@bounce.test" in notice.message
    client.force_login(officer)
    page = client.get(reverse("case_correspondence", args=[letter.case.reference]))
    assert "Not delivered: the acknowledgement (version 1)" in page.content.decode()
    letter_page = client.get(letter.get_absolute_url()).content.decode()
    assert "Not delivered to sam@bounce.test: a delivery failure report came back" in letter_page


def test_the_requesters_answer_to_a_sent_letter_lands_on_its_case_by_in_reply_to(
    foi_mailbox, officer, reviewer, django_capture_on_commit_callbacks
):
    letter = approved_letter(officer, reviewer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        row = outbound.send_letter(letter, actor=officer)
    assert [o.action for o in inbound.poll()] == ["duplicate"]  # the mailbox's own copy
    answer = email.message.EmailMessage()
    answer["From"] = "Sam Requester <sam@example.com>"
    answer["To"] = f"{foi_mailbox.user}@authority.test"
    answer["Subject"] = "Re: your letter"  # no reference: the thread alone says which case
    answer["Message-ID"] = "<answer-1@example.com>"
    answer["In-Reply-To"] = row.message_id
    answer.set_content("Thank you for the acknowledgement.")
    foi_mailbox.deliver(foi_mailbox.user, bytes(answer))

    (outcome,) = inbound.poll()

    assert outcome.action == "attached" and outcome.reference == letter.case.reference
    assert Case.objects.count() == 1


def test_an_address_the_server_refuses_leaves_the_letter_unsent_and_tells_the_officer(
    foi_mailbox, officer, reviewer, django_capture_on_commit_callbacks
):
    letter = approved_letter(
        officer, reviewer, django_capture_on_commit_callbacks, email_address="sam@refused.test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        row = outbound.send_letter(letter, actor=officer)

    row.refresh_from_db()
    letter.refresh_from_db()
    assert row.status == Status.NOT_DELIVERED and "550" in row.reason
    assert letter.sent_at is None and letter.case.status != Case.Status.RESPONDED
    event = letter.case.events.get(verb=CaseEvent.Verb.EMAIL_NOT_DELIVERED)
    assert "User unknown" in event.data["reason"]
    assert Notification.objects.get(kind=Notification.Kind.NOT_DELIVERED).user == officer
    # The officer can correct the address and send the letter again.
    letter.case.requester.email = "sam@example.com"
    letter.case.requester.save()
    with django_capture_on_commit_callbacks(execute=True):
        again = outbound.send_letter(letter, actor=officer)
    again.refresh_from_db()
    assert again.status == Status.SENT


def test_a_send_that_fails_on_every_retry_is_marked_failed_and_the_officer_told(
    foi_mailbox,
    officer,
    reviewer,
    django_capture_on_commit_callbacks,
    settings,
    monkeypatch,
    caplog,
    client,
):
    from tests.mail_servers import free_port

    # Run the retries in turn, as a worker would (each eager retry runs at once).
    monkeypatch.setitem(send_email.app.conf, "task_eager_propagates", False)

    letter = approved_letter(officer, reviewer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        row = outbound.send_letter(letter, actor=officer)
    settings.EMAIL_PORT = free_port()  # nothing listens there: every attempt is refused

    result = send_email.apply(args=[row.pk]).get()

    attempts = [r for r in caplog.records if "Sending message" in r.getMessage()]
    assert len(attempts) == 1 + send_email.max_retries
    row.refresh_from_db()
    letter.refresh_from_db()
    assert row.status == Status.FAILED and row.sent_at is None
    assert "could not be reached" in row.reason and result == row.reason
    assert letter.sent_at is None and letter.case.status != Case.Status.RESPONDED
    event = letter.case.events.get(verb=CaseEvent.Verb.EMAIL_NOT_DELIVERED)
    assert event.data["failed"] is True and event.data["letter"] == letter.pk
    notice = Notification.objects.get(kind=Notification.Kind.NOT_DELIVERED)
    assert notice.user == officer and "sam@example.com" in notice.message
    assert copies(foi_mailbox, "sam", row.message_id) == []
    client.force_login(officer)
    page = client.get(reverse("case_correspondence", args=[letter.case.reference])).content.decode()
    assert (
        "Not delivered: the acknowledgement (version 1)" in page and "could not be reached" in page
    )
    assert re.search(r'govuk-tag">\s*Not sent\s*<', page) and "Import failed" not in page
    # A later run of the same task does nothing more.
    assert send_email.apply(args=[row.pk]).get() == "nothing to send"
    assert Notification.objects.filter(kind=Notification.Kind.NOT_DELIVERED).count() == 1


def test_an_officer_sends_a_clarification_request_from_the_correspondence_page(
    foi_mailbox, officer, reviewer, client, django_capture_on_commit_callbacks
):
    complete_letter_settings()
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    case.requester.email = "sam@example.com"
    case.requester.save()
    page = reverse("case_correspondence", args=[case.reference])
    send = reverse("correspondence_send_message", args=[case.reference])
    client.force_login(officer)

    start = client.get(page, {"start": Letter.Kind.CLARIFICATION})

    form = start.context["message_form"]
    composed = form.initial["body"]
    assert "Clarification request" in form.initial["subject"] and case.reference in composed
    assert "## " not in composed  # plain text, not the letter's headings
    assert "the clock stops" in start.content.decode()
    posted = {
        "subject": form.initial["subject"],
        "body": composed,
        "notice": form.initial["notice"],
        "form_token": "",
    }
    unfinished = client.post(send, posted)
    assert unfinished.status_code == 400 and "Fill in or remove [[" in unfinished.content.decode()
    posted["body"] = re.sub(r"\[\[.*?\]\]", "Which years do you mean?", composed, flags=re.S)
    posted["form_token"] = start.context["form_token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(send, posted)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(send, posted)  # the button pressed twice

    assert response.status_code == 302 and again.status_code == 302
    row = Correspondence.objects.get(case=case, direction=Correspondence.Direction.OUT)
    assert row.status == Status.SENT and row.sent_by == officer and row.letter is None
    (received,) = copies(foi_mailbox, "sam", row.message_id)
    assert received["Subject"].strip() == posted["subject"]
    assert "Which years do you mean?" in received.get_content()
    assert case.events.get(verb=CaseEvent.Verb.EMAIL_SENT).data["message_id"] == row.message_id
    # It stops the clock as recording a clarification request does, from the day it was sent.
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_CLARIFICATION and case.due_on is None
    stopped = case.clock_events.get(kind=ClockEvent.Kind.CLARIFICATION_REQUESTED)
    assert stopped.on == timezone.localtime(row.sent_at).date() and stopped.recorded_by == officer
    assert case.events.filter(verb=CaseEvent.Verb.CLARIFICATION_REQUESTED).count() == 1
    assert "Which years do you mean?" in client.get(page).content.decode()
    # A reviewer who does not edit the case cannot send from it.
    client.force_login(reviewer)
    assert client.post(send, {**posted, "form_token": ""}).status_code == 403
    assert Correspondence.objects.filter(direction=Correspondence.Direction.OUT).count() == 1
