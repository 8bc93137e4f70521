"""The public request form and the requester's private status page, with no sign-in."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from django.core import mail, signing
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foi_cases import deadlines, status_links, workflow
from foi_cases.models import Case, CaseEvent, Correspondence, Letter, ReleaseBundle
from tests.letter_helpers import SEED_001_QUESTIONS, complete_letter_settings, log_case
from tests.test_redis_down import redis_stopped

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

REQUEST_TEXT = (
    "Please send me:\n"
    "1. The cost of security at constituency offices in 2019.\n"
    "2. The number of offices that had alarms fitted."
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def visitor() -> Client:
    """A browser of its own address, so rate counts left by other tests never reach it."""
    return Client(REMOTE_ADDR=f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9")


def section(name: str, change: bool = False) -> str:
    url = reverse("public_request_section", kwargs={"section": name})
    return f"{url}?change=1" if change else url


def answer_everything(client: Client, *, email: str = "") -> None:
    email = email or f"sam-{uuid.uuid4().hex[:8]}@example.com"
    about = {"name": "Sam Requester", "email": email, "postal_address": ""}
    assert client.post(section("about-you"), about)["Location"] == section("request")
    request = {"request_text": REQUEST_TEXT, "website": ""}
    assert client.post(section("request"), request)["Location"] == section("format")
    fmt = {"preferred_format": Case.ResponseFormat.ELECTRONIC}
    assert client.post(section("format"), fmt)["Location"] == reverse("public_request_check")


def test_a_request_sent_on_the_form_becomes_a_web_form_case_received_when_sent(
    officer, django_capture_on_commit_callbacks
):
    client = visitor()
    address = f"sam-{uuid.uuid4().hex[:8]}@example.com"  # rate counts outlive a test in Redis
    answer_everything(client, email=address)
    check = client.get(reverse("public_request_check"))
    assert b"The cost of security at constituency offices" in check.content
    assert b"By e-mail or in another electronic form" in check.content
    # "Change" leads back to the step, then straight back to the check page.
    changed = client.post(
        section("about-you", change=True),
        {"name": "Sam Q Requester", "email": address, "postal_address": ""},
    )
    assert changed["Location"] == reverse("public_request_check")

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("public_request_check"))
    after = timezone.now()

    case = Case.objects.get()
    assert case.channel == Case.Channel.WEB_FORM
    assert before <= case.received_at <= after
    assert case.due_on == deadlines.due_date(case.received_at)
    assert case.requester.name == "Sam Q Requester"
    assert case.preferred_format == Case.ResponseFormat.ELECTRONIC
    assert list(case.questions.order_by("number").values_list("text", flat=True)) == [
        "The cost of security at constituency offices in 2019.",
        "The number of offices that had alarms fitted.",
    ]
    assert case.events.filter(verb=CaseEvent.Verb.LOGGED).count() == 1
    officer_page = Client()
    officer_page.force_login(officer)
    detail = officer_page.get(case.get_absolute_url()).content.decode()
    assert "Web form" in detail and "By e-mail or in another electronic form" in detail

    page = client.get(sent["Location"])
    text = page.content.decode()
    assert case.reference in text
    assert f"{case.due_on:%A} {case.due_on.day} {case.due_on:%B %Y}" in text
    assert "How this date was worked out" in text
    assert "/make-a-request/status/" in text

    [acknowledgement] = mail.outbox
    assert acknowledgement.to == [address]
    assert case.reference in acknowledgement.subject
    # The link in the acknowledgement opens the requester's status page.
    link = re.search(r"http://testserver(/make-a-request/status/\S+/)", acknowledgement.body)
    assert link and case.reference in Client().get(link[1]).content.decode()
    # Sending again (a double click) logs nothing more: it shows the same confirmation.
    assert client.post(reverse("public_request_check"))["Location"] == sent["Location"]
    assert Case.objects.count() == 1


def test_bad_answers_are_explained_and_keep_what_was_typed(settings):
    client = visitor()
    client.post(section("about-you"), {"name": "Sam", "email": "sam@example.com"})

    too_long = "A" * 20_001
    response = client.post(section("request"), {"request_text": too_long, "website": ""})
    assert response.status_code == 200
    assert "must be 20,000 characters or fewer" in response.content.decode()
    assert too_long in response.content.decode()

    robot = client.post(section("request"), {"request_text": REQUEST_TEXT, "website": "x.com"})
    assert "We could not accept the form as sent" in robot.content.decode()
    assert "The cost of security at constituency offices in 2019." in robot.content.decode()

    nothing = client.post(section("about-you"), {"name": "Sam", "email": "", "postal_address": ""})
    assert "Enter an e-mail address or a postal address" in nothing.content.decode()
    # The check page sends anyone who skipped a step back to it.
    assert client.get(reverse("public_request_check"))["Location"] == section("request")
    assert not Case.objects.exists()


def test_too_many_requests_are_refused_with_a_message_and_the_answers_kept(settings):
    settings.FOI_WEB_FORM_PER_IP_PER_HOUR = 1
    client = visitor()
    answer_everything(client)
    assert client.post(reverse("public_request_check")).status_code == 302
    answer_everything(client)

    refused = client.post(reverse("public_request_check"))

    assert refused.status_code == 429
    assert re.search(r"<title>\s*Error:", refused.content.decode())
    assert "a lot of requests from your internet connection" in refused.content.decode()
    assert "The cost of security at constituency offices" in refused.content.decode()
    assert Case.objects.count() == 1

    settings.FOI_WEB_FORM_PER_IP_PER_HOUR = 100
    settings.FOI_WEB_FORM_PER_EMAIL_PER_DAY = 1
    address = f"busy-{uuid.uuid4().hex[:8]}@example.com"
    for expected in (302, 429):
        other = visitor()
        answer_everything(other, email=address)
        response = other.post(reverse("public_request_check"))
        assert response.status_code == expected
    assert "a lot of requests from this e-mail address" in response.content.decode()
    assert Case.objects.count() == 2


def test_the_form_works_while_redis_is_down(settings, django_capture_on_commit_callbacks):
    settings.FOI_WEB_FORM_PER_IP_PER_HOUR = 0  # nothing can be counted, so nothing is refused
    client = visitor()
    with redis_stopped(settings):
        answer_everything(client)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("public_request_check")).status_code == 302
    assert Case.objects.get().channel == Case.Channel.WEB_FORM


def sent_response(case: Case, officer, reviewer, capture) -> Letter:
    complete_letter_settings()
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)
    with capture(execute=True):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    workflow.record_letter_sent(letter, actor=officer, sent_at=timezone.now(), via="email")
    return letter


def test_the_status_page_shows_progress_and_what_was_sent_but_nothing_internal(
    officer, reviewer, django_capture_on_commit_callbacks
):
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    url = reverse("request_status", kwargs={"token": status_links.make_token(case)})
    client = Client()

    page = client.get(url).content.decode()
    assert case.reference in page
    assert "Not sent yet" in page
    assert f"{case.due_on:%A} {case.due_on.day} {case.due_on:%B %Y}" in page

    letter = sent_response(case, officer, reviewer, django_capture_on_commit_callbacks)
    # A restricted case is still its requester's own request: they see it, and nothing more.
    workflow.set_restricted(case, actor=officer, restricted=True, reason="Security matters")
    page = client.get(url).content.decode()
    for internal in ("Security matters", officer.get_full_name(), officer.username, "estricted"):
        assert internal not in page
    download = reverse(
        "request_status_download",
        kwargs={"token": status_links.make_token(case), "key": f"letter-{letter.pk}"},
    )
    assert download.rsplit("/", 2)[-2] in page
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_expired_and_altered_links_get_a_clear_page_that_reveals_nothing(officer, monkeypatch):
    case = log_case(officer, questions=SEED_001_QUESTIONS)
    token = status_links.make_token(case)
    client = Client()

    altered = client.get(reverse("request_status", kwargs={"token": token[:-2] + "xx"}))
    no_case = client.get(
        reverse("request_status", kwargs={"token": signing.dumps(10**9, salt=status_links.SALT)})
    )
    assert altered.status_code == no_case.status_code == 404
    assert altered.content == no_case.content
    assert b"This link does not work" in altered.content

    long_ago = int(time.time()) - (366 * 24 * 60 * 60)
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(long_ago)
    )
    old_token = status_links.make_token(case)
    monkeypatch.undo()
    expired = client.get(reverse("request_status", kwargs={"token": old_token}))
    assert expired.status_code == 410
    assert b"This link has expired" in expired.content
    assert case.reference.encode() not in expired.content


def test_the_status_page_offers_the_release_bundle_only_once_it_was_e_mailed(officer):
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    bundle = ReleaseBundle(case=case, status=ReleaseBundle.Status.READY, created_by=officer)
    bundle.file.save("bundle.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    bundle.save()
    email = Correspondence.objects.create(
        case=case,
        direction=Correspondence.Direction.OUT,
        kind=Correspondence.Kind.LETTER,
        status=Correspondence.Status.SENDING,
        message_id=f"<{uuid.uuid4()}@foi.example.org>",
        release_bundle=bundle,
    )
    token = status_links.make_token(case)
    download = reverse(
        "request_status_download", kwargs={"token": token, "key": f"bundle-{bundle.pk}"}
    )
    client = Client()

    assert (
        "Released records"
        not in client.get(reverse("request_status", args=[token])).content.decode()
    )
    assert client.get(download).status_code == 404

    Correspondence.objects.filter(pk=email.pk).update(
        status=Correspondence.Status.SENT, sent_at=timezone.now()
    )
    assert (
        "Released records" in client.get(reverse("request_status", args=[token])).content.decode()
    )
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n"
