"""The seed-001 final response rendered by a real Celery worker through Redis and PostgreSQL."""

from __future__ import annotations

import time

import pytest
from django.core.files.storage import default_storage

from exemptions.seed import load_all
from foi_cases import workflow
from foi_cases.models import CaseEvent, Letter
from foi_cases.tasks import generate_letter_pdf
from tests import factories
from tests.letter_helpers import (
    SEED_001_QUESTIONS,
    complete_letter_settings,
    log_case,
    pdf_text,
    record_seed_001_decisions,
)


def wait_for(predicate, worker, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish in {seconds} s:\n{worker.log()}")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_seed_001_final_response_is_rendered_once_by_a_real_worker(live_celery, roles):
    load_all()  # an earlier transactional test may have flushed the migrated catalogue
    officer = factories.UserFactory(username="olivia", roles=["FOI officer"])
    reviewer = factories.UserFactory(username="rita", roles=["Reviewer"])
    letter_reviewer = factories.UserFactory(username="ravi", roles=["Reviewer"])
    complete_letter_settings()
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)

    # Autocommit: the approval commits and its on_commit hook sends the task to Redis.
    workflow.approve_letter(letter, actor=letter_reviewer, seen_hash=letter.content_hash)

    ready = wait_for(
        lambda: Letter.objects.filter(pk=letter.pk, status=Letter.Status.READY).first(),
        live_celery,
    )
    try:
        assert "foi_cases.tasks.generate_letter_pdf" in live_celery.log()
        data = default_storage.open(ready.pdf.name).read()
        assert len(data) == ready.pdf_size and data.startswith(b"%PDF")
        text = pdf_text(data)
        for expected in (
            case.reference,
            "sections 31(1)(a) and (b) and 38(1)(a) and (b)",
            "The public interest test",
            "section 50 of the Freedom of Information Act 2000",
            "icocasework@ico.org.uk",
            f"Page {ready.pdf_pages} of {ready.pdf_pages}",
        ):
            assert expected in text

        # A redelivered message finds the work done: still one file and one event.
        generate_letter_pdf.delay(letter.pk)
        wait_for(lambda: "'nothing to do'" in live_celery.log(), live_celery)
        assert case.events.filter(verb=CaseEvent.Verb.LETTER_RENDERED).count() == 1
        ready.refresh_from_db()
        assert ready.status == Letter.Status.READY
    finally:
        default_storage.delete(ready.pdf.name)
