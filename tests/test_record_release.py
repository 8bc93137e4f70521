"""Applying redactions and the leak check, on real documents made here: a typed page and a
scanned page with a planted name, phone number and postcode."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

from foi_cases import record_conversion
from foi_cases.release import leaks
from foi_cases.release.redact import Box, apply_redactions
from tests.release_documents import (
    KEPT,
    PLANTED,
    pdf_text,
    planted_pdf,
    with_hidden_content,
    word_boxes,
)

TITLE = "FOI-1 document 1"


def compact(text: str) -> str:
    return leaks.normalise(text).replace(" ", "")


@pytest.fixture(scope="module")
def review_pdf(tmp_path_factory) -> bytes:
    """The planted PDF as conversion leaves it for review (the scan given a text layer),
    then carrying metadata, an annotation, an embedded file and a script."""
    source = Path(tmp_path_factory.mktemp("release")) / "planted.pdf"
    source.write_bytes(planted_pdf())
    converted = record_conversion.convert_to_pdf(source, "pdf", lambda percent: None)
    return with_hidden_content(converted.pdf)


@pytest.fixture(scope="module")
def boxes(review_pdf) -> list[Box]:
    found = word_boxes(review_pdf, PLANTED, label="s40(2)")
    assert {b.page for b in found} == {1, 2}  # the typed page and the scan's text layer
    return found


@pytest.fixture(scope="module")
def released(review_pdf, boxes) -> bytes:
    return apply_redactions(review_pdf, boxes, title=TITLE)


def layout(pages: int) -> leaks.Released:
    return leaks.Released(
        [f"Document 1, page {n}" for n in range(1, pages + 1)],
        frozenset(range(1, pages + 1)),
        TITLE,
    )


@pytest.mark.converters
def test_redacted_text_is_gone_from_the_released_text_images_and_metadata(released, tmp_path):
    text = compact(pdf_text(released))
    for planted in PLANTED:
        assert compact(planted) not in text
    for kept in KEPT:
        assert compact(kept) in text  # the rest stays searchable
    # The pictures of the pages, read by OCR, show none of it either.
    path = tmp_path / "released.pdf"
    path.write_bytes(released)
    subprocess.run(["pdfimages", "-png", str(path), str(tmp_path / "img")], check=True)
    pictures = sorted(tmp_path.glob("img-*.png"))
    assert len(pictures) == 2
    seen = "".join(
        subprocess.run(
            ["tesseract", str(p), "-", "-l", "eng"], capture_output=True, check=True
        ).stdout.decode()
        for p in pictures
    )
    assert "Protection rota" in seen
    for planted in PLANTED:
        assert compact(planted) not in compact(seen)
    with pikepdf.open(io.BytesIO(released)) as pdf:
        assert {str(k): str(v) for k, v in pdf.docinfo.items()} == {"/Title": TITLE}
        assert set(pdf.Root.keys()) == {"/Type", "/Pages"}  # no metadata, names, scripts
        assert not pdf.attachments
        assert all("/Annots" not in page.obj for page in pdf.pages)


@pytest.mark.converters
def test_the_leak_check_passes_the_release_and_finds_the_hidden_content_of_the_review_copy(
    review_pdf, boxes, released
):
    phrases = leaks.redacted_phrases(review_pdf, boxes)
    assert "john smith" in phrases and "07700 900123" in phrases

    assert leaks.leak_problems(released, phrases, layout(2)) == []

    problems = leaks.leak_problems(review_pdf, phrases, layout(2))
    assert "Document 1, page 1: redacted text is still readable." in problems
    assert "Document 1, page 2: redacted text is still readable." in problems
    assert "The document information holds more than its title." in problems
    assert any("/Names" in p and "/OpenAction" in p and "/Metadata" in p for p in problems)
    assert any(p.startswith("Document 1, page 1 holds /Annots") for p in problems)
    assert "Document 1, page 1 holds 0 images, not 1." in problems  # its text is not a picture
    assert not any("Smith" in p or "07700" in p for p in problems)  # never the text


@pytest.mark.converters
def test_a_box_left_off_the_scan_fails_the_leak_check_on_that_page(review_pdf, boxes):
    typed_only = [b for b in boxes if b.page == 1]
    released = apply_redactions(review_pdf, typed_only, title=TITLE)

    problems = leaks.leak_problems(released, leaks.redacted_phrases(review_pdf, boxes), layout(2))

    assert problems == ["Document 1, page 2: redacted text is still readable."]


XHTML = """<html xmlns="http://www.w3.org/1999/xhtml"><body><doc>
<page width="600" height="800"><flow><block><line>
<word xMin="10" yMin="10" xMax="40" yMax="20">Call</word>
<word xMin="45" yMin="10" xMax="80" yMax="20">John</word>
<word xMin="85" yMin="10" xMax="120" yMax="20">Smith,</word>
<word xMin="125" yMin="10" xMax="150" yMax="20">now</word>
</line></block></flow></page>
<page width="600" height="800"><flow><block><line>
<word xMin="10" yMin="10" xMax="40" yMax="20">J</word>
</line></block></flow></page>
</doc></body></html>"""


def test_the_phrase_under_a_box_is_the_words_whose_centre_it_covers():
    box = Box(page=1, x0=44, y0=8, x1=124, y1=22, label="s40(2)")
    initial = Box(page=2, x0=0, y0=0, x1=50, y1=50, label="s40(2)")

    assert leaks.phrases_under(XHTML, [box, initial]) == ["john smith"]  # "J" is too short


def test_short_phrases_match_whole_words_and_long_ones_ignore_spacing():
    assert leaks.readable_on("Ring 07700900123 today", ["07700 900123"])
    assert leaks.readable_on("Dear BOB,", ["bob"])
    assert not leaks.readable_on("Bobsleigh team", ["bob"])
    assert not leaks.readable_on("Ring [s40(2)] today", ["07700 900123"])


def test_only_one_picture_on_each_page_of_a_record_passes():
    listing = (
        "page   num  type   width height color comp bpc  enc interp  object ID x-ppi y-ppi\n"
        "-----------------------------------------------------------------------------\n"
        "   3     0 image    1654  2339  rgb     3   8  jpeg   no         7  0   200   200\n"
        "   3     1 image      10    10  rgb     3   8  jpeg   no         9  0   200   200\n"
    )
    pages = leaks.bundle_pages({1: 2}, 0, title=TITLE)

    assert pages.page_names == ["Document 1, cover", "Document 1, page 1", "Document 1, page 2"]
    assert leaks.image_problems(listing, pages) == [
        "Document 1, page 1 holds 0 images, not 1.",
        "Document 1, page 2 holds 2 images, not 1.",
    ]
