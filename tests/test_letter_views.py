"""Letter pages: who may compose, edit, approve, download and record sending."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from foi_cases import workflow
from foi_cases.models import Case, CaseAccessLog, CaseEvent, Letter
from tests import factories
from tests.letter_helpers import (
    SEED_001_QUESTIONS,
    complete_letter_settings,
    log_case,
    record_seed_001_decisions,
)

Verb = CaseEvent.Verb
Kind = Letter.Kind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(officer, db):
    complete_letter_settings()
    return log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)


@pytest.fixture
def second_reviewer(roles):
    return factories.UserFactory(username="ravi", roles=["Reviewer"])


def url(name: str, letter: Letter) -> str:
    return reverse(name, args=[letter.case.reference, letter.pk])


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def compose(client, case, kind=Kind.ACKNOWLEDGEMENT):
    return client.post(reverse("letter_compose", args=[case.reference, kind]))


def test_officer_composes_a_letter_and_lands_on_its_page(client, officer, case):
    client.force_login(officer)

    response = compose(client, case)

    letter = case.letters.get()
    assert response.status_code == 302 and response["Location"] == letter.get_absolute_url()
    assert letter.composed_by == officer and letter.status == Letter.Status.DRAFT
    assert case.events.filter(verb=Verb.LETTER_COMPOSED).count() == 1
    page = client.get(reverse("letter_list", args=[case.reference]))
    assert page.status_code == 200 and "Acknowledgement, version 1" in page.content.decode()


def test_outsider_gets_404_and_reviewer_cannot_compose(client, outsider, reviewer, case):
    client.force_login(outsider)
    assert client.get(reverse("letter_list", args=[case.reference])).status_code == 404
    client.force_login(reviewer)
    assert compose(client, case).status_code == 403
    assert not case.letters.exists()


def test_typed_html_is_shown_as_text_in_the_preview(client, officer, case):
    client.force_login(officer)
    compose(client, case)
    letter = case.letters.get()

    response = client.post(
        letter.get_absolute_url(),
        {
            **date_fields("dated", letter.dated),
            "body": '<script>alert(1)</script>\n\n<img src="file:///etc/passwd">',
            "seen_hash": letter.content_hash,
        },
    )

    assert response.status_code == 302
    preview = client.get(url("letter_preview", letter)).content.decode()
    assert "<script>alert" not in preview and "<img src" not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in preview


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, officer, case):
    client.force_login(officer)
    compose(client, case)
    letter = case.letters.get()

    response = client.post(
        letter.get_absolute_url(),
        {**date_fields("dated", letter.dated), "body": "My new text", "seen_hash": "0" * 64},
    )

    assert response.status_code == 400
    assert "Someone changed this letter" in response.content.decode()
    assert "My new text" in response.content.decode()
    letter.refresh_from_db()
    assert "My new text" not in letter.body


def test_author_cannot_approve_their_own_letter(client, officer, case, roles):
    officer.groups.add(roles["Reviewer"])
    client.force_login(officer)
    compose(client, case)
    letter = case.letters.get()

    response = client.post(url("letter_approve", letter), {"seen_hash": letter.content_hash})

    assert response.status_code == 400
    assert "another reviewer must approve it" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT
    assert not case.events.filter(verb=Verb.LETTER_APPROVED).exists()


def test_reviewer_approves_the_exact_version_and_the_pdf_is_made(
    client, officer, reviewer, case, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    compose(client, case)
    letter = case.letters.get()
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("letter_approve", letter), {"seen_hash": letter.content_hash})

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.approved_by == reviewer and letter.approved_hash == letter.content_hash
    assert letter.status == Letter.Status.READY
    event = case.events.get(verb=Verb.LETTER_APPROVED)
    assert event.data["hash"] == letter.approved_hash and event.actor == reviewer
    download = client.get(url("letter_download", letter))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert f"{case.reference}-acknowledgement-v1.pdf" in download["Content-Disposition"]


def test_approving_a_version_the_reviewer_did_not_see_is_refused(client, officer, reviewer, case):
    client.force_login(officer)
    compose(client, case)
    letter = case.letters.get()
    seen = letter.content_hash
    workflow.edit_letter(
        letter, actor=officer, body=letter.body + "\n\nChanged.", dated=letter.dated, seen_hash=seen
    )
    client.force_login(reviewer)

    response = client.post(url("letter_approve", letter), {"seen_hash": seen})

    assert response.status_code == 400
    assert "The letter changed after you opened it" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


def test_incomplete_letter_is_blocked_until_overridden_with_a_reason(
    client, officer, reviewer, case, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    compose(client, case, Kind.CLARIFICATION)
    letter = case.letters.get()
    client.force_login(reviewer)

    blocked = client.post(url("letter_approve", letter), {"seen_hash": letter.content_hash})

    assert blocked.status_code == 400
    assert "double brackets" in blocked.content.decode()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("letter_approve", letter),
            {"seen_hash": letter.content_hash, "override_reason": "Agreed wording by phone."},
        )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY
    assert letter.override_reason == "Agreed wording by phone."
    assert any("double brackets" in p for p in letter.overridden_problems)
    event = case.events.get(verb=Verb.LETTER_APPROVED)
    assert event.data["override_reason"] == "Agreed wording by phone."


def test_restricted_case_pdf_download_is_logged(
    client, officer, reviewer, manager, case, django_capture_on_commit_callbacks
):
    workflow.set_restricted(case, actor=manager, restricted=True, reason="MP security")
    case.team.add(reviewer)
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
        # A restricted case's letter needs a manager's second approval too.
        workflow.approve_letter(letter, actor=manager, seen_hash=letter.content_hash)
    client.force_login(reviewer)

    response = client.get(url("letter_download", letter))

    assert response.status_code == 200
    log = CaseAccessLog.objects.filter(case=case, user=reviewer).get()
    assert log.what == url("letter_download", letter)


def test_failed_letter_shows_the_reason_and_a_retry_button(
    client, officer, reviewer, case, django_capture_on_commit_callbacks
):
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    Letter.objects.filter(pk=letter.pk).update(
        status=Letter.Status.FAILED,
        approved_hash=letter.content_hash,
        approved_by=reviewer,
        failure_reason="ValueError: boom",
    )
    client.force_login(officer)

    page = client.get(letter.get_absolute_url()).content.decode()

    assert "ValueError: boom" in page and "Try making the PDF again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("letter_retry", letter))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY


def test_sending_the_final_response_stops_the_clock(
    client, officer, reviewer, second_reviewer, case, django_capture_on_commit_callbacks
):
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED and workflow.is_approved(case)
    client.force_login(officer)
    compose(client, case, Kind.FINAL_RESPONSE)
    letter = case.letters.get()
    client.force_login(second_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("letter_approve", letter), {"seen_hash": letter.content_hash})
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY
    client.force_login(officer)
    today = timezone.localdate()

    response = client.post(
        url("letter_sent", letter),
        {**date_fields("sent_on", today), "sent_time": "", "via": "whatdotheyknow"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    letter.refresh_from_db()
    assert case.status == Case.Status.RESPONDED and case.responded_at == letter.sent_at
    assert case.outcome == Case.Outcome.PARTIALLY_WITHHELD
    assert letter.sent_via == "whatdotheyknow" and letter.sent_by == officer
    event = case.events.get(verb=Verb.RESPONSE_SENT)
    assert event.data["via"] == "whatdotheyknow" and event.actor == officer
    again = client.post(
        url("letter_sent", letter), {**date_fields("sent_on", today), "via": "post"}
    )
    assert again.status_code == 400 and "already recorded as sent" in again.content.decode()


def test_sending_before_the_pdf_is_ready_or_in_the_future_is_refused(client, officer, case):
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    client.force_login(officer)
    future = timezone.localdate() + dt.timedelta(days=2)

    draft = client.post(
        url("letter_sent", letter), {**date_fields("sent_on", future), "via": "post"}
    )

    assert draft.status_code == 400
    assert "Only an approved letter with its PDF ready can be sent." in draft.content.decode()
    letter.refresh_from_db()
    assert letter.sent_at is None


def test_letter_settings_are_one_row_edited_in_the_admin(client, officer, case):
    admin_user = factories.UserFactory(username="root", roles=[])
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    client.force_login(admin_user)

    listing = client.get(reverse("admin:foi_cases_lettersettings_changelist"))
    assert listing.status_code == 302
    assert listing["Location"] == reverse("admin:foi_cases_lettersettings_change", args=[1])
    page = client.get(listing["Location"]).content.decode()
    assert "Wycliffe House" in page and "Internal review procedure (s17(7)(a))" in page
    assert client.get(reverse("admin:foi_cases_letter_changelist")).status_code == 200


def test_a_final_response_out_of_date_with_the_approved_decisions_cannot_be_sent(
    client, officer, reviewer, second_reviewer, case, django_capture_on_commit_callbacks
):
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.FINAL_RESPONSE)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_letter(letter, actor=second_reviewer, seen_hash=letter.content_hash)
    workflow.record_answer(
        case.questions.get(number=2),
        actor=officer,
        held_status="held",
        outcome="disclosed",
        answer_text="Eleven people work in the unit.",
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()
    letter.refresh_from_db()
    assert case.status == Case.Status.APPROVED and letter.status == Letter.Status.READY
    client.force_login(officer)

    sent = client.post(
        url("letter_sent", letter),
        {**date_fields("sent_on", timezone.localdate()), "sent_time": "", "via": "email"},
    )
    download = client.get(url("letter_download", letter), follow=True)

    assert sent.status_code == 400
    assert "question 2: the answer changed" in sent.content.decode()
    case.refresh_from_db()
    letter.refresh_from_db()
    assert case.status == Case.Status.APPROVED and case.responded_at is None
    assert letter.sent_at is None and not case.events.filter(verb=Verb.RESPONSE_SENT).exists()
    assert download.redirect_chain == [(letter.get_absolute_url(), 302)]
    assert download["Content-Type"].startswith("text/html")
    page = download.content.decode()
    assert "cannot be downloaded to send" in page and "question 2: the answer changed" in page
    assert "Record that it was sent" not in page


def test_an_acknowledgement_quoting_questions_since_edited_cannot_be_sent(
    client, officer, reviewer, case, django_capture_on_commit_callbacks
):
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    workflow.replace_questions(case, actor=officer, texts=["What is the budget?"])
    client.force_login(officer)

    sent = client.post(
        url("letter_sent", letter),
        {**date_fields("sent_on", timezone.localdate()), "sent_time": "", "via": "email"},
    )

    assert sent.status_code == 400
    html = sent.content.decode()
    assert "question 1: the wording changed" in html and "question 5 was removed" in html
    letter.refresh_from_db()
    assert letter.sent_at is None
    assert client.get(url("letter_download", letter)).status_code == 302


def test_a_compose_button_pressed_twice_composes_one_letter(client, officer, case):
    client.force_login(officer)
    page = client.get(reverse("letter_list", args=[case.reference]))
    token = page.context["form_token"]
    assert f'name="form_token" value="{token}"' in page.content.decode()
    compose_url = reverse("letter_compose", args=[case.reference, Kind.ACKNOWLEDGEMENT])

    first = client.post(compose_url, {"form_token": token})
    second = client.post(compose_url, {"form_token": token}, follow=True)

    letter = case.letters.get()
    assert first["Location"] == letter.get_absolute_url()
    assert second.redirect_chain == [(letter.get_absolute_url(), 302)]
    assert "already sent, so nothing was done twice" in second.content.decode()
    assert case.events.filter(verb=Verb.LETTER_COMPOSED).count() == 1


def test_the_letter_list_offers_what_the_workflow_says_can_be_composed(
    client, officer, reviewer, case
):
    client.force_login(officer)
    offered = [
        kind
        for kind, _ in client.get(reverse("letter_list", args=[case.reference])).context[
            "composable"
        ]
    ]
    assert Kind.ACKNOWLEDGEMENT in offered and Kind.FINAL_RESPONSE not in offered
    assert workflow.composable_kinds(case, reviewer) == []

    workflow.close_case(case, actor=officer, outcome=Case.Outcome.WITHDRAWN)

    assert [kind for kind, _ in workflow.composable_kinds(case, officer)] == [Kind.INTERNAL_REVIEW]


def test_a_letter_whose_latest_email_bounced_or_failed_says_not_delivered(client, officer, case):
    from foi_cases.models import Correspondence

    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    client.force_login(officer)
    correspondence = reverse("case_correspondence", args=[case.reference])

    def email(n: int, status: str, reason: str = "") -> Correspondence:
        return Correspondence.objects.create(
            case=case,
            letter=letter,
            direction=Correspondence.Direction.OUT,
            kind=Correspondence.Kind.LETTER,
            status=status,
            reason=reason,
            message_id=f"<m{n}@authority.test>",
            to_addresses="sam@example.com",
        )

    email(1, Correspondence.Status.NOT_DELIVERED)
    for page in (url("letter_detail", letter), reverse("letter_list", args=[case.reference])):
        text = client.get(page).content.decode()
        assert "Not delivered to sam@example.com: a delivery failure report came back" in text
        assert f'href="{correspondence}"' in text

    # A later attempt that is sending clears it; one that failed every retry shows its reason.
    email(2, Correspondence.Status.SENDING)
    assert "Not delivered" not in client.get(url("letter_detail", letter)).content.decode()
    email(3, Correspondence.Status.FAILED, "Not sent: the mail server could not be reached")
    text = client.get(url("letter_sent", letter)).content.decode()
    assert (
        "Not delivered to sam@example.com: Not sent: the mail server could not be reached" in text
    )
