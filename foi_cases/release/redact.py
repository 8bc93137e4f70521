"""Applying redactions: each page of a record is rasterised, its boxes painted solid black
with their label, and the page rebuilt from the picture with a text layer from Tesseract.

Nothing of the review PDF survives but the pixels of its pages: no content stream, font,
image, annotation, form field, embedded file, script, optional-content layer or metadata.
What was under a box is black pixels before the OCR sees the page, so it cannot come back.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

RELEASE_DPI = 200
POINTS_PER_INCH = 72
RENDER_SECONDS = 120
JPEG_QUALITY = 85
OCR_SECONDS = 180
# The label's height as a share of the box's, within these sizes in pixels.
LABEL_MIN_PX, LABEL_MAX_PX = 10, 48
LABEL_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


class ReleaseError(Exception):
    """The record could not be released as it is; the message says why (never its text)."""


@dataclass(frozen=True)
class Box:
    """A redaction: 1-based page, PDF points from the top-left of the page as displayed."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    label: str


def _run(args: list[str], seconds: int) -> None:
    try:
        subprocess.run(
            args,
            check=True,
            capture_output=True,
            timeout=seconds,
            # One thread: workers run in parallel, and Tesseract's own threads slow them all.
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        raise ReleaseError(f"{args[0]} took longer than {seconds} seconds.") from exc
    except subprocess.CalledProcessError as exc:
        raise ReleaseError(f"{args[0]} could not process the page.") from exc


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in LABEL_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def paint_boxes(
    image: Image.Image, boxes: Iterable[Box], dpi: int, *, labelled: bool = True
) -> Image.Image:
    """Paint each box solid black with its label in white, centred when it fits; or, for the
    copy the OCR reads, plain white, so that it reads the rest of the line undisturbed."""
    scale = dpi / POINTS_PER_INCH
    painted = image.convert("RGB")
    draw = ImageDraw.Draw(painted)
    for box in boxes:
        left, top = max(0, round(box.x0 * scale)), max(0, round(box.y0 * scale))
        right = min(painted.width, round(box.x1 * scale))
        bottom = min(painted.height, round(box.y1 * scale))
        if right <= left or bottom <= top:
            continue
        draw.rectangle((left, top, right - 1, bottom - 1), fill="black" if labelled else "white")
        if labelled:
            _label(draw, box.label, (left, top, right, bottom))
    return painted


def _label(draw: ImageDraw.ImageDraw, label: str, area: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = area
    size = min(LABEL_MAX_PX, max(LABEL_MIN_PX, int((bottom - top) * 0.6)))
    font = _font(size)
    x0, y0, x1, y1 = draw.textbbox((0, 0), label, font=font)
    width, height = x1 - x0, y1 - y0
    if width <= right - left and height <= bottom - top:
        position = ((left + right - width) / 2 - x0, (top + bottom - height) / 2 - y0)
        draw.text(position, label, fill="white", font=font)


def _render_page(source: Path, page: int, workdir: Path, dpi: int) -> Image.Image:
    prefix = workdir / f"page-{page}"
    _run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            str(source),
            str(prefix),
        ],
        RENDER_SECONDS,
    )
    with Image.open(f"{prefix}.png") as image:
        image.load()
        return image


@dataclass(frozen=True)
class RebuiltPage:
    picture: Path  # a one-page PDF holding only the painted picture
    text: Path  # Tesseract's text-only PDF of the page, invisible text over the picture


def _rebuild_page(image: Image.Image, boxes: Sequence[Box], workdir: Path, dpi: int) -> RebuiltPage:
    base = workdir / f"page-{uuid.uuid4().hex}"
    blanked = Path(f"{base}-ocr.png")
    # The resolution is written in the files, so both give the page its original size.
    paint_boxes(image, boxes, dpi, labelled=False).save(blanked, dpi=(dpi, dpi))
    _run(
        ["tesseract", str(blanked), f"{base}-text", "-l", "eng", "-c", "textonly_pdf=1", "pdf"],
        OCR_SECONDS,
    )
    picture = Path(f"{base}-picture.pdf")
    paint_boxes(image, boxes, dpi).save(picture, "PDF", resolution=dpi, quality=JPEG_QUALITY)
    return RebuiltPage(picture, Path(f"{base}-text.pdf"))


def clean_pdf(pages: Sequence[RebuiltPage], *, title: str) -> bytes:
    """Join rebuilt pages into one PDF whose only metadata is its title."""
    out = pikepdf.new()
    opened: list[pikepdf.Pdf] = []
    try:
        for page in pages:
            picture, text = pikepdf.open(page.picture), pikepdf.open(page.text)
            opened += [picture, text]
            out.pages.append(picture.pages[0])
            out.pages[-1].add_overlay(text.pages[0])
        out.docinfo = out.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(title)))
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True)
    finally:
        for pdf in opened:
            pdf.close()
    return buffer.getvalue()


def apply_redactions(
    review_pdf: bytes,
    boxes: Sequence[Box],
    *,
    title: str,
    dpi: int = RELEASE_DPI,
) -> bytes:
    """The released copy of one record: every page a picture with the boxes blacked out."""
    with tempfile.TemporaryDirectory(prefix="foi-release-") as tmp:
        workdir = Path(tmp)
        source = workdir / "review.pdf"
        source.write_bytes(review_pdf)
        try:
            with pikepdf.open(source) as pdf:
                count = len(pdf.pages)
        except pikepdf.PdfError as exc:
            raise ReleaseError("The review copy is damaged and cannot be read.") from exc
        if any(not 1 <= box.page <= count for box in boxes):
            raise ReleaseError(f"A redaction is on a page the record does not have ({count}).")
        rebuilt = []
        for page in range(1, count + 1):
            image = _render_page(source, page, workdir, dpi)
            on_page = [b for b in boxes if b.page == page]
            rebuilt.append(_rebuild_page(image, on_page, workdir, dpi))
        return clean_pdf(rebuilt, title=title)
