"""Records converted to PDF for review, with real documents made here: scans get a text layer,
unsafe files go to quarantine with a reason, never a crash."""

from __future__ import annotations

import io
import subprocess
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfWriter

from foi_cases import record_conversion, workflow
from foi_cases.models import CaseEvent, Record
from tests import factories

pytestmark = pytest.mark.converters
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
Conversion = Record.Conversion


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(officer):
    return factories.case_in_progress(officer)


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def scanned_pdf() -> bytes:
    """A page that is only an image of text, as a scanner makes it."""
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 56)
    for line, text in enumerate(("Protection rota", "Officer John Smith", "Postcode SW1A 0AA")):
        draw.text((150, 200 + 120 * line), text, fill=0, font=font)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=200)
    return out.getvalue()


def office_zip(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def add_and_convert(case, officer, name, content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (record,) = workflow.add_records(
            case, actor=officer, files=[SimpleUploadedFile(name, content)]
        )
    record.refresh_from_db()
    return record


def test_scanned_pdf_gets_a_text_layer(case, officer, django_capture_on_commit_callbacks):
    record = add_and_convert(
        case, officer, "scan.pdf", scanned_pdf(), django_capture_on_commit_callbacks
    )
    assert record.conversion == Conversion.READY
    assert record.conversion_progress == 100
    assert record.review_pages == 1
    text = pdf_text(record.review_pdf.read())
    assert "Smith" in text and "SW1A" in text
    event = CaseEvent.objects.get(case=case, verb=CaseEvent.Verb.RECORD_CONVERTED)
    assert event.data["ocr_pages"] == 1


def test_text_file_is_converted_by_libreoffice(
    client, case, officer, django_capture_on_commit_callbacks
):
    record = add_and_convert(
        case,
        officer,
        "note.txt",
        b"Budget for 2025 was 42 pounds",
        django_capture_on_commit_callbacks,
    )
    assert record.conversion == Conversion.READY
    assert "Budget for 2025" in pdf_text(record.review_pdf.read())
    client.force_login(officer)
    page = client.get(reverse("case_records", args=[case.reference])).content.decode()
    assert "?copy=review" in page
    response = client.get(reverse("record_download", args=[record.pk]), {"copy": "review"})
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_email_with_attachments_is_converted_listing_them(
    case, officer, django_capture_on_commit_callbacks
):
    message = EmailMessage()
    message["From"] = "security@example.org"
    message["To"] = "foi@example.org"
    message["Subject"] = "Rota for the constituency office"
    message.set_content("Please find the rota attached.")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="rota.pdf")
    record = add_and_convert(
        case, officer, "mail.eml", message.as_bytes(), django_capture_on_commit_callbacks
    )
    assert record.conversion == Conversion.READY
    text = pdf_text(record.review_pdf.read())
    assert "Rota for the constituency office" in text
    assert "Please find the rota attached." in text
    assert "rota.pdf" in text


def test_docx_with_tracked_changes_goes_to_quarantine(
    case, officer, django_capture_on_commit_callbacks
):
    document = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:ins w:id='1' w:author='A'><w:r><w:t>Hidden insertion</w:t></w:r>"
        "</w:ins></w:p></w:body></w:document>"
    )
    content = office_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": document})
    record = add_and_convert(
        case, officer, "draft.docx", content, django_capture_on_commit_callbacks
    )
    assert record.conversion == Conversion.QUARANTINED
    assert "tracked changes" in record.conversion_note
    assert not record.review_pdf
    event = CaseEvent.objects.get(case=case, verb=CaseEvent.Verb.RECORD_QUARANTINED)
    assert "tracked changes" in event.data["reason"]


def test_xlsx_with_a_hidden_sheet_goes_to_quarantine(
    case, officer, django_capture_on_commit_callbacks
):
    workbook = (
        '<workbook><sheets><sheet name="Costs" sheetId="1"/>'
        '<sheet name="Names" sheetId="2" state="hidden"/></sheets></workbook>'
    )
    content = office_zip({"xl/workbook.xml": workbook})
    record = add_and_convert(
        case, officer, "costs.xlsx", content, django_capture_on_commit_callbacks
    )
    assert record.conversion == Conversion.QUARANTINED
    assert "hidden sheets" in record.conversion_note


def test_zip_bomb_goes_to_quarantine_unopened(tmp_path):
    bomb = office_zip(
        {"word/document.xml": b"<w:document/>", "word/padding.xml": b"0" * 30_000_000}
    )
    source = tmp_path / "bomb.docx"
    source.write_bytes(bomb)
    with pytest.raises(record_conversion.Quarantine, match="zip bomb"):
        record_conversion.convert_to_pdf(source, "docx", lambda percent: None)


def test_encrypted_and_damaged_pdfs_go_to_quarantine(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted.getvalue())
    with pytest.raises(record_conversion.Quarantine, match="password-protected"):
        record_conversion.convert_to_pdf(locked, "pdf", lambda percent: None)
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    with pytest.raises(record_conversion.Quarantine, match="damaged"):
        record_conversion.convert_to_pdf(damaged, "pdf", lambda percent: None)


def test_oversized_image_goes_to_quarantine(tmp_path, monkeypatch):
    monkeypatch.setattr(record_conversion, "MAX_IMAGE_PIXELS", 10_000)
    image = tmp_path / "big.png"
    Image.new("L", (200, 200), 255).save(image)
    with pytest.raises(record_conversion.Quarantine, match="200 × 200 pixels"):
        record_conversion.convert_to_pdf(image, "png", lambda percent: None)


def test_conversion_runs_once_when_the_task_is_run_twice(
    case, officer, django_capture_on_commit_callbacks
):
    record = add_and_convert(
        case, officer, "a.txt", b"Once only", django_capture_on_commit_callbacks
    )
    assert record_conversion.convert_record(record.pk) == Conversion.READY
    assert CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.RECORD_CONVERTED).count() == 1
    assert Path(record.review_pdf.path).exists()
