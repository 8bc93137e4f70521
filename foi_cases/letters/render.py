"""The one rendering seam for letters (HOUSE_STYLE 15).

`render_letter_html(letter) -> str` gives the HTML for the browser preview;
`render_letter_pdf(letter) -> bytes` renders the same HTML with WeasyPrint, whose URL fetcher
serves only the project's own static files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

from foi_cases.letters.text import render_body_parts
from foi_cases.models import Letter, LetterSettings

logger = logging.getLogger(__name__)

#: WeasyPrint resolves relative URLs against this; ".invalid" can never resolve (RFC 2606).
LETTER_BASE_URL = "https://letter.invalid/"
LETTER_STYLESHEET = "letters/letter.css"
STATIC_TYPES = {".css", ".png", ".jpg", ".jpeg", ".svg"}
PDF_VARIANT = "pdf/ua-1"


def signatory_name(letter: Letter) -> str:
    """Who signs: the reviewer who approved the letter, or the configured role's holder."""
    frame = letter.frame
    if frame.get("signed_by") != LetterSettings.SignedBy.APPROVER:
        return str(frame.get("signatory_name", ""))
    approver = letter.approved_by if letter.approved_hash else None
    if approver is None:
        return "[The reviewer who approves this letter]"
    return approver.get_full_name().strip() or approver.get_username()


def letter_context(letter: Letter) -> dict[str, Any]:
    frame = letter.frame
    body_html, closing_html = render_body_parts(letter.body)
    return {
        "letter": letter,
        "frame": frame,
        "dated": letter.dated,
        "received_on": dt.date.fromisoformat(frame["received_on"])
        if frame.get("received_on")
        else None,
        "body_html": body_html,
        "closing_html": closing_html,
        "signatory_name": signatory_name(letter),
        "stylesheet": settings.STATIC_URL + LETTER_STYLESHEET,
        "document_title": f"{letter.get_kind_display()} – {frame.get('reference', '')}",
    }


def render_letter_html(letter: Letter) -> str:
    """The letter as a standalone HTML page: the browser preview and the PDF's source."""
    return render_to_string(f"letters/{letter.kind}.html", letter_context(letter))


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


def render_letter_document(
    letter: Letter, *, fetcher: StaticFileFetcher | None = None
) -> RenderedPdf:
    """Render the PDF (A4, tagged PDF/UA-1) and count its pages."""
    html = HTML(
        string=render_letter_html(letter),
        base_url=LETTER_BASE_URL,
        url_fetcher=fetcher or StaticFileFetcher(),
    )
    options = {"pdf_variant": PDF_VARIANT}
    document = html.render(**options)
    return RenderedPdf(data=document.write_pdf(**options), pages=len(document.pages))


def render_letter_pdf(letter: Letter, *, fetcher: StaticFileFetcher | None = None) -> bytes:
    return render_letter_document(letter, fetcher=fetcher).data


def pdf_name(letter: Letter, digest: str) -> str:
    """A stable storage name: rendering the same approved text again overwrites, not duplicates."""
    reference = re.sub(r"[^A-Za-z0-9-]", "-", letter.case.reference)
    return f"letters/{reference}/{reference}-{letter.kind}-v{letter.version}-{digest[:12]}.pdf"


def download_name(letter: Letter) -> str:
    reference = re.sub(r"[^A-Za-z0-9-]", "-", letter.case.reference)
    return f"{reference}-{letter.kind.replace('_', '-')}-v{letter.version}.pdf"


# --- The URL fetcher --------------------------------------------------------------------------


def _static_roots() -> list[Path]:
    roots = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(path).resolve())
    return roots


class StaticFileFetcher(URLFetcher):
    """Give WeasyPrint the project's own static files and refuse every other URL.

    Only `<LETTER_BASE_URL>/static/<path>` is served, and only when a staticfiles finder
    resolves the path to a stylesheet or image inside STATICFILES_DIRS. No file://, no
    network, no data: URLs. `requested` and `refused` record what was asked for.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=())
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        self.requested.append(url)
        path = self.static_file_for(url)
        if path is None:
            self.refused.append(url)
            logger.warning("Letter rendering refused to fetch %.200s", url)
            raise ValueError("Letters may use only the project's own static files.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    @staticmethod
    def static_file_for(url: str) -> Path | None:
        parts = urlsplit(url)
        base = urlsplit(LETTER_BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            return None
        if parts.query or parts.fragment:
            return None
        prefix = urlsplit(settings.STATIC_URL).path
        path = unquote(parts.path)
        if not path.startswith(prefix):
            return None
        relative = path[len(prefix) :]
        segments = relative.split("/")
        if not relative or "\\" in relative or "\x00" in relative:
            return None
        if any(segment in ("", ".", "..") for segment in segments):
            return None
        if Path(relative).suffix.lower() not in STATIC_TYPES:
            return None
        found = finders.find(relative)
        if not found or isinstance(found, list):
            return None
        real = Path(found).resolve()
        if not real.is_file() or not any(real.is_relative_to(root) for root in _static_roots()):
            return None
        return real
