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


WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="{target}" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def tracked_docx() -> bytes:
    """A Word document whose tracked changes insert one sentence and delete another."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD_NS}"><w:body>'
        "<w:p><w:r><w:t>Security review for the constituency office.</w:t></w:r></w:p>"
        "<w:p><w:ins w:id='1' w:author='A' w:date='2026-01-01T00:00:00Z'><w:r>"
        "<w:t>Inserted sentence kept.</w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='A' w:date='2026-01-01T00:00:00Z'><w:r>"
        "<w:delText>Deleted draft wording.</w:delText></w:r></w:del></w:p>"
        "</w:body></w:document>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return office_zip(
        {
            "[Content_Types].xml": types,
            "_rels/.rels": PACKAGE_RELS.format(target="word/document.xml"),
            "word/document.xml": document,
        }
    )


def workbook_with_hidden_sheet() -> bytes:
    """A workbook with a visible sheet, a hidden sheet and a hidden row."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    def sheet(rows: str) -> str:
        head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
        return f"{head}<sheetData>{rows}</sheetData></worksheet>"

    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}"/>'
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{sheet_type}"/></Types>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
        '<sheets><sheet name="Costs" sheetId="1" r:id="rId1"/>'
        '<sheet name="Names" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>'
    )
    sheet_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{sheet_rel}" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{sheet_rel}" Target="worksheets/sheet2.xml"/>'
        "</Relationships>"
    )
    return office_zip(
        {
            "[Content_Types].xml": types,
            "_rels/.rels": PACKAGE_RELS.format(target="xl/workbook.xml"),
            "xl/workbook.xml": workbook,
            "xl/_rels/workbook.xml.rels": workbook_rels,
            "xl/worksheets/sheet1.xml": sheet(
                f'<row r="1">{cell("A1", "Panic alarms")}</row>'
                f'<row r="2" hidden="1">{cell("A2", "Hidden row total")}</row>'
            ),
            "xl/worksheets/sheet2.xml": sheet(
                f'<row r="1">{cell("A1", "Hidden sheet names")}</row>'
            ),
        }
    )


def test_tracked_changes_stay_refused_until_an_officer_accepts_them_all(
    client, case, officer, django_capture_on_commit_callbacks
):
    record = add_and_convert(
        case, officer, "review.docx", tracked_docx(), django_capture_on_commit_callbacks
    )
    assert record.conversion == Conversion.QUARANTINED
    client.force_login(officer)
    page = client.get(reverse("case_records", args=[case.reference])).content.decode()
    assert "Accept all tracked changes" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("record_accept_changes", args=[case.reference, record.pk]))

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.conversion == Conversion.READY and record.changes_accepted_by == officer
    assert "tracked changes were accepted" in record.conversion_note
    text = pdf_text(record.review_pdf.read())
    assert "Inserted sentence kept." in text and "Security review" in text
    assert "Deleted draft wording" not in text
    event = CaseEvent.objects.get(case=case, verb=CaseEvent.Verb.RECORD_CHANGES_ACCEPTED)
    assert event.actor == officer


def test_a_workbook_is_converted_with_its_hidden_sheets_and_rows_shown(
    client, case, officer, django_capture_on_commit_callbacks
):
    record = add_and_convert(
        case,
        officer,
        "costs.xlsx",
        workbook_with_hidden_sheet(),
        django_capture_on_commit_callbacks,
    )

    assert record.conversion == Conversion.READY
    text = pdf_text(record.review_pdf.read())
    assert "Panic alarms" in text
    assert "Hidden row total" in text and "Hidden sheet names" in text
    assert "hidden sheets (Names)" in record.conversion_note
    client.force_login(officer)
    page = client.get(reverse("case_records", args=[case.reference])).content.decode()
    assert "they are shown in this copy" in page


def test_a_failed_conversion_can_be_retried(
    client, case, officer, django_capture_on_commit_callbacks
):
    (record,) = workflow.add_records(
        case, actor=officer, files=[SimpleUploadedFile("a.txt", b"Try again")]
    )
    Record.objects.filter(pk=record.pk).update(
        conversion=Conversion.FAILED, conversion_note="The conversion failed (OSError)."
    )
    client.force_login(officer)
    page = client.get(reverse("case_records", args=[case.reference])).content.decode()
    assert "Retry" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("record_retry", args=[case.reference, record.pk]))

    record.refresh_from_db()
    assert record.conversion == Conversion.READY and "Try again" in pdf_text(
        record.review_pdf.read()
    )
    assert (
        CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.RECORD_CONVERSION_RETRIED).count()
        == 1
    )
