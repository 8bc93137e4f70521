"""The leak check: before a release is accepted, nothing redacted may be readable in it.

The text under each box is read from the review PDF (pdftotext's word boxes) and held in
memory only, never stored or logged. The released PDF's text, metadata, annotations, embedded
files, names, forms and images are then checked. A problem names the page, never the text.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pikepdf

from foi_cases.release.redact import Box

XHTML = "{http://www.w3.org/1999/xhtml}"
TOOL_SECONDS = 120
# Fragments shorter than this (a covered initial, a stray comma) would match ordinary text
# by chance; they carry nothing identifying on their own.
MIN_CHECKED_CHARS = 3
# Shorter phrases must match whole words; longer ones are matched with the spaces removed,
# as the OCR may join or split words differently.
MIN_COMPACT_CHARS = 6
# What the released document's catalogue may hold: anything else (names with embedded files
# or scripts, forms, actions, layers, outlines, metadata) fails the check.
ALLOWED_ROOT_KEYS = {"/Type", "/Pages"}
ALLOWED_PAGE_KEYS = {"/Type", "/Parent", "/Resources", "/Contents", "/MediaBox"}


@dataclass(frozen=True)
class Released:
    """What the check needs to know of the released PDF's pages."""

    page_names: Sequence[str]  # e.g. "document 2, page 3", one per page
    picture_pages: frozenset[int]  # 1-based pages made of one picture each
    title: str


def _tool(args: list[str]) -> str:
    result = subprocess.run(args, check=True, capture_output=True, timeout=TOOL_SECONDS)
    return result.stdout.decode("utf-8", errors="replace")


def normalise(text: str) -> str:
    """Case-folded words separated by one space, punctuation dropped."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def phrases_under(bbox_xhtml: str, boxes: Sequence[Box]) -> list[str]:
    """The text under each box, one phrase per box and line, from `pdftotext -bbox-layout`.

    A word is under a box when its centre is.
    """
    root = ElementTree.fromstring(bbox_xhtml)
    phrases = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        on_page = [b for b in boxes if b.page == number]
        if not on_page:
            continue
        for line in page.iter(f"{XHTML}line"):
            words = [
                (
                    (float(w.get("xMin", 0)) + float(w.get("xMax", 0))) / 2,
                    (float(w.get("yMin", 0)) + float(w.get("yMax", 0))) / 2,
                    w.text or "",
                )
                for w in line.iter(f"{XHTML}word")
            ]
            for box in on_page:
                covered = [
                    t for x, y, t in words if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1
                ]
                phrase = normalise(" ".join(covered))
                if len(phrase.replace(" ", "")) >= MIN_CHECKED_CHARS:
                    phrases.append(phrase)
    return phrases


def redacted_phrases(review_pdf: bytes, boxes: Sequence[Box]) -> list[str]:
    """Read the text under the boxes from the review PDF (held in memory only)."""
    if not boxes:
        return []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(review_pdf)
        source.flush()
        return phrases_under(_tool(["pdftotext", "-bbox-layout", source.name, "-"]), boxes)


def readable_on(page_text: str, phrases: Sequence[str]) -> bool:
    """Whether any phrase can be read in the page's text."""
    spaced = f" {normalise(page_text)} "
    compact = spaced.replace(" ", "")
    for phrase in phrases:
        joined = phrase.replace(" ", "")
        if len(joined) >= MIN_COMPACT_CHARS:
            if joined in compact:
                return True
        elif f" {phrase} " in spaced:
            return True
    return False


def text_problems(
    page_texts: Sequence[str], phrases: Sequence[str], released: Released
) -> list[str]:
    return [
        f"{released.page_names[index]}: redacted text is still readable."
        for index, text in enumerate(page_texts)
        if readable_on(text, phrases)
    ]


def structure_problems(pdf: pikepdf.Pdf, released: Released) -> list[str]:
    """Metadata other than the title, and anything but pages in the catalogue or on a page."""
    problems = []
    info = {str(k): str(v) for k, v in pdf.docinfo.items()}
    if info != {"/Title": released.title}:
        problems.append("The document information holds more than its title.")
    extra = set(pdf.Root.keys()) - ALLOWED_ROOT_KEYS
    if extra:
        problems.append(f"The document holds {', '.join(sorted(extra))} (metadata or names).")
    for number, page in enumerate(pdf.pages, start=1):
        if number not in released.picture_pages:
            if "/Annots" in page.obj:
                problems.append(f"{released.page_names[number - 1]} has annotations.")
            continue
        extra = set(page.obj.keys()) - ALLOWED_PAGE_KEYS
        if extra:
            problems.append(f"{released.page_names[number - 1]} holds {', '.join(sorted(extra))}.")
    return problems


def image_problems(image_list: str, released: Released) -> list[str]:
    """From `pdfimages -list`: exactly one picture on each picture page, none elsewhere."""
    counts: dict[int, int] = {}
    for row in image_list.splitlines()[2:]:
        fields = row.split()
        if fields and fields[0].isdigit():
            counts[int(fields[0])] = counts.get(int(fields[0]), 0) + 1
    problems = []
    for number, name in enumerate(released.page_names, start=1):
        expected = 1 if number in released.picture_pages else 0
        if counts.get(number, 0) != expected:
            problems.append(f"{name} holds {counts.get(number, 0)} images, not {expected}.")
    return problems


def leak_problems(released_pdf: bytes, phrases: Sequence[str], released: Released) -> list[str]:
    """Everything wrong with the released PDF; an empty list means it may go out."""
    with tempfile.TemporaryDirectory(prefix="foi-leaks-") as tmp:
        path = Path(tmp) / "released.pdf"
        path.write_bytes(released_pdf)
        pages = _tool(["pdftotext", "-layout", str(path), "-"]).split("\f")
        problems = text_problems(pages[: len(released.page_names)], phrases, released)
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) != len(released.page_names):
                return [
                    f"The released PDF has {len(pdf.pages)} pages, not {len(released.page_names)}."
                ]
            problems += structure_problems(pdf, released)
        problems += image_problems(_tool(["pdfimages", "-list", str(path)]), released)
    return problems


def bundle_pages(documents: Mapping[int, int], schedule_pages: int, *, title: str) -> Released:
    """The bundle's pages: the schedule's, then each document's cover and its picture pages."""
    names = [f"Schedule, page {n}" for n in range(1, schedule_pages + 1)]
    pictures = set()
    for document, pages in documents.items():
        names.append(f"Document {document}, cover")
        for page in range(1, pages + 1):
            names.append(f"Document {document}, page {page}")
            pictures.add(len(names))
    return Released(names, frozenset(pictures), title)
