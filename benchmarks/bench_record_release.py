"""Time to convert and OCR a 100-page mixed bundle of records, then to apply redactions to
every page and run the leak check, as the worker does (one process, one page at a time).

The mix: typed PDFs (40 pages, no OCR), scanned PDFs (30 pages), PNG scans (10), a Word
document (10 pages, LibreOffice) and a long e-mail (WeasyPrint). Every "John Smith" is
redacted (about 20 boxes a page), and the leak check must find nothing.

Run (no database needed; several minutes on two cores): `make bench-records`, or
  SECRET_KEY=x DJANGO_SETTINGS_MODULE=config.settings \
  .venv/bin/python -m benchmarks.bench_record_release
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LINES = [
    f"Line {n}: visit to the constituency office by officer John Smith, 07700 900{n:03d}."
    for n in range(30)
]


def typed_pdf(pages: int) -> bytes:
    from weasyprint import HTML

    body = "".join(
        "<section style='page-break-after: always'>"
        + "".join(f"<p>{line}</p>" for line in LINES[:20])
        + "</section>"
        for _ in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def scan_page() -> Image.Image:
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 36)
    for row, line in enumerate(LINES[:25]):
        draw.text((120, 150 + 80 * row), line, fill=0, font=font)
    return page


def scanned_pdf(pages: int) -> bytes:
    out = io.BytesIO()
    first = scan_page()
    first.save(
        out,
        format="PDF",
        resolution=200,
        save_all=True,
        append_images=[scan_page() for _ in range(pages - 1)],
    )
    return out.getvalue()


def png_scan() -> bytes:
    out = io.BytesIO()
    scan_page().save(out, format="PNG")
    return out.getvalue()


def docx(pages: int) -> bytes:
    paragraphs = "".join(
        "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in LINES[:20])
        + '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
        for _ in range(pages)
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{WORD_NS}"><w:body>'
        f"{paragraphs}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def eml() -> bytes:
    body = "\n".join(LINES * 8)
    return (
        "From: security@example.org\nTo: foi@example.org\nSubject: Rota\n"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    ).encode()


def bundle() -> list[tuple[str, bytes]]:
    files = [(f"typed-{n}.pdf", typed_pdf(10)) for n in range(4)]
    files += [(f"scan-{n}.pdf", scanned_pdf(15)) for n in range(2)]
    files += [(f"photo-{n}.png", png_scan()) for n in range(10)]
    files += [("memo.docx", docx(10)), ("rota.eml", eml())]
    return files


def boxes_for(pdf: bytes) -> list:
    """A box over every "John Smith" (search and redact), from the review copy's word boxes."""
    from foi_cases.release.redact import Box

    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    ns = "{http://www.w3.org/1999/xhtml}"
    boxes = []
    for number, page in enumerate(ElementTree.fromstring(xhtml).iter(f"{ns}page"), start=1):
        words = [w for w in page.iter(f"{ns}word") if (w.text or "").startswith("Smith")]
        for word in words:
            boxes.append(
                Box(
                    number,
                    float(word.get("xMin")) - 40,
                    float(word.get("yMin")) - 1,
                    float(word.get("xMax")) + 1,
                    float(word.get("yMax")) + 1,
                    "s40(2)",
                )
            )
    return boxes


def main() -> None:
    from foi_cases import record_conversion
    from foi_cases.release import leaks
    from foi_cases.release.redact import apply_redactions

    files = bundle()
    cpu = _cpu_seconds()
    reviews: list[bytes] = []
    pages = ocr_pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for name, content in files:
            source = Path(tmp) / name
            source.write_bytes(content)
            converted = record_conversion.convert_to_pdf(
                source, source.suffix.lstrip("."), lambda percent: None
            )
            reviews.append(converted.pdf)
            pages += converted.pages
            ocr_pages += converted.ocr_pages
        converting = time.perf_counter() - start
    converting_cpu, cpu = _cpu_seconds() - cpu, _cpu_seconds()

    start = time.perf_counter()
    redacted = problems = boxes = 0
    for number, review in enumerate(reviews, start=1):
        found = boxes_for(review)
        boxes += len(found)
        released = apply_redactions(review, found, title=f"BENCH document {number}")
        count = _pages(released)
        layout = leaks.Released(
            [f"Document {number}, page {n}" for n in range(1, count + 1)],
            frozenset(range(1, count + 1)),
            f"BENCH document {number}",
        )
        phrases = leaks.redacted_phrases(review, found)
        problems += len(leaks.leak_problems(released, phrases, layout))
        redacted += count
    redacting = time.perf_counter() - start
    redacting_cpu = _cpu_seconds() - cpu
    print(
        json.dumps(
            {
                "name": "records_convert_and_redact",
                "files": len(files),
                "pages": pages,
                "ocr_pages": ocr_pages,
                "convert_s": round(converting, 1),
                "convert_cpu_s": round(converting_cpu, 1),
                "redact_and_check_s": round(redacting, 1),
                "redact_and_check_cpu_s": round(redacting_cpu, 1),
                "load_average": round(os.getloadavg()[0], 1),
                "redacted_pages": redacted,
                "boxes": boxes,
                "leak_problems": problems,
                "cpus": os.cpu_count(),
            }
        )
    )


def _cpu_seconds() -> float:
    """CPU time of this process and the tools it ran (the machine is shared)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    tools = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + tools.ru_utime + tools.ru_stime


def _pages(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


if __name__ == "__main__":
    import django

    django.setup()
    main()
