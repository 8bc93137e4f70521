"""The release bundle: a schedule, then each released record after a cover page, in one PDF.

Only records marked as within the request are released; the others appear nowhere in it.
The requester is never named in it: it is published as it is with the disclosure log entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import subprocess
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pikepdf
from django.template.loader import render_to_string
from django.utils import timezone

from exemptions.models import ExemptionCitation
from foi_cases import approval
from foi_cases.models import Case, Correspondence, Record, RecordRedaction, ReleaseBundle
from foi_cases.release import leaks
from foi_cases.release.redact import Box, ReleaseError, apply_redactions

Conversion = Record.Conversion
# The label on a box, and the schedule's ground, where naming the section would itself
# disclose exempt information (s17(4)).
S17_4_LABEL = "Redacted"
S17_4_GROUND = "exempt information withheld"


def released_records(case: Case) -> list[Record]:
    """The records to release: marked within the request, one copy of each identical file."""
    records = list(
        case.records.filter(responsive=Record.Responsiveness.RESPONSIVE).select_related(
            "duplicate_of"
        )
    )
    originals = {r.pk for r in records if r.duplicate_of_id is None}
    return [r for r in records if r.duplicate_of_id not in originals]


def _source(record: Record) -> Record:
    """The record holding the review copy (a duplicate shares its first copy's)."""
    return record.duplicate_of or record


def readiness_problem(case: Case) -> str:
    """Why the bundle cannot be built now, or ""."""
    if not approval.is_approved(case):
        return "The response must be approved before the release bundle is built."
    records = released_records(case)
    if not records:
        return "No record is marked as within the request, so there is nothing to release."
    for record in records:
        source = _source(record)
        if source.conversion == Conversion.QUARANTINED:
            return f"{record.original_name} is in quarantine; deal with it before releasing."
        if source.conversion != Conversion.READY or not source.review_pdf:
            return f"{record.original_name} is not yet converted for review."
    return ""


def _redactions(records: Sequence[Record]) -> list[RecordRedaction]:
    return list(
        RecordRedaction.objects.filter(record__in=records)
        .select_related("citation")
        .order_by("record", "page", "y0", "x0", "pk")
    )


def inputs_hash(case: Case) -> str:
    """A fingerprint of what a bundle is built from: the approval, records and redactions."""
    records = released_records(case)
    content = {
        "approved": approval.approved_hash(case),
        "records": [[r.pk, _source(r).sha256, _source(r).review_pdf.name] for r in records],
        "redactions": [
            [r.record_id, r.page, r.x0, r.y0, r.x1, r.y1, r.citation_id]
            for r in _redactions(records)
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def current_bundle(case: Case) -> ReleaseBundle | None:
    """The latest ready bundle, if it still matches the approval, records and redactions."""
    bundle = case.release_bundles.filter(status=ReleaseBundle.Status.READY).first()
    if bundle is None or not approval.is_approved(case) or bundle.inputs_hash != inputs_hash(case):
        return None
    return bundle


def published_bundle(case: Case) -> ReleaseBundle | None:
    """The bundle to publish with the disclosure log entry: the one the requester was sent,
    else the current one."""
    sent = (
        ReleaseBundle.objects.filter(emails__case=case, emails__status=Correspondence.Status.SENT)
        .order_by("-emails__sent_at")
        .first()
    )
    return sent or current_bundle(case)


def text_of(row: ReleaseBundle) -> str:
    """The bundle's text, as a reader's search would find it."""
    with row.file.open("rb") as stored:
        data = stored.read()
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True, timeout=120
    ).stdout.decode("utf-8", errors="replace")


def download_name(row: ReleaseBundle) -> str:
    return f"{row.case.reference}-release.pdf"


def send_refusal(case: Case) -> str:
    """Why the response cannot be e-mailed yet for want of a bundle, or ""."""
    if released_records(case) and current_bundle(case) is None:
        return (
            "Records are to be released with this response, but there is no up-to-date "
            "release bundle. Build it from the case's records page, then send."
        )
    return ""


def box_label(citation: ExemptionCitation) -> str:
    """What a redaction box shows, in the review viewer and on the released page alike."""
    return S17_4_LABEL if citation.omit_reasons else citation.provision


def ground(redaction: RecordRedaction) -> str:
    return S17_4_GROUND if redaction.citation.omit_reasons else redaction.citation.provision


def box_of(redaction: RecordRedaction) -> Box:
    r = redaction
    return Box(page=r.page, x0=r.x0, y0=r.y0, x1=r.x1, y1=r.y1, label=box_label(r.citation))


@dataclass
class ScheduleEntry:
    number: int
    pages: int
    withheld: list[dict[str, object]] = field(default_factory=list)


def schedule_rows(number: int, pages: int, redactions: Sequence[RecordRedaction]) -> ScheduleEntry:
    """One document's line of the schedule: per page, how many redactions on which grounds."""
    counts = Counter(r.page for r in redactions)
    entry = ScheduleEntry(number, pages)
    for page in sorted(counts):
        grounds = sorted({ground(r) for r in redactions if r.page == page})
        entry.withheld.append({"page": page, "count": counts[page], "grounds": grounds})
    return entry


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class BuiltBundle:
    pdf: bytes
    pages: int
    documents: int


def _render(template: str, context: dict[str, object]) -> bytes:
    from weasyprint import HTML

    from foi_cases.letters.render import StaticFileFetcher

    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=StaticFileFetcher()).write_pdf()


def build(case: Case) -> BuiltBundle:
    """Apply every record's redactions, add the schedule and covers, and run the leak check.

    Raises ReleaseError naming the document and page of every problem found, or the tool
    that failed.
    """
    try:
        return _build(case)
    except (subprocess.SubprocessError, OSError, pikepdf.PdfError) as error:
        raise ReleaseError(
            f"A PDF tool failed ({type(error).__name__}); build the bundle again."
        ) from error


def _build(case: Case) -> BuiltBundle:
    records = released_records(case)
    redactions = _redactions(records)
    title = f"{case.reference} release"
    released: list[bytes] = []
    entries: list[ScheduleEntry] = []
    phrases: list[str] = []
    for number, record in enumerate(records, start=1):
        own = [r for r in redactions if r.record_id == record.pk]
        boxes = [box_of(r) for r in own]
        with _source(record).review_pdf.open("rb") as stored:
            review = stored.read()
        phrases += leaks.redacted_phrases(review, boxes)
        pdf = apply_redactions(review, boxes, title=f"{case.reference} document {number}")
        with pikepdf.open(io.BytesIO(pdf)) as opened:
            pages = len(opened.pages)
        released.append(pdf)
        entries.append(schedule_rows(number, pages, own))
    context = {"case": case, "entries": entries, "dated": timezone.localdate(), "title": title}
    schedule = _render("release/schedule.html", context)
    covers = _render("release/covers.html", context)
    pdf, schedule_pages = _assemble(schedule, covers, released, title=title)
    layout = leaks.bundle_pages({e.number: e.pages for e in entries}, schedule_pages, title=title)
    problems = leaks.leak_problems(pdf, phrases, layout)
    if problems:
        raise ReleaseError("The leak check failed: " + " ".join(problems))
    return BuiltBundle(pdf=pdf, pages=len(layout.page_names), documents=len(records))


def _assemble(
    schedule: bytes, covers: bytes, released: Sequence[bytes], *, title: str
) -> tuple[bytes, int]:
    """The schedule's pages, then each document's cover and pages; only the title as metadata.

    Every source stays open until the bundle is saved: pikepdf copies their objects then.
    """
    out = pikepdf.new()
    with contextlib.ExitStack() as sources:
        first, cover, *documents = (
            sources.enter_context(pikepdf.open(io.BytesIO(data)))
            for data in (schedule, covers, *released)
        )
        if len(cover.pages) != len(documents):
            raise ReleaseError("A document's cover page ran over one page.")
        out.pages.extend(first.pages)
        for index, document in enumerate(documents):
            out.pages.append(cover.pages[index])
            out.pages.extend(document.pages)
        schedule_pages = len(first.pages)
        for page in out.pages:
            for key in ("/StructParents", "/Tabs", "/Annots"):
                if key in page.obj:
                    del page.obj[key]
        out.docinfo = out.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(title)))
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True)
    return buffer.getvalue(), schedule_pages
