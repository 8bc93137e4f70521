"""Converting a record to PDF for review: LibreOffice (headless) for office files, Tesseract OCR
for scans and images, WeasyPrint for e-mails. Slow work, run by the `convert_record` task.

A file that cannot be converted safely (encrypted, damaged, a zip bomb, an image too large,
tracked changes or hidden sheets that would go unseen) raises `Quarantine` with a message the
officer can act on; it is never passed on half-converted.
"""

from __future__ import annotations

import email
import email.policy
import html
import io
import os
import re
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader, PdfWriter

OFFICE = {"doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt", "csv"}
IMAGES = {"png", "jpg", "jpeg", "tif", "tiff"}
EMAILS = {"eml", "msg"}
ZIPPED = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}

MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_IMAGE_PIXELS = 60_000_000
# A page with less text than this is treated as a scan and given a text layer.
MIN_PAGE_TEXT = 20
OCR_DPI = 200
SOFFICE_SECONDS = 180
OCR_SECONDS = 120

Progress = Callable[[int], None]


class Quarantine(Exception):
    """The file is not safe to convert or review as it is; the message says what to do."""


@dataclass(frozen=True)
class Converted:
    pdf: bytes
    pages: int
    ocr_pages: int
    note: str = ""  # what the reviewer must know of the copy (hidden sheets shown)


def _run(args: list[str], seconds: int, env: dict[str, str] | None = None) -> None:
    try:
        subprocess.run(
            args,
            check=True,
            capture_output=True,
            timeout=seconds,
            env={**os.environ, **env} if env else None,
        )
    except subprocess.TimeoutExpired as exc:
        raise Quarantine(f"Converting took longer than {seconds} seconds; check the file.") from exc


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TRACKED = re.compile(rb"<w:(ins|del|moveFrom|moveTo)\b")
# Accepting every tracked change: deletions and moved-away text go, with the records of
# formatting changes; insertions and moved-to text stay, unwrapped.
REJECTED_MARKUP = {
    f"{W}{name}"
    for name in (
        "del",
        "moveFrom",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblPrExChange",
        "tblGridChange",
        "trPrChange",
        "tcPrChange",
        "numberingChange",
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
    )
}
KEPT_MARKUP = {f"{W}ins", f"{W}moveTo"}
WORD_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
SHEET_NAME = re.compile(rb'<sheet\b[^>]*name="([^"]*)"[^>]*state="(?:hidden|veryHidden)"')
HIDDEN_ROWS = re.compile(rb'<(row|col)\b[^>]*hidden="(1|true)"')


def _check_zip(source: Path) -> set[str]:
    """Refuse zip bombs; return the names of the parts in the archive."""
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
            unzipped = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos) or 1
            if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_ZIP_RATIO:
                raise Quarantine(
                    "The file expands to far more than its size (a possible zip bomb); "
                    "it was not opened."
                )
            return set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise Quarantine("The file is damaged: it is not a readable office document.") from exc


def _rewrite_zip(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, change(info.filename, old.read(info.filename)))


def accept_all_changes(xml: bytes) -> bytes:
    """A Word part with every tracked change accepted."""
    from lxml import etree

    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    for element in list(root.iter(*REJECTED_MARKUP)):
        element.getparent().remove(element)
    for element in list(root.iter(*KEPT_MARKUP)):
        parent = element.getparent()
        position = parent.index(element)
        for offset, child in enumerate(list(element)):
            parent.insert(position + offset, child)
        parent.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def show_hidden(name: str, xml: bytes) -> bytes:
    """A workbook part with its hidden sheets, rows and columns made visible."""
    if name == "xl/workbook.xml":
        return re.sub(rb'\sstate="(hidden|veryHidden)"', b"", xml)
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return re.sub(rb'(<(?:row|col)\b[^>]*?)\shidden="(1|true)"', rb"\1", xml)
    return xml


def _prepare_docx(source: Path, workdir: Path, accept_changes: bool) -> tuple[Path, str]:
    """Refuse tracked changes, unless the officer chose to accept them all."""
    with zipfile.ZipFile(source) as archive:
        parts = [n for n in archive.namelist() if WORD_PARTS.fullmatch(n)]
        tracked = any(TRACKED.search(archive.read(n)) for n in parts)
    if not tracked:
        return source, ""
    if not accept_changes:
        raise Quarantine(
            "The document has tracked changes. Choose to accept them all here, or accept or "
            "reject them in the document and add it again, so that nothing hidden is "
            "reviewed or released."
        )
    accepted = workdir / f"accepted{source.suffix}"
    _rewrite_zip(
        source,
        accepted,
        lambda name, data: accept_all_changes(data) if WORD_PARTS.fullmatch(name) else data,
    )
    return accepted, "All tracked changes were accepted before conversion."


def _prepare_xlsx(source: Path, workdir: Path) -> tuple[Path, str]:
    """Make hidden sheets, rows and columns visible, so the reviewer sees everything."""
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        workbook = archive.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
        sheets = [m.decode(errors="replace") for m in SHEET_NAME.findall(workbook)]
        rows = any(
            HIDDEN_ROWS.search(archive.read(n))
            for n in names
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        )
    if not sheets and not rows:
        return source, ""
    shown = workdir / f"shown{source.suffix}"
    _rewrite_zip(source, shown, show_hidden)
    found = []
    if sheets:
        found.append(f"hidden sheets ({', '.join(html.unescape(s) for s in sheets)})")
    if rows:
        found.append("hidden rows or columns")
    return shown, f"The workbook had {' and '.join(found)}; they are shown in this copy."


def _office_to_pdf(source: Path, workdir: Path) -> bytes:
    # A profile per conversion, so that conversions in parallel do not share LibreOffice's lock.
    profile = workdir / f"lo-{uuid.uuid4().hex}"
    _run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir / "out"),
            str(source),
        ],
        SOFFICE_SECONDS,
    )
    produced = workdir / "out" / f"{source.stem}.pdf"
    if not produced.exists():
        raise Quarantine("LibreOffice could not open the file; it may be damaged or protected.")
    return produced.read_bytes()


def _ocr_image(image_path: Path, workdir: Path) -> bytes:
    """One page: the image with Tesseract's invisible text layer over it."""
    base = workdir / f"ocr-{uuid.uuid4().hex}"
    # One thread per page: the workers run in parallel, and Tesseract's own threads on a busy
    # machine make every page slower (its documentation advises this for parallel use).
    _run(
        ["tesseract", str(image_path), str(base), "-l", "eng", "pdf"],
        OCR_SECONDS,
        env={"OMP_THREAD_LIMIT": "1"},
    )
    return Path(f"{base}.pdf").read_bytes()


def _image_to_pdf(source: Path, workdir: Path, progress: Progress) -> Converted:
    try:
        with Image.open(source) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise Quarantine(
                    f"The image is {width} × {height} pixels, more than can be converted "
                    "safely; reduce it and add it again."
                )
            frames = getattr(image, "n_frames", 1)
            writer = PdfWriter()
            for index in range(frames):
                image.seek(index)
                page = workdir / f"frame-{index}.png"
                image.convert("RGB").save(page)
                writer.append(PdfReader(io.BytesIO(_ocr_image(page, workdir))))
                progress(int(100 * (index + 1) / frames))
    except (Image.DecompressionBombError, Image.UnidentifiedImageError, OSError) as exc:
        raise Quarantine("The image could not be read; it may be damaged or too large.") from exc
    out = io.BytesIO()
    writer.write(out)
    return Converted(out.getvalue(), frames, frames)


def _pdf_with_text_layer(source: Path, workdir: Path, progress: Progress) -> Converted:
    """A PDF as it is, with scanned pages (no text) replaced by OCR'd ones."""
    try:
        reader = PdfReader(source)
        if reader.is_encrypted:
            raise Quarantine(
                "The PDF is encrypted or password-protected. Ask the sender for an "
                "unprotected copy."
            )
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
    except Quarantine:
        raise
    except Exception as exc:  # pypdf raises many kinds on a malformed file
        raise Quarantine("The PDF is damaged and cannot be read.") from exc
    scanned = [i for i, text in enumerate(texts) if len(text) < MIN_PAGE_TEXT]
    if not scanned:
        progress(100)
        return Converted(source.read_bytes(), len(texts), 0)
    writer = PdfWriter()
    for index in range(len(texts)):
        if index in scanned:
            prefix = workdir / f"page-{index}"
            _run(
                [
                    "pdftoppm",
                    "-r",
                    str(OCR_DPI),
                    "-f",
                    str(index + 1),
                    "-l",
                    str(index + 1),
                    "-png",
                    "-singlefile",
                    str(source),
                    str(prefix),
                ],
                OCR_SECONDS,
            )
            writer.append(PdfReader(io.BytesIO(_ocr_image(Path(f"{prefix}.png"), workdir))))
        else:
            writer.add_page(reader.pages[index])
        progress(int(100 * (index + 1) / len(texts)))
    out = io.BytesIO()
    writer.write(out)
    return Converted(out.getvalue(), len(texts), len(scanned))


def _email_html(source: Path, extension: str) -> str:
    if extension == "msg":
        import extract_msg

        with extract_msg.openMsg(str(source)) as msg:
            headers = {
                "From": msg.sender or "",
                "To": msg.to or "",
                "Date": str(msg.date or ""),
                "Subject": msg.subject or "",
            }
            body = msg.body or ""
            attachments = [a.longFilename or a.shortFilename or "" for a in msg.attachments]
    else:
        message = email.message_from_bytes(source.read_bytes(), policy=email.policy.default)
        headers = {name: str(message.get(name, "")) for name in ("From", "To", "Date", "Subject")}
        part = message.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
        body = part.get_content() if part is not None else ""
        if part is not None and part.get_content_type() == "text/html":
            body = re.sub(r"<[^>]+>", " ", body)
        attachments = [a.get_filename() or "" for a in message.iter_attachments()]  # type: ignore[attr-defined]
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in headers.items()
    )
    listed = "".join(f"<li>{html.escape(name)}</li>" for name in attachments if name)
    return (
        "<html><body style='font-family: sans-serif; font-size: 11pt'>"
        f"<table>{rows}</table><hr><pre style='white-space: pre-wrap'>{html.escape(body)}</pre>"
        + (f"<h2>Attachments</h2><ul>{listed}</ul>" if listed else "")
        + "</body></html>"
    )


def _email_to_pdf(source: Path, extension: str) -> Converted:
    from weasyprint import HTML

    try:
        page_html = _email_html(source, extension)
    except Exception as exc:
        raise Quarantine("The e-mail could not be read; it may be damaged.") from exc
    # No base URL and no fetcher for remote resources: nothing in the e-mail is fetched.
    document = HTML(string=page_html, url_fetcher=_no_fetch).render()
    return Converted(document.write_pdf(), len(document.pages), 0)


def _no_fetch(url: str) -> dict[str, bytes]:
    raise ValueError(f"Not fetched: {url[:60]}")


def convert_to_pdf(
    source: Path, extension: str, progress: Progress, *, accept_changes: bool = False
) -> Converted:
    """Convert one file to a PDF for review; raise Quarantine when that is not safe.

    A Word document's tracked changes are accepted only when the officer chose so
    (`accept_changes`); a workbook's hidden sheets, rows and columns are shown, and said so.
    """
    progress(0)
    with tempfile.TemporaryDirectory(prefix="foi-convert-") as tmp:
        workdir = Path(tmp)
        if extension == "pdf":
            return _pdf_with_text_layer(source, workdir, progress)
        if extension in IMAGES:
            return _image_to_pdf(source, workdir, progress)
        if extension in EMAILS:
            converted = _email_to_pdf(source, extension)
        elif extension in OFFICE:
            note = ""
            if extension in ZIPPED:
                names = _check_zip(source)
                if "word/document.xml" in names:
                    source, note = _prepare_docx(source, workdir, accept_changes)
                elif "xl/workbook.xml" in names:
                    source, note = _prepare_xlsx(source, workdir)
            pdf = _office_to_pdf(source, workdir)
            converted = Converted(pdf, len(PdfReader(io.BytesIO(pdf)).pages), 0, note)
        else:
            raise Quarantine(f"Files of kind .{extension} cannot be converted for review.")
    progress(100)
    return converted


def convert_record(record_id: int) -> str:
    """Convert one record for review and record the outcome; safe to run twice.

    1. Re-fetch the record; stop if it is gone, a duplicate, or already done.
    2. Copy its file from storage to a temporary file and convert it, saving the progress.
    3. Record the PDF, or the quarantine or failure with its reason (one audit event).
    """
    from foi_cases import workflow
    from foi_cases.models import Record

    record = Record.objects.select_related("case").filter(pk=record_id).first()
    if record is None or record.duplicate_of_id is not None:
        return "gone"
    if record.conversion in (Record.Conversion.READY, Record.Conversion.QUARANTINED):
        return record.conversion
    workflow.start_conversion(record)

    def progress(percent: int) -> None:
        Record.objects.filter(pk=record_id).update(conversion_progress=percent)

    extension = Path(record.file.name or "").suffix.lstrip(".").lower()
    with tempfile.TemporaryDirectory(prefix="foi-record-") as tmp:
        source = Path(tmp) / f"record.{extension}"
        with record.file.open("rb") as stored, source.open("wb") as copy:
            for chunk in stored.chunks():
                copy.write(chunk)
        try:
            converted = convert_to_pdf(
                source,
                extension,
                progress,
                accept_changes=record.changes_accepted_by_id is not None,
            )
        except Quarantine as reason:
            workflow.record_conversion_failed(record, reason=str(reason), quarantine=True)
            return Record.Conversion.QUARANTINED
        except (subprocess.CalledProcessError, OSError) as error:
            workflow.record_conversion_failed(
                record, reason=f"The conversion failed ({type(error).__name__}).", quarantine=False
            )
            return Record.Conversion.FAILED
    workflow.record_converted(
        record,
        pdf=converted.pdf,
        pages=converted.pages,
        ocr=converted.ocr_pages,
        note=converted.note,
    )
    return Record.Conversion.READY
