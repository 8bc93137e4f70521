"""Words and their boxes in a review PDF, and the places a search matches: no database.

`pdftotext -bbox-layout` (poppler-utils) gives each word with its box in PDF points from the
top-left corner of the page as displayed, the same space the viewer and RecordRedaction use.
A search runs over each line's words joined by single spaces, so a phrase matches across
word boxes; a match covers every word it touches (redacting a whole word is the safe side).
A phrase broken across two lines is not found.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from foi_cases.redaction import EMAIL_RE, PHONE_RE, POSTCODE_RE

# Preset patterns offered next to a phrase typed by hand: (key, label, regex).
PRESETS: dict[str, tuple[str, re.Pattern[str]]] = {
    "phone": ("UK phone numbers", PHONE_RE),
    "postcode": ("Postcodes", POSTCODE_RE),
    "email": ("E-mail addresses", EMAIL_RE),
}
CONTEXT_CHARS = 30
PDFTOTEXT_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )


@dataclass(frozen=True)
class Word:
    text: str
    box: Box


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[tuple[Word, ...], ...]


@dataclass(frozen=True)
class Match:
    page: int
    box: Box
    text: str
    context: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _box(element: ET.Element) -> Box:
    return Box(*(float(element.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")))


def parse_bbox_layout(xhtml: str) -> list[Page]:
    """The pages, lines and words of `pdftotext -bbox-layout` output."""
    root = ET.fromstring(xhtml)
    pages = []
    for element in root.iter():
        if _local(element.tag) != "page":
            continue
        lines = []
        for line in element.iter():
            if _local(line.tag) != "line":
                continue
            words = tuple(
                Word((w.text or "").strip(), _box(w))
                for w in line
                if _local(w.tag) == "word" and (w.text or "").strip()
            )
            if words:
                lines.append(words)
        pages.append(
            Page(
                number=len(pages) + 1,
                width=float(element.get("width", "0")),
                height=float(element.get("height", "0")),
                lines=tuple(lines),
            )
        )
    return pages


def read_pages(pdf: Path) -> list[Page]:
    """Run pdftotext on a PDF; ValueError if it cannot be read."""
    try:
        result = subprocess.run(
            ["pdftotext", "-q", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ValueError("Reading the text of this PDF took too long.") from error
    if result.returncode != 0:
        raise ValueError("The text of this PDF could not be read.")
    return parse_bbox_layout(result.stdout.decode("utf-8", errors="replace"))


def phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    """A literal phrase, any case, its words separated by any whitespace; None if empty."""
    words = phrase.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def find_in_line(words: Iterable[Word], pattern: re.Pattern[str]) -> list[tuple[Box, str, str]]:
    """Each match on one line: the union of the boxes of the words it touches, its text, context."""
    words = list(words)
    starts, parts, position = [], [], 0
    for word in words:
        starts.append(position)
        parts.append(word.text)
        position += len(word.text) + 1
    line = " ".join(parts)
    found = []
    for match in pattern.finditer(line):
        if match.end() <= match.start():
            continue
        touched = [
            w
            for w, start in zip(words, starts, strict=True)
            if start < match.end() and start + len(w.text) > match.start()
        ]
        box = touched[0].box
        for word in touched[1:]:
            box = box.union(word.box)
        before = line[max(0, match.start() - CONTEXT_CHARS) : match.start()]
        after = line[match.end() : match.end() + CONTEXT_CHARS]
        found.append((box, match.group(0), f"{before}[{match.group(0)}]{after}"))
    return found


def find_matches(pages: Iterable[Page], pattern: re.Pattern[str]) -> list[Match]:
    """Every match of a pattern on the pages, in reading order."""
    return [
        Match(page.number, box, text, context)
        for page in pages
        for line in page.lines
        for box, text, context in find_in_line(line, pattern)
    ]
