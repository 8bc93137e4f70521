"""The release bundle: built once the response is approved, from the records marked within
the request and their redactions, checked for leaks, sent with the response and published
with the disclosure log entry."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from foi_cases import workflow
from foi_cases.mail import outbound
from foi_cases.models import CaseEvent, Correspondence, Letter, Record, RecordRedaction
from foi_cases.permissions import CONTRIBUTOR
from foi_cases.release import bundle as release_bundle
from foi_cases.release.leaks import normalise
from foi_cases.tasks import build_release_bundle
from tests import factories
from tests.letter_helpers import complete_letter_settings
from tests.release_documents import PLANTED, pdf_text, typed_pdf, word_boxes

pytestmark = pytest.mark.converters
S40_REASONS = "The names and numbers of staff are their personal data; disclosure would be unfair."
Verb = CaseEvent.Verb


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cite_s40(question, officer, *, omit_reasons=False):
    workflow.record_answer(
        question,
        actor=officer,
        held_status="held",
        outcome="withheld_in_part",
        answer_text="The records are attached, with personal data withheld.",
    )
    return workflow.apply_exemption(
        question,
        actor=officer,
        exemption=factories.catalogue_exemption("FOIA-s40"),
        data=workflow_citation(omit_reasons),
    )


def workflow_citation(omit_reasons):
    from exemptions.validation import CitationData

    return CitationData(
        limbs=("s40(2)/s40(3A)(a)",),
        reasoning=S40_REASONS,
        omit_reasons=omit_reasons,
        omit_reasons_justification="Naming the ground would confirm who is protected."
        if omit_reasons
        else "",
    )


def add_record(case, officer, content, *, responsive=Record.Responsiveness.RESPONSIVE):
    record = Record(
        case=case,
        original_name=f"record-{case.records.count() + 1}.pdf",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content_type="application/pdf",
        uploaded_by=officer,
        conversion=Record.Conversion.READY,
        review_pages=1,
        responsive=responsive,
    )
    record.file.save("original.pdf", ContentFile(content), save=False)
    record.review_pdf.save("review.pdf", ContentFile(content), save=False)
    record.save()
    return record


def redact(record, citation, officer, phrases):
    with record.review_pdf.open("rb") as stored:
        boxes = word_boxes(stored.read(), phrases, label="")
    for box in boxes:
        RecordRedaction.objects.create(
            record=record,
            page=box.page,
            x0=box.x0,
            y0=box.y0,
            x1=box.x1,
            y1=box.y1,
            citation=citation,
            method=RecordRedaction.Method.SEARCH,
            created_by=officer,
        )
    return boxes


@pytest.fixture
def approved(officer, reviewer):
    """An approved case with a memo redacted under s40(2) and, where naming the ground would
    disclose exempt information, under s17(4); and a record outside the request."""
    case = factories.case_in_progress(
        officer, questions=("Who staffs the office?", "Who protects the Member?")
    )
    case.requester.name, case.requester.email = "Sam Jones", "sam.jones@example.com"
    case.requester.save()
    q1, q2 = case.questions.order_by("number")
    named = cite_s40(q1, officer)
    hidden = cite_s40(q2, officer, omit_reasons=True)
    memo = add_record(
        case,
        officer,
        typed_pdf(
            (
                "Staffing memo for the constituency office",
                "Caseworker John Smith, mobile 07700 900123.",
                "Protection at SW1A 2AA on weekdays.",
            )
        ),
    )
    redact(memo, named, officer, ("John Smith", "07700 900123"))
    redact(memo, hidden, officer, ("SW1A 2AA",))
    add_record(
        case,
        officer,
        typed_pdf(("Unrelated canteen menu",)),
        responsive=Record.Responsiveness.NOT_RESPONSIVE,
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()
    return case


def build(case, officer, capture):
    with capture(execute=True):
        row = workflow.request_release_bundle(case, actor=officer)
    row.refresh_from_db()
    return row


def test_the_bundle_holds_the_schedule_and_the_redacted_records_only(
    approved, officer, django_capture_on_commit_callbacks
):
    row = build(approved, officer, django_capture_on_commit_callbacks)

    assert row.status == row.Status.READY, row.failure_reason
    assert row.documents == 1 and row.pages == 3  # schedule, cover, the memo's page
    text = pdf_text(row.file.read())
    flat = normalise(text)
    assert "schedule of documents released" in flat
    assert "s40(2)/s40(3A)(a)" in text and "exempt information withheld" in text
    assert "staffing memo" in flat
    for planted in PLANTED:
        assert normalise(planted) not in flat
    assert "canteen" not in flat  # outside the request: listed nowhere
    assert "sam jones" not in flat
    assert release_bundle.current_bundle(approved) == row
    event = CaseEvent.objects.get(case=approved, verb=Verb.RELEASE_BUNDLE_BUILT)
    assert event.data["sha256"] == row.sha256 and event.actor == officer
    # Run again, the task builds nothing more.
    assert build_release_bundle(row.pk) == "nothing to do"
    assert workflow.request_release_bundle(approved, actor=officer) == row
    assert CaseEvent.objects.filter(case=approved, verb=Verb.RELEASE_BUNDLE_BUILT).count() == 1


def test_a_name_redacted_in_one_record_but_left_in_another_fails_the_leak_check(
    approved, officer, reviewer, django_capture_on_commit_callbacks
):
    add_record(approved, officer, typed_pdf(("Rota signed off by John Smith.",)))
    # A record within the request is part of what the reviewer approves: a new one needs a
    # fresh approval before any bundle is built.
    with pytest.raises(ValidationError, match="must be approved"):
        workflow.request_release_bundle(approved, actor=officer)
    workflow.withdraw_approval(approved, actor=officer, reason="A rota was found.")
    workflow.submit_for_review(approved, actor=officer)
    workflow.approve_decisions(approved, actor=reviewer)

    row = build(approved, officer, django_capture_on_commit_callbacks)

    assert row.status == row.Status.FAILED and not row.file
    assert "Document 2, page 1: redacted text is still readable." in row.failure_reason
    assert "Smith" not in row.failure_reason
    event = CaseEvent.objects.get(case=approved, verb=Verb.RELEASE_BUNDLE_FAILED)
    assert event.data["reason"] == row.failure_reason
    assert release_bundle.current_bundle(approved) is None


def test_the_schedule_lists_each_page_withheld_and_its_grounds(approved):
    memo = approved.records.get(responsive=Record.Responsiveness.RESPONSIVE)
    redactions = list(memo.redactions.select_related("citation"))

    entry = release_bundle.schedule_rows(1, 1, redactions)

    assert entry.withheld == [
        {
            "page": 1,
            "count": 3,
            "grounds": ["exempt information withheld", "s40(2)/s40(3A)(a)"],
        }
    ]


def test_the_bundle_waits_for_approval_and_for_every_record_to_be_converted(approved, officer):
    workflow.withdraw_approval(approved, actor=officer, reason="Redactions to check again.")
    with pytest.raises(ValidationError, match="must be approved"):
        workflow.request_release_bundle(approved, actor=officer)


def test_a_record_in_quarantine_stops_the_bundle(approved, officer):
    memo = approved.records.get(responsive=Record.Responsiveness.RESPONSIVE)
    Record.objects.filter(pk=memo.pk).update(conversion=Record.Conversion.QUARANTINED)

    with pytest.raises(ValidationError, match="is in quarantine"):
        workflow.request_release_bundle(approved, actor=officer)
    assert not approved.release_bundles.exists()


def test_the_bundle_downloads_for_the_case_team_but_never_a_contributor(
    client, approved, officer, roles, django_capture_on_commit_callbacks
):
    row = build(approved, officer, django_capture_on_commit_callbacks)
    url = reverse("release_bundle_download", args=[approved.reference, row.pk])
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        "Download the release bundle"
        in client.get(reverse("case_records", args=[approved.reference])).content.decode()
    )
    contributor = factories.UserFactory(username="carl", roles=[CONTRIBUTOR])
    client.force_login(contributor)
    assert client.get(url).status_code == 404


def test_the_response_goes_only_with_the_bundle_which_is_published_with_the_log_entry(
    client, approved, officer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    complete_letter_settings()
    letter = workflow.compose_letter(approved, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_letter(
            letter, actor=reviewer, seen_hash=letter.content_hash, override_reason="As drafted."
        )
    letter.refresh_from_db()

    with pytest.raises(ValidationError, match="no up-to-date release bundle"):
        outbound.send_letter(letter, actor=officer)

    row = build(approved, officer, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        sent = outbound.send_letter(letter, actor=officer)
    sent.refresh_from_db()
    assert sent.status == Correspondence.Status.SENT and sent.release_bundle == row
    (message,) = mailoutbox
    names = [name for name, _content, _kind in message.attachments]
    assert names[1] == f"{approved.reference}-release.pdf" and len(names) == 2
    client.force_login(officer)
    page = client.get(reverse("case_correspondence", args=[approved.reference])).content.decode()
    assert reverse("release_bundle_download", args=[approved.reference, row.pk]) in page
    # Published with the disclosure log entry, as the requester received it.
    approved.refresh_from_db()
    manager, second = (
        factories.UserFactory(username=name, roles=["Manager"]) for name in ("mia", "max")
    )
    entry = workflow.prepare_disclosure_entry(approved, actor=manager)
    workflow.submit_disclosure_entry(entry, actor=manager)
    workflow.publish_disclosure_entry(entry, actor=second, warnings_checked=True)
    entry.refresh_from_db()
    assert entry.release_bundle == row
    client.logout()
    page = client.get(reverse("disclosure_log_entry", args=[entry.pk])).content.decode()
    records_url = reverse("disclosure_log_entry_records", args=[entry.pk])
    assert records_url in page
    published = b"".join(client.get(records_url).streaming_content)
    assert published == row.file.open("rb").read()
