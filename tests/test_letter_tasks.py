"""The PDF render task: dispatched after commit, idempotent, retried, failing visibly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from foi_cases import letters, tasks, workflow
from foi_cases.models import CaseEvent, Letter
from foi_cases.tasks import generate_letter_pdf
from tests.letter_helpers import SEED_001_QUESTIONS, complete_letter_settings, log_case

Verb = CaseEvent.Verb
Status = Letter.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letter(officer, db):
    complete_letter_settings()
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    return workflow.compose_letter(case, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)


def approve(letter: Letter, reviewer, capture) -> Letter:
    with capture(execute=True) as callbacks:
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    assert len(callbacks) == 1
    letter.refresh_from_db()
    return letter


def stored_pdfs(settings) -> list[Path]:
    return sorted(Path(settings.MEDIA_ROOT).rglob("*.pdf"))


def test_approval_queues_the_render_after_commit(
    letter, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    assert letter.status == Status.PENDING and len(callbacks) == 1
    assert not letter.pdf


def test_render_stores_the_pdf_with_its_facts(
    letter, reviewer, settings, django_capture_on_commit_callbacks
):
    letter = approve(letter, reviewer, django_capture_on_commit_callbacks)

    assert letter.status == Status.READY
    assert letter.pdf.name.startswith(f"letters/{letter.case.reference}/")
    data = default_storage.open(letter.pdf.name).read()
    assert data.startswith(b"%PDF")
    assert letter.pdf_size == len(data) and len(letter.pdf_sha256) == 64
    assert letter.pdf_pages >= 1 and letter.rendered_at is not None
    event = letter.case.events.get(verb=Verb.LETTER_RENDERED)
    assert event.actor is None and event.data["sha256"] == letter.pdf_sha256


def test_running_the_task_twice_gives_one_file_and_one_event(
    letter, reviewer, settings, django_capture_on_commit_callbacks
):
    letter = approve(letter, reviewer, django_capture_on_commit_callbacks)

    assert generate_letter_pdf.apply(args=[letter.pk]).get() == "nothing to do"
    assert generate_letter_pdf.apply(args=[letter.pk]).get() == "nothing to do"

    assert len(stored_pdfs(settings)) == 1
    assert letter.case.events.filter(verb=Verb.LETTER_RENDERED).count() == 1


def test_a_redelivered_render_of_the_same_letter_stores_nothing_twice(
    letter, reviewer, settings, django_capture_on_commit_callbacks
):
    """Two workers that both rendered before either stored: the row lock lets one store."""
    with django_capture_on_commit_callbacks(execute=False):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    pdf = letters.render_letter_document(Letter.objects.get(pk=letter.pk))

    assert workflow.record_letter_rendered(letter.pk, pdf=pdf) is True
    assert workflow.record_letter_rendered(letter.pk, pdf=pdf) is False

    assert len(stored_pdfs(settings)) == 1
    assert letter.case.events.filter(verb=Verb.LETTER_RENDERED).count() == 1


def test_task_for_a_deleted_or_draft_letter_does_nothing(letter):
    assert generate_letter_pdf.apply(args=[letter.pk]).get() == "nothing to do"
    assert generate_letter_pdf.apply(args=[999_999]).get() == "nothing to do"
    letter.refresh_from_db()
    assert letter.status == Status.DRAFT


def test_a_rendering_error_marks_the_letter_failed_with_the_reason_and_retry_works(
    letter, reviewer, officer, monkeypatch, django_capture_on_commit_callbacks
):
    real = letters.render_letter_document

    def broken(letter, **kwargs):
        raise ValueError("the layout engine choked")

    monkeypatch.setattr(letters, "render_letter_document", broken)
    letter = approve(letter, reviewer, django_capture_on_commit_callbacks)

    assert letter.status == Status.FAILED
    assert letter.failure_reason == "ValueError: the layout engine choked"
    event = letter.case.events.get(verb=Verb.LETTER_FAILED)
    assert event.data["reason"] == "ValueError: the layout engine choked"

    monkeypatch.setattr(letters, "render_letter_document", real)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.retry_letter_render(letter, actor=officer)
    letter.refresh_from_db()
    assert letter.status == Status.READY and letter.failure_reason == ""


def test_transient_errors_propagate_for_retry_then_the_last_failure_marks_the_letter(
    letter, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    """OSError escapes the body (so autoretry applies); after the last retry, on_failure runs."""

    def unavailable(letter, **kwargs):
        raise OSError("storage unavailable")

    with django_capture_on_commit_callbacks(execute=False):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    monkeypatch.setattr(letters, "render_letter_document", unavailable)

    with pytest.raises(OSError):
        generate_letter_pdf._orig_run(letter.pk)  # the body, without the autoretry wrapper
    letter.refresh_from_db()
    assert letter.status == Status.PENDING

    generate_letter_pdf.on_failure(
        OSError("storage unavailable"), "task-id", (letter.pk,), {}, None
    )

    letter.refresh_from_db()
    assert letter.status == Status.FAILED
    assert letter.failure_reason == "Gave up after retrying: OSError: storage unavailable"
    assert letter.case.events.filter(verb=Verb.LETTER_FAILED).count() == 1


def test_task_options_suit_a_redeliverable_idempotent_job():
    task = generate_letter_pdf
    assert task.acks_late is True and task.reject_on_worker_lost is True
    assert task.max_retries == 3 and task.retry_backoff
    assert OSError in task.autoretry_for
    assert "record_worker_heartbeat" in dir(tasks)


def test_retry_is_only_for_failed_letters(letter, officer):
    with pytest.raises(workflow.InvalidTransition):
        workflow.retry_letter_render(letter, actor=officer)


def test_an_edit_after_approval_withdraws_it_and_removes_the_pdf(
    letter, reviewer, officer, settings, django_capture_on_commit_callbacks
):
    letter = approve(letter, reviewer, django_capture_on_commit_callbacks)
    assert len(stored_pdfs(settings)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        workflow.edit_letter(
            letter,
            actor=officer,
            body=letter.body + "\n\nA late addition.",
            dated=letter.dated,
            seen_hash=letter.content_hash,
        )

    letter.refresh_from_db()
    assert letter.status == Status.DRAFT and not letter.is_approved
    assert letter.approved_by is None and not letter.pdf and letter.pdf_sha256 == ""
    assert stored_pdfs(settings) == []
    event = letter.case.events.filter(verb=Verb.APPROVAL_WITHDRAWN).get()
    assert event.actor == officer and event.data["letter"] == letter.pk
    assert generate_letter_pdf.apply(args=[letter.pk]).get() == "nothing to do"
