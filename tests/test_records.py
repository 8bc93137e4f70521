"""Records on a case: uploading several files, duplicates, limits, and the list on the case."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from foi_cases import workflow
from foi_cases.models import CaseEvent, Record
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FOI_RECORD_MAX_MB = 1
    settings.FOI_RECORD_EXTENSIONS = ["pdf", "docx", "txt"]


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def case(officer):
    return factories.case_in_progress(officer)


def test_officer_uploads_several_files_at_once(client, officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("records_upload", args=[case.reference]),
        {"files": [upload("budget.pdf", PDF), upload("minutes.docx", DOCX)]},
    )
    assert response.status_code == 302
    records = list(case.records.order_by("original_name"))
    assert [r.original_name for r in records] == ["budget.pdf", "minutes.docx"]
    budget = records[0]
    assert budget.sha256 == hashlib.sha256(PDF).hexdigest()
    assert budget.size == len(PDF)
    assert budget.content_type == "application/pdf"
    assert budget.uploaded_by == officer
    assert budget.source == Record.Source.UPLOAD
    # Kept through the storage API under its hash, never under the sender's name.
    assert budget.sha256[:32] in budget.file.name
    assert budget.file.read() == PDF
    event = CaseEvent.objects.get(case=case, verb=CaseEvent.Verb.RECORDS_ADDED)
    assert event.actor == officer
    assert event.data["names"] == ["budget.pdf", "minutes.docx"]
    page = client.get(reverse("case_records", args=[case.reference]))
    assert b"budget.pdf" in page.content and b"minutes.docx" in page.content


def test_identical_file_is_recognised_as_a_duplicate_and_stored_once(officer, case):
    (first,) = workflow.add_records(case, actor=officer, files=[upload("a.pdf", PDF)])
    second, third = workflow.add_records(
        case, actor=officer, files=[upload("copy of a.pdf", PDF), upload("again.pdf", PDF)]
    )
    assert first.duplicate_of is None
    assert second.duplicate_of == first and third.duplicate_of == first
    assert second.file.name == first.file.name == third.file.name
    events = CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.RECORDS_ADDED)
    assert [e.data["duplicates"] for e in events] == [0, 2]


def test_duplicate_is_shown_on_the_case(client, officer, case):
    workflow.add_records(case, actor=officer, files=[upload("a.pdf", PDF)])
    client.force_login(officer)
    response = client.post(
        reverse("records_upload", args=[case.reference]),
        {"files": [upload("b.pdf", PDF)]},
        follow=True,
    )
    assert "Already on the case" in response.content.decode()
    assert "Duplicate of a.pdf" in response.content.decode()


def test_oversized_and_unaccepted_files_are_refused_with_their_names(client, officer, case):
    client.force_login(officer)
    big = b"%PDF-" + b"x" * (1024 * 1024 + 1)
    response = client.post(
        reverse("records_upload", args=[case.reference]),
        {"files": [upload("big.pdf", big), upload("tool.exe", b"MZ"), upload("ok.pdf", PDF)]},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "big.pdf is 1.0 MB; the largest file accepted is 1.0 MB" in text
    assert "tool.exe: files of this kind cannot be added" in text
    assert "There is a problem" in text
    # All or nothing: the acceptable file is not kept on its own.
    assert not Record.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.RECORDS_ADDED).exists()


def test_file_whose_content_does_not_match_its_name_is_refused(client, officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("records_upload", args=[case.reference]),
        {"files": [upload("report.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert response.status_code == 200
    assert "report.pdf is named as a PDF but its content is not" in response.content.decode()
    assert not Record.objects.exists()


def test_empty_file_and_no_file_are_refused(client, officer, case):
    client.force_login(officer)
    url = reverse("records_upload", args=[case.reference])
    assert "Choose at least one file" in client.post(url, {}).content.decode()
    empty = client.post(url, {"files": [upload("blank.txt", b"")]})
    assert "One of the files is empty" in empty.content.decode()
    assert not Record.objects.exists()


def test_file_name_with_a_path_keeps_only_its_base_name(officer, case):
    (record,) = workflow.add_records(
        case, actor=officer, files=[upload("../../etc/secret.txt", b"hello")]
    )
    assert record.original_name == "secret.txt"
    assert ".." not in record.file.name


def test_download_returns_the_file_under_its_original_name(client, officer, case):
    (record,) = workflow.add_records(case, actor=officer, files=[upload("budget.pdf", PDF)])
    client.force_login(officer)
    response = client.get(reverse("record_download", args=[record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="budget.pdf"' in response["Content-Disposition"]


def test_records_cannot_be_added_to_a_closed_case(officer):
    case = factories.case_in_progress(officer, status="closed")
    with pytest.raises(workflow.InvalidTransition):
        workflow.add_records(case, actor=officer, files=[upload("a.pdf", PDF)])
    assert not Record.objects.exists()


def test_case_page_links_to_the_records(client, officer, case):
    client.force_login(officer)
    response = client.get(case.get_absolute_url())
    assert reverse("case_records", args=[case.reference]).encode() in response.content


def test_email_attachments_are_kept_as_records_from_email(officer, case):
    attachments = [upload("letter.pdf", PDF), upload("reply.txt", b"Thanks")]
    records = workflow.add_records(case, actor=officer, files=attachments, source="email")
    assert {r.source for r in records} == {Record.Source.EMAIL}
    event = CaseEvent.objects.get(case=case, verb=CaseEvent.Verb.RECORDS_ADDED)
    assert event.data["source"] == "email"


def test_upload_form_carries_its_csrf_token(officer, case):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    page = client.get(reverse("case_records", args=[case.reference])).content.decode()
    upload_form = page[page.index('enctype="multipart/form-data"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', upload_form).group(1)
    response = client.post(
        reverse("records_upload", args=[case.reference]),
        {"files": [upload("a.pdf", PDF)], "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert case.records.count() == 1


def test_restricted_case_records_are_hidden_from_officers_off_its_team(
    client, officer, other_officer, case
):
    from foi_cases.models import CaseAccessLog

    workflow.set_restricted(case, actor=officer, restricted=True, reason="Need to know")
    (record,) = workflow.add_records(case, actor=officer, files=[upload("a.pdf", PDF)])
    client.force_login(other_officer)
    assert client.get(reverse("case_records", args=[case.reference])).status_code == 404
    assert client.get(reverse("record_download", args=[record.pk])).status_code == 404
    refused = client.post(
        reverse("records_upload", args=[case.reference]), {"files": [upload("b.pdf", PDF)]}
    )
    assert refused.status_code == 404
    assert case.records.count() == 1
    client.force_login(officer)
    assert client.get(reverse("record_download", args=[record.pk])).status_code == 200
    assert CaseAccessLog.objects.filter(
        case=case, user=officer, what=reverse("record_download", args=[record.pk])
    ).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, officer, case):
    (record,) = workflow.add_records(case, actor=officer, files=[upload("a.pdf", PDF)])
    for url in (
        reverse("case_records", args=[case.reference]),
        reverse("record_download", args=[record.pk]),
        reverse("my_tasks"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
