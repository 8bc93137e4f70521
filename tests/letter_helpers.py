"""Cases and letter settings for the letter tests, recorded through the real workflow."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from foi_cases import workflow
from foi_cases.demo import (  # noqa: F401  (re-exported for the letter tests)
    S31_REASONS,
    S31_SUMMARY,
    S38_NCND_REASONS,
    S38_NCND_SUMMARY,
    S38_REASONS,
    S38_SUMMARY,
    SEED_000_QUESTION,
    SEED_001_ANSWERS,
    SEED_001_QUESTIONS,
    record_seed_000_decisions,
    record_seed_001_decisions,
)
from foi_cases.models import Case, LetterSettings

LONDON = ZoneInfo("Europe/London")


def complete_letter_settings() -> LetterSettings:
    row = LetterSettings.load()
    row.authority_name = "House of Commons"
    row.name_in_text = "the House of Commons"
    row.address = "Freedom of Information Team\nHouse of Commons\nLondon\nSW1A 0AA"
    row.contact_email = "foicommons@parliament.uk"
    row.signed_by = LetterSettings.SignedBy.ROLE
    row.signatory_name = "Alex Example"
    row.signatory_title = "Freedom of Information Officer"
    row.save()
    return row


def log_case(
    actor,
    *,
    questions: list[str],
    title: str = "Members security (2019)",
    requester: str = "Sam Requester",
    received_at: dt.datetime | None = None,
    assignee=None,
    regime: str = Case.Regime.FOIA,
) -> Case:
    case = workflow.log_request(
        actor=actor,
        requester=workflow.RequesterDetails(
            name=requester,
            email="sam@example.com",
            postal_address="1 Example Street\nExampletown\nEX1 2MP",
        ),
        channel=Case.Channel.EMAIL,
        received_at=received_at or dt.datetime(2019, 10, 1, 10, 0, tzinfo=LONDON),
        regime=regime,
        title=title,
        request_text="\n".join(questions),
        questions=questions,
    )
    if assignee is not None:
        workflow.assign_case(case, actor=actor, assignee=assignee)
    return case


def pdf_text(data: bytes) -> str:
    """The PDF's text with whitespace collapsed, as a reader (or the ICO) would search it."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def ipsa_letter_settings() -> LetterSettings:
    row = complete_letter_settings()
    row.authority_name = "Independent Parliamentary Standards Authority"
    row.name_in_text = "IPSA"
    row.address = "85 Strand\nLondon\nWC2R 0DW"
    row.save()
    return row
