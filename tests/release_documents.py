"""Real documents for the release tests: planted personal data on a typed page and a scan."""

from __future__ import annotations

import io
import subprocess
from xml.etree import ElementTree

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from foi_cases.release.redact import Box

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PLANTED = ("John Smith", "07700 900123", "SW1A 2AA")
KEPT = ("Protection rota", "constituency office")


def typed_pdf(lines: tuple[str, ...]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in lines)
    return HTML(string=f"<html><body style='font-size: 14pt'>{body}</body></html>").write_pdf()


def scanned_page() -> bytes:
    """A page that is only an image of text, as a scanner makes it."""
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 56)
    lines = ("Protection rota", "Officer John Smith", "Mobile 07700 900123", "Postcode SW1A 2AA")
    for line, text in enumerate(lines):
        draw.text((150, 200 + 120 * line), text, fill=0, font=font)
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=200)
    return out.getvalue()


def planted_pdf() -> bytes:
    """A typed page and a scanned page, both naming John Smith, his phone and postcode."""
    typed = typed_pdf(
        (
            "Protection rota for the constituency office",
            "Visits arranged by John Smith on 07700 900123.",
            "Office at SW1A 2AA, weekdays only.",
        )
    )
    out = pikepdf.new()
    with pikepdf.open(io.BytesIO(typed)) as first, pikepdf.open(io.BytesIO(scanned_page())) as scan:
        out.pages.extend(first.pages)
        out.pages.extend(scan.pages)
        buffer = io.BytesIO()
        out.save(buffer)
    return buffer.getvalue()


def with_hidden_content(pdf: bytes) -> bytes:
    """The same PDF carrying metadata, an annotation, an embedded file and a script."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.docinfo["/Author"] = "John Smith"
        document.docinfo["/Subject"] = "Mobile 07700 900123"
        with document.open_metadata() as xmp:
            xmp["dc:creator"] = ["John Smith"]
        document.pages[0].Annots = document.make_indirect(
            pikepdf.Array(
                [
                    pikepdf.Dictionary(
                        Type=pikepdf.Name.Annot,
                        Subtype=pikepdf.Name.Text,
                        Rect=[50, 50, 80, 80],
                        Contents=pikepdf.String("Ring John Smith on 07700 900123"),
                    )
                ]
            )
        )
        document.attachments["contacts.txt"] = pikepdf.AttachedFileSpec(
            document, b"John Smith, 07700 900123, SW1A 2AA", filename="contacts.txt"
        )
        document.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('John Smith')")
        )
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def word_boxes(pdf: bytes, phrases: tuple[str, ...], *, label: str) -> list[Box]:
    """Boxes over every occurrence of each phrase, as search-and-redact would draw them."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    boxes = []
    for number, page in enumerate(ElementTree.fromstring(xhtml).iter(f"{ns}page"), start=1):
        for line in page.iter(f"{ns}line"):
            words = list(line.iter(f"{ns}word"))
            texts = [(w.text or "").strip(".,") for w in words]
            for phrase in phrases:
                parts = phrase.split()
                for start in range(len(words) - len(parts) + 1):
                    if texts[start : start + len(parts)] == parts:
                        covered = words[start : start + len(parts)]
                        boxes.append(
                            Box(
                                page=number,
                                x0=float(covered[0].get("xMin")) - 1,
                                y0=min(float(w.get("yMin")) for w in covered) - 1,
                                x1=float(covered[-1].get("xMax")) + 1,
                                y1=max(float(w.get("yMax")) for w in covered) + 1,
                                label=label,
                            )
                        )
    return boxes


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
