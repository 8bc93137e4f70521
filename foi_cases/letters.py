"""Letters to requesters: composition, the s17 completeness check, and the one rendering seam.

A letter's text is plain text in a tiny line syntax, never HTML: a blank line separates
paragraphs, "## " and "### " start headings, "> " quotes the requester's question and "- "
makes a bullet. Every character is escaped when rendered, so text typed by anyone (including
`<script>` or `<img src=...>`) prints as itself. `render_letter_html` gives the HTML for the
browser preview; `render_letter_pdf` renders the same HTML with WeasyPrint, whose URL fetcher
serves only the project's own static files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import mimetypes
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

from foi_cases.models import Case, ClockEvent, Letter, LetterSettings

logger = logging.getLogger(__name__)

Kind = Letter.Kind

#: WeasyPrint resolves relative URLs against this; ".invalid" can never resolve (RFC 2606).
LETTER_BASE_URL = "https://letter.invalid/"
LETTER_STYLESHEET = "letters/letter.css"
STATIC_TYPES = {".css", ".png", ".jpg", ".jpeg", ".svg"}
PDF_VARIANT = "pdf/ua-1"
MAX_BODY_CHARACTERS = 200_000
PLACEHOLDER = re.compile(r"\[\[.*?\]\]", re.DOTALL)

#: The subsections that exclude the duty to confirm or deny (FOIA Part II).
NCND_PROVISIONS = frozenset(
    {
        "22(2)", "22A(2)", "23(5)", "24(2)", "26(3)", "27(4)", "28(3)", "29(2)", "30(3)",
        "31(3)", "32(3)", "33(3)", "34(2)", "35(3)", "36(3)", "37(2)", "38(2)", "39(2)",
        "40(5A)", "40(5B)", "41(2)", "42(2)", "43(3)", "44(2)",
    }
)  # fmt: skip
#: "31(1)(a)": a section number and at least one subsection.
PROVISION_WITH_SUBSECTION = re.compile(r"^(?P<section>\d+[A-Z]?)(?P<rest>(?:\(\w+\))+)$")


# --- The line syntax of a letter's text ------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "h3", "quote", "ul" or "p"
    lines: tuple[str, ...]


_PREFIXES = (("### ", "h3"), ("## ", "h2"), ("> ", "quote"), ("- ", "ul"))


def _line_kind(line: str) -> tuple[str, str]:
    for prefix, kind in _PREFIXES:
        if line.startswith(prefix):
            return kind, line[len(prefix) :].strip()
    if line.strip() == ">":
        return "quote", ""
    return "p", line.strip()


def normalise_body(text: str) -> str:
    """One newline convention, no trailing spaces, no control characters but newlines and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def parse_body(text: str) -> list[Block]:
    """Split a letter's text into blocks: headings stand alone, like lines run together."""
    blocks: list[Block] = []
    current_kind, current_lines = "", []

    def flush() -> None:
        nonlocal current_kind, current_lines
        if current_lines:
            blocks.append(Block(current_kind, tuple(current_lines)))
        current_kind, current_lines = "", []

    for line in normalise_body(text).split("\n"):
        if not line.strip():
            flush()
            continue
        kind, content = _line_kind(line)
        if kind in ("h2", "h3"):
            flush()
            blocks.append(Block(kind, (content,)))
            continue
        if kind != current_kind:
            flush()
            current_kind = kind
        current_lines.append(content)
    flush()
    return blocks


def render_body_html(text: str) -> SafeString:
    """The letter's text as HTML; every piece of text is escaped."""
    parts: list[str] = []
    for block in parse_body(text):
        lines = [escape(line) for line in block.lines]
        if block.kind in ("h2", "h3"):
            parts.append(f"<{block.kind}>{lines[0]}</{block.kind}>")
        elif block.kind == "ul":
            items = "".join(f"<li>{line}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        elif block.kind == "quote":
            parts.append(f'<blockquote class="question"><p>{"<br>".join(lines)}</p></blockquote>')
        else:
            parts.append(f"<p>{'<br>'.join(lines)}</p>")
    return mark_safe("\n".join(parts))  # noqa: S308 - built from escaped text only


def plain_text(text: str) -> str:
    """The letter's words without the line syntax, for checks that read the text."""
    return " ".join(" ".join(block.lines) for block in parse_body(text))


# --- Dates, names and citations ---------------------------------------------------------------


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "[[date]]"


def received_on(case: Case) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(case.received_at).date()


def act_name(case: Case) -> tuple[str, str]:
    """The Act's full name and its short form, for the case's regime."""
    if case.regime == Case.Regime.EIR:
        return "Environmental Information Regulations 2004", "EIR"
    if case.regime == Case.Regime.FOISA:
        return "Freedom of Information (Scotland) Act 2002", "FOISA"
    return "Freedom of Information Act 2000", "FOIA"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def format_provisions(provisions: Iterable[str]) -> str:
    """["31(1)(a)", "31(1)(b)", "38(1)(a)"] -> "sections 31(1)(a) and (b) and 38(1)(a)"."""
    grouped: dict[str, list[str]] = {}
    for raw in provisions:
        provision = raw.strip().removeprefix("s").removeprefix("section ").strip()
        match = re.match(r"^(\d+[A-Z]?(?:\(\w+\))?)((?:\(\w+\))*)$", provision)
        stem, tail = (match.group(1), match.group(2)) if match else (provision, "")
        limbs = grouped.setdefault(stem, [])
        if tail and tail not in limbs:
            limbs.append(tail)
        elif not tail and "" not in limbs:
            limbs.append("")
    phrases = []
    for stem, limbs in grouped.items():
        named = [limb for limb in limbs if limb]
        if not named:
            phrases.append(stem)
        else:
            phrases.append(stem + _join_and([named[0]] + named[1:]))
    word = "section" if len(phrases) == 1 else "sections"
    return f"{word} {_join_and(phrases)}"


def _join_and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def has_subsection(provision: str) -> bool:
    return bool(PROVISION_WITH_SUBSECTION.match(provision.strip().removeprefix("s")))


def is_ncnd_provision(provision: str) -> bool:
    provision = provision.strip().removeprefix("s")
    return any(provision.startswith(ncnd) for ncnd in NCND_PROVISIONS)


# --- What a final response is composed from ---------------------------------------------------


class Position(StrEnum):
    """How one question is answered."""

    DISCLOSED = "disclosed"
    PART_DISCLOSED = "part_disclosed"
    WITHHELD = "withheld"
    NOT_HELD = "not_held"
    NCND = "ncnd"
    COST_LIMIT = "cost_limit"  # s12
    VEXATIOUS = "vexatious"  # s14(1)
    REPEATED = "repeated"  # s14(2)
    PROCEDURAL = "procedural"  # another Part I ground


REFUSALS = {Position.PART_DISCLOSED, Position.WITHHELD, Position.NCND}
PROCEDURAL_POSITIONS = {
    Position.COST_LIMIT,
    Position.VEXATIOUS,
    Position.REPEATED,
    Position.PROCEDURAL,
}


@dataclass(frozen=True)
class PublicInterest:
    """A public interest test as the letter gives it (s17(3))."""

    for_disclosure: tuple[str, ...] = ()
    for_maintaining: tuple[str, ...] = ()
    summary: str = ""  # the reasons for the conclusion, written for the letter
    maintained: bool = True

    @property
    def has_reasons(self) -> bool:
        return bool(self.summary.strip())


@dataclass(frozen=True)
class Citation:
    """One exemption relied on for one question, with the reasoning meant for the letter."""

    provisions: tuple[str, ...]  # e.g. ("s31(1)(a)", "s31(1)(b)")
    title: str  # e.g. "Law enforcement"
    qualified: bool
    ncnd: bool = False
    reasons: str = ""  # why the exemption applies (s17(1)(c))
    omit_reasons: bool = False  # s17(4): the reasons would themselves disclose exempt information
    pit: PublicInterest | None = None

    @property
    def section(self) -> str:
        first = self.provisions[0].strip().removeprefix("s") if self.provisions else ""
        match = re.match(r"^\d+[A-Z]?", first)
        return match.group(0) if match else ""

    @property
    def cited_as(self) -> str:
        return format_provisions(self.provisions)


@dataclass(frozen=True)
class Answer:
    number: int
    question: str
    position: Position | None
    held: str = ""  # the public position: held, partly_held, not_held or ncnd
    answer_text: str = ""  # what is disclosed, or why it is not held
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    aggregate_pit: PublicInterest | None = None  # weighed over several exemptions together
    aggregate_of: tuple[str, ...] = ()

    def covered_by_aggregate(self, citation: Citation) -> bool:
        return bool(self.aggregate_pit and set(citation.provisions) & set(self.aggregate_of))


def _position(question: Any, citations: Sequence[Any]) -> Position | None:
    held, outcome = question.held_status, question.outcome
    Outcome = type(question).Outcome
    if held == type(question).Held.NCND:
        return Position.NCND
    if outcome == Outcome.PROCEDURAL:
        sections = {c.exemption.section for c in citations}
        if "s12" in sections:
            return Position.COST_LIMIT
        if "s14(1)" in sections:
            return Position.VEXATIOUS
        if "s14(2)" in sections:
            return Position.REPEATED
        return Position.PROCEDURAL
    return {
        Outcome.DISCLOSED: Position.DISCLOSED,
        Outcome.WITHHELD_IN_PART: Position.PART_DISCLOSED,
        Outcome.WITHHELD_IN_FULL: Position.WITHHELD,
        Outcome.NOT_HELD: Position.NOT_HELD,
    }.get(outcome)


def _public_interest(test: Any) -> PublicInterest | None:
    if test is None:
        return None
    factors = sorted(test.factors.all(), key=lambda f: (f.position, f.pk))
    return PublicInterest(
        for_disclosure=tuple(f.text for f in factors if f.side == "disclosure"),
        for_maintaining=tuple(f.text for f in factors if f.side == "maintain"),
        summary=test.summary,
        maintained=test.conclusion == "maintain",
    )


def _citation(citation: Any) -> Citation:
    provisions = tuple(citation.limbs) or (citation.provision or citation.exemption.section,)
    return Citation(
        provisions=provisions,
        title=citation.exemption.short_name,
        qualified=citation.needs_pit,
        ncnd=citation.role == "ncnd",
        reasons=citation.reasoning,
        omit_reasons=citation.omit_reasons,
        pit=_public_interest(getattr(citation, "pit", None)),
    )


def answers_for(case: Case) -> list[Answer]:
    """The case's questions with their recorded decisions, in the form letters use.

    Reads only what the reviewer approved (exemptions.workflow.canonical_decisions covers
    the same fields); never the internal held status of an NCND question.
    """
    questions = case.questions.order_by("number").prefetch_related(
        "citations__exemption", "citations__pit__factors", "public_interest_tests__factors",
        "public_interest_tests__combines",
    )  # fmt: skip
    answers = []
    for question in questions:
        citations = sorted(question.citations.all(), key=lambda c: (c.position, c.pk))
        aggregate = next((t for t in question.public_interest_tests.all() if t.is_aggregate), None)
        answers.append(
            Answer(
                number=question.number,
                question=question.text,
                position=_position(question, citations),
                held=question.held_status,
                answer_text=question.answer_text,
                citations=tuple(_citation(c) for c in citations),
                aggregate_pit=_public_interest(aggregate),
                aggregate_of=tuple(
                    limb
                    for c in (aggregate.combines.all() if aggregate else [])
                    for limb in c.limbs
                ),
            )
        )
    return answers


def decisions_hash_for(case: Case) -> str:
    """The hash the standing approval of the decisions recorded ("" if none stands)."""
    from exemptions import workflow as decisions

    return decisions.approved_hash(case)


def decisions_approved(case: Case) -> bool:
    from exemptions import workflow as decisions

    return decisions.is_approved(case)


# --- Letterhead, addressee and signatory ------------------------------------------------------


def frame_for(case: Case, letter_settings: LetterSettings) -> dict[str, Any]:
    """Everything printed around the text, frozen when the letter is composed."""
    requester = case.requester
    return {
        "authority_name": letter_settings.authority_name,
        "address_lines": _lines(letter_settings.address),
        "contact_email": letter_settings.contact_email,
        "recipient_name": requester.name,
        "recipient_address_lines": _lines(requester.postal_address),
        "recipient_email": requester.email,
        "reference": case.reference,
        "received_on": received_on(case).isoformat(),
        "title": case.title,
        "signatory_name": letter_settings.signatory_name,
        "signatory_title": letter_settings.signatory_title,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


# --- Composition ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Composition:
    body: str
    decisions_hash: str = ""


def _paragraphs(*parts: str | Iterable[str]) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                out.append(part.strip())
        else:
            out.extend(item.strip() for item in part if item.strip())
    return "\n\n".join(out)


def _quoted(text: str) -> str:
    """A question restated as a quotation, one "> " per line."""
    return "\n".join(
        f"> {line}" if line.strip() else ">" for line in normalise_body(text).split("\n")
    )


def _salutation(case: Case) -> str:
    name = case.requester.name.strip()
    return f"Dear {name}," if name else "Dear Requester,"


def rights_section(letter_settings: LetterSettings, *, act: str, internal_review: bool) -> str:
    """The s17(7) paragraphs: the internal review procedure and the right to complain (s50)."""
    s = letter_settings
    ico_lines = [s.ico_name, *_lines(s.ico_address)]
    contact = []
    if s.ico_telephone:
        contact.append(f"Telephone: {s.ico_telephone}")
    if s.ico_email:
        contact.append(f"E-mail: {s.ico_email}")
    if s.ico_website:
        contact.append(f"Website: {s.ico_website}")
    parts = []
    if internal_review:
        parts.append("## Internal review and your right to complain")
        parts.append(s.internal_review_text)
        if s.contact_email:
            parts.append(f"You can write to us at {s.contact_email}.")
        parts.append(
            "If you remain dissatisfied after the internal review, you have the right under "
            f"section 50 of the {act} to apply to the Information Commissioner for a decision "
            "on whether your request has been dealt with in accordance with the Act. The "
            "Commissioner will normally expect you to have asked for an internal review first."
        )
    else:
        parts.append("## Your right to complain to the Information Commissioner")
        parts.append(
            "If you remain dissatisfied, you have the right under section 50 of the "
            f"{act} to apply to the Information Commissioner for a decision on whether your "
            "request has been dealt with in accordance with the Act."
        )
    parts.append("The Information Commissioner can be contacted at:")
    parts.append("\n".join([*ico_lines, *contact]))
    return _paragraphs(parts)


def compose(case: Case, kind: str) -> Composition:
    """The first draft of a letter of this kind, from the case as it stands."""
    letter_settings = LetterSettings.load()
    composer = COMPOSERS[Kind(kind)]
    return composer(case, letter_settings)


def _request_paragraph(case: Case) -> str:
    act, short = act_name(case)
    return (
        f"Thank you for your request for information, which we received on "
        f"{long_date(received_on(case))}. We are dealing with it under the {act} ({short})."
    )


def _questions_quoted(case: Case) -> list[str]:
    return [_quoted(f"{q.number}. {q.text}") for q in case.questions.order_by("number")]


def compose_acknowledgement(case: Case, s: LetterSettings) -> Composition:
    _, short = act_name(case)
    due = case.current_due_on
    return Composition(
        _paragraphs(
            _salutation(case),
            _request_paragraph(case),
            "You asked for the following information:",
            _questions_quoted(case),
            f"We will respond promptly and in any event by {long_date(due)}, the twentieth "
            f"working day following the date we received your request (section 10(1) {short}).",
            "If we need more information to identify what you are asking for, or if a fee is "
            "payable, we will write to you; the date by which we must respond may then change.",
            f"Please quote the reference {case.reference} in any correspondence about this "
            "request.",
        )
    )


def _latest_clock_event(case: Case, kind: str) -> ClockEvent | None:
    return case.clock_events.filter(kind=kind).order_by("-on", "-created_at").first()


def compose_clarification(case: Case, s: LetterSettings) -> Composition:
    _, short = act_name(case)
    event = _latest_clock_event(case, ClockEvent.Kind.CLARIFICATION_REQUESTED)
    what = (event.note.strip() if event else "") or (
        "[[Say exactly what you need the requester to clarify, and suggest how they might "
        "describe the information (section 16 advice and assistance).]]"
    )
    return Composition(
        _paragraphs(
            _salutation(case),
            _request_paragraph(case),
            "You asked for the following information:",
            _questions_quoted(case),
            "## What we need from you",
            f"Under section 1(3) of the {short}, we need further information from you in order "
            "to identify and locate the information you have asked for:",
            what,
            "We will not be able to deal with your request until we receive your reply. When we "
            "do, the 20 working days we have to respond will start again from the day we receive "
            f"it (section 10(6)(b) {short}).",
            f"Please quote the reference {case.reference} when you reply.",
        )
    )


def _fee_amount(event: ClockEvent | None) -> str:
    match = re.search(r"£\s?([\d,]+(?:\.\d{2})?)", event.note) if event else None
    return f"£{match.group(1)}" if match else "[[amount]]"


def compose_fees_notice(case: Case, s: LetterSettings) -> Composition:
    _, short = act_name(case)
    event = _latest_clock_event(case, ClockEvent.Kind.FEE_NOTICE_GIVEN)
    notice_day = event.on if event else None
    return Composition(
        _paragraphs(
            _salutation(case),
            _request_paragraph(case),
            "## Fees notice",
            f"Under section 9 of the {short}, a fee of {_fee_amount(event)} is payable before we "
            "can provide the information you have asked for. The fee covers:",
            "- [[Itemise the disbursements, e.g. photocopying and postage.]]",
            f"You have three months from the date of this notice, {long_date(notice_day)}, to "
            f"pay the fee (section 9(2) {short}). If it is not paid in that time, we are not "
            "obliged to provide the information.",
            "The working days from the day this notice is given to the day we receive the fee "
            f"do not count towards the 20 working days we have to respond (section 10(2) {short}).",
            "[[Explain how to pay, quoting the reference.]]",
        )
    )


def compose_pit_extension(case: Case, s: LetterSettings) -> Composition:
    act, short = act_name(case)
    event = _latest_clock_event(case, ClockEvent.Kind.PIT_EXTENSION)
    cited = (event.exemptions_cited if event else "") or "[[the exemptions relied on]]"
    estimate = long_date(event.estimated_decision_on if event else None)
    return Composition(
        _paragraphs(
            _salutation(case),
            _request_paragraph(case),
            "## Extension of time to consider the public interest",
            f"We are considering the application of {cited} of the {short} to your request. "
            "These are qualified exemptions: we must decide whether, in all the circumstances of "
            "the case, the public interest in maintaining the exemption outweighs the public "
            "interest in disclosure.",
            "We have not yet reached a decision on the balance of the public interest. Section "
            f"10(3) of the {short} allows us such time as is reasonable in the circumstances to "
            f"do so. We estimate that we will reach a decision by {estimate} (section 17(2) "
            f"{short}), and we will write to you again by then.",
            rights_section(s, act=act, internal_review=True),
        )
    )


def compose_internal_review(case: Case, s: LetterSettings) -> Composition:
    act, _ = act_name(case)
    return Composition(
        _paragraphs(
            _salutation(case),
            f"Thank you for asking for an internal review of our response to your request "
            f"{case.reference}. The review was carried out by someone who was not involved in "
            "the original decision.",
            "## Outcome of the review",
            "[[State whether the original decision is upheld, upheld in part or overturned.]]",
            "[[Explain the reasons, addressing each point the requester raised.]]",
            rights_section(s, act=act, internal_review=False),
        )
    )


def _held_sentence(answer: Answer, s: LetterSettings) -> str:
    if answer.held == "partly_held":
        return f"Some of this information is held by {s.name_in_text}."
    return f"This information is held by {s.name_in_text}."


def _with_text(sentence: str, text: str) -> str:
    return f"{sentence} {text}" if text else sentence


def _procedural_paragraphs(answer: Answer, s: LetterSettings, short: str) -> list[str]:
    authority = _capitalise(s.name_in_text)
    text = answer.answer_text.strip()
    if answer.position == Position.COST_LIMIT:
        limit = settings.FOI_COST_LIMIT_POUNDS
        rate = settings.FOI_HOURLY_RATE_POUNDS
        first = (
            f"{authority} estimates that the cost of complying with this part of your request "
            f"would exceed the appropriate limit of £{limit}, which represents {limit // rate} "
            f"hours of work at £{rate} an hour under the Freedom of Information and Data "
            "Protection (Appropriate Limit and Fees) Regulations 2004. Section 12 of the "
            f"{short} therefore means that we are not obliged to comply with it."
        )
    elif answer.position == Position.VEXATIOUS:
        first = (
            f"{authority} considers this request to be vexatious. Section 14(1) of the {short} "
            "provides that we are not obliged to comply with a vexatious request."
        )
    elif answer.position == Position.REPEATED:
        first = (
            "This request is identical or substantially similar to a previous request from you "
            "which we have answered, and a reasonable interval has not passed since then. "
            f"Section 14(2) of the {short} provides that we are not obliged to comply with it."
        )
    else:
        cited = format_provisions(p for c in answer.citations for p in c.provisions)
        first = (
            f"{authority} is not obliged to comply with this part of your request under {cited} "
            f"of the {short}."
        )
    return [first, *([text] if text else [])]


def _answer_paragraphs(answer: Answer, s: LetterSettings, case: Case) -> list[str]:
    """What the letter says under one restated question."""
    act, short = act_name(case)
    authority = s.name_in_text
    text = answer.answer_text.strip()
    position = answer.position
    if position is None:
        return ["[[No decision is recorded for this question.]]"]
    if position == Position.DISCLOSED:
        return [_with_text(_held_sentence(answer, s), text)]
    if position == Position.NOT_HELD:
        return [_with_text(f"This information is not held by {authority}.", text)]
    if position in PROCEDURAL_POSITIONS:
        return _procedural_paragraphs(answer, s, short)
    if position == Position.NCND:
        # Never the answer text or anything else that could differ between held and not held.
        ncnd = [p for c in answer.citations if c.ncnd for p in c.provisions]
        cited = format_provisions(ncnd or [p for c in answer.citations for p in c.provisions])
        return [
            f"In accordance with {cited} of the {act} ({short}), {authority} neither confirms "
            "nor denies whether it holds the information you have requested. The reasons are "
            "set out below."
        ]
    cited = format_provisions(p for c in answer.citations for p in c.provisions)
    opening = _held_sentence(answer, s)
    if position == Position.PART_DISCLOSED:
        opening = f"{opening} Part of it is provided here; the rest is withheld."
    therefore = (
        f"Therefore, {authority} is withholding "
        f"{'the rest of ' if position == Position.PART_DISCLOSED else ''}this information in "
        f"accordance with {cited} of the {act} ({short})."
    )
    qualified = [c for c in answer.citations if c.qualified]
    if qualified and len(qualified) == len(answer.citations) > 1:
        therefore += (
            " These are qualified exemptions and require public interest tests, which are set "
            "out below."
        )
    elif qualified and len(answer.citations) == 1:
        therefore += (
            " This is a qualified exemption and requires a public interest test, which is set "
            "out below."
        )
    elif qualified:
        therefore += (
            f" The public interest test for {_join_and([c.cited_as for c in qualified])} is set "
            "out below."
        )
    return [_with_text(opening, text), therefore]


def _public_interest_paragraphs(pit: PublicInterest, *, ncnd: bool) -> list[str]:
    parts = []
    sides = (
        (
            "In favour of confirming or denying whether the information is held:"
            if ncnd
            else "In favour of disclosure:",
            pit.for_disclosure,
        ),
        (
            "In favour of neither confirming nor denying:"
            if ncnd
            else "In favour of maintaining the exemption:",
            pit.for_maintaining,
        ),
    )
    for label, factors in sides:
        if factors:
            parts.append("\n".join([label, *(f"- {' '.join(f.split())}" for f in factors)]))
    parts.append(pit.summary)
    return parts


def _citation_section(
    citation: Citation, answer: Answer, s: LetterSettings, short: str, *, numbered: bool
) -> str:
    """One exemption's heading, why it applies (s17(1)(c)) and the public interest (s17(3))."""
    heading = f"## {_capitalise(citation.cited_as)} – {citation.title}"
    if numbered:
        heading += f" (question {answer.number})"
    parts = [heading]
    if citation.omit_reasons:
        parts.append(
            f"{_capitalise(s.name_in_text)} relies on {citation.cited_as} of the {short}. We "
            "cannot say more about why the exemption applies"
            + (" or about the balance of the public interest" if citation.qualified else "")
            + ", because that explanation would itself disclose information which is exempt "
            f"(section 17(4) {short})."
        )
        return _paragraphs(parts)
    parts.append(citation.reasons)
    if not citation.qualified:
        parts.append("This is an absolute exemption, so no public interest test is required.")
        return _paragraphs(parts)
    ncnd = answer.position == Position.NCND
    if citation.pit is not None:
        parts.append(
            "### The public interest in confirming or denying"
            if ncnd
            else "### The public interest test"
        )
        parts += _public_interest_paragraphs(citation.pit, ncnd=ncnd)
    elif answer.covered_by_aggregate(citation):
        parts.append(
            "The public interest in maintaining this exemption is weighed together with the "
            "other exemptions below."
        )
    return _paragraphs(parts)


def _aggregate_section(answer: Answer, *, numbered: bool) -> str:
    if answer.aggregate_pit is None:
        return ""
    heading = f"## The public interest test for {format_provisions(answer.aggregate_of)} together"
    if numbered:
        heading += f" (question {answer.number})"
    return _paragraphs(
        heading,
        "Where more than one qualified exemption applies to the same information, the public "
        "interest in maintaining them can be weighed together against the public interest in "
        "disclosure.",
        _public_interest_paragraphs(answer.aggregate_pit, ncnd=answer.position == Position.NCND),
    )


def compose_final_response(case: Case, s: LetterSettings) -> Composition:
    act, short = act_name(case)
    answers = answers_for(case)
    sections = []
    for answer in answers:
        sections.append(_quoted(f"{answer.number}. {answer.question}"))
        sections.extend(_answer_paragraphs(answer, s, case))
    numbered = sum(1 for answer in answers if answer.position in REFUSALS) > 1
    exemption_sections = []
    for answer in answers:
        if answer.position not in REFUSALS:
            continue
        exemption_sections += [
            _citation_section(citation, answer, s, short, numbered=numbered)
            for citation in answer.citations
        ]
        exemption_sections.append(_aggregate_section(answer, numbered=numbered))
    if any(a.position == Position.COST_LIMIT for a in answers):
        exemption_sections.append(
            _paragraphs(
                "## Advice and assistance",
                "[[Under section 16, suggest how the request could be narrowed so that it can be "
                "answered within the cost limit.]]",
            )
        )
    return Composition(
        _paragraphs(
            _salutation(case),
            f"Thank you for your request for information, which we received on "
            f"{long_date(received_on(case))}. We have dealt with it under the {act} ({short}). "
            "Our response to each part of your request is set out below.",
            "## Your request and our response",
            sections,
            exemption_sections,
            rights_section(s, act=act, internal_review=True),
        ),
        decisions_hash=decisions_hash_for(case),
    )


COMPOSERS = {
    Kind.ACKNOWLEDGEMENT: compose_acknowledgement,
    Kind.CLARIFICATION: compose_clarification,
    Kind.FEES_NOTICE: compose_fees_notice,
    Kind.PIT_EXTENSION: compose_pit_extension,
    Kind.FINAL_RESPONSE: compose_final_response,
    Kind.INTERNAL_REVIEW: compose_internal_review,
}


def case_outcome(answers: Sequence[Answer]) -> str:
    """The case outcome a final response implies, for statistics."""
    positions = {a.position for a in answers}
    outcome = Case.Outcome
    if positions & PROCEDURAL_POSITIONS:
        return outcome.PROCEDURAL_REFUSAL
    if positions == {Position.NCND}:
        return outcome.NCND
    if positions == {Position.NOT_HELD}:
        return outcome.NOT_HELD
    if positions <= {Position.DISCLOSED, Position.NOT_HELD}:
        return outcome.GRANTED_IN_FULL
    if positions <= {Position.WITHHELD, Position.NCND, Position.NOT_HELD}:
        return outcome.WITHHELD_IN_FULL
    return outcome.PARTIALLY_WITHHELD


# --- Staleness: has the case changed since the letter was composed? ---------------------------

#: The clock event each kind of letter states the details of, and what to call it.
CLOCK_EVENT_FOR = {
    Kind.CLARIFICATION: (ClockEvent.Kind.CLARIFICATION_REQUESTED, "clarification request"),
    Kind.FEES_NOTICE: (ClockEvent.Kind.FEE_NOTICE_GIVEN, "fees notice"),
    Kind.PIT_EXTENSION: (ClockEvent.Kind.PIT_EXTENSION, "public interest extension"),
}
#: The letter quotes the questions; a final response also states each one's decisions.
QUOTES_QUESTIONS = {Kind.ACKNOWLEDGEMENT, Kind.CLARIFICATION}
DECISION_LABELS = {
    "text": "wording",
    "regime": "regime",
    "held_status": "held status",
    "outcome": "outcome",
    "answer_text": "answer",
    "citations": "exemptions or their reasons",
    "aggregate_pit": "combined public interest test",
}


def _as_json(value: Any) -> Any:
    """The value as a JSONField returns it, so a fresh snapshot compares equal to a stored one."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def composed_from(case: Case, kind: str) -> dict[str, Any]:
    """The facts of the case a letter of this kind states, frozen when it is composed.

    An internal review outcome states none (the reviewer writes the outcome and reasons into
    it), so it has nothing to go stale against and this is empty.
    """
    from exemptions import workflow as decisions

    facts: dict[str, Any] = {}
    if kind == Kind.FINAL_RESPONSE:
        canonical = decisions.canonical_decisions(case)["questions"]
        facts["questions"] = {str(q.pop("number")): q for q in canonical}
    elif kind in QUOTES_QUESTIONS:
        facts["questions"] = {
            str(number): {"text": text}
            for number, text in case.questions.order_by("number").values_list("number", "text")
        }
    if kind == Kind.ACKNOWLEDGEMENT:
        facts["due_on"] = case.current_due_on
    if kind in CLOCK_EVENT_FOR:
        event = _latest_clock_event(case, CLOCK_EVENT_FOR[Kind(kind)][0])
        facts["clock_event"] = (
            {
                "id": event.pk,
                "on": event.on,
                "estimated_decision_on": event.estimated_decision_on,
                "exemptions_cited": event.exemptions_cited,
                "note": event.note,
            }
            if event
            else None
        )
    return _as_json(facts)


def _question_changes(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    changes = []
    for number in sorted(set(before) | set(now), key=int):
        if number not in now:
            changes.append(f"question {number} was removed")
        elif number not in before:
            changes.append(f"question {number} was added")
        else:
            fields = [
                DECISION_LABELS.get(name, name.replace("_", " "))
                for name in dict.fromkeys([*before[number], *now[number]])
                if before[number].get(name) != now[number].get(name)
            ]
            if fields:
                changes.append(f"question {number}: the {_join_and(fields)} changed")
    return changes


def changes_since_composed(letter: Letter) -> list[str]:
    """What the case says now that differs from what the letter was composed from."""
    before = letter.composed_from
    if not before:  # composed before snapshots were kept, or a kind that states no facts
        return []
    now = composed_from(letter.case, letter.kind)
    changes = _question_changes(before.get("questions", {}), now.get("questions", {}))
    if before.get("due_on") != now.get("due_on"):
        due = dt.date.fromisoformat(now["due_on"]) if now.get("due_on") else None
        changes.append(f"the due date is now {long_date(due) if due else 'not set'}")
    if before.get("clock_event") != now.get("clock_event"):
        changes.append(f"the {CLOCK_EVENT_FOR[Kind(letter.kind)][1]} on the case changed")
    return changes


def stale_reason(letter: Letter) -> str:
    """Why this letter can no longer be approved or sent as composed, or "" (not overridable).

    A final response must match the decisions' standing approval; every kind must still state
    what the case says (see composed_from). The reason names what changed.
    """
    changes = changes_since_composed(letter)
    detail = f" ({'; '.join(changes)})" if changes else ""
    if letter.kind == Kind.FINAL_RESPONSE:
        if not decisions_approved(letter.case):
            return (
                "The exemption decisions are not approved. A reviewer must approve them first."
                + (f" Since this letter was composed: {'; '.join(changes)}." if changes else "")
            )
        if changes or letter.decisions_hash != decisions_hash_for(letter.case):
            return (
                f"The decisions changed after this letter was composed{detail}. Compose a new "
                "version so the letter says what was approved."
            )
        return ""
    if changes:
        return (
            f"The case changed after this letter was composed{detail}. Compose a new version so "
            "the letter says what is now true."
        )
    return ""


# --- The completeness check (s17) -------------------------------------------------------------

RIGHTS_KINDS = {Kind.FINAL_RESPONSE, Kind.PIT_EXTENSION, Kind.INTERNAL_REVIEW}


def check_letter(letter: Letter) -> list[str]:
    """Every s17 element (and letterhead detail) the letter lacks, in words an officer can act on.

    Approval is blocked while this list is not empty, unless the reviewer overrides it with a
    recorded reason.
    """
    problems: list[str] = []
    frame = letter.frame
    text = plain_text(letter.body)
    lowered = text.lower()
    s = LetterSettings.load()
    if not frame.get("authority_name") or not frame.get("address_lines"):
        problems.append("The letterhead has no authority name or address (Letter settings).")
    if not frame.get("signatory_name") or not frame.get("signatory_title"):
        problems.append("The letter has no signatory name or title (Letter settings).")
    if PLACEHOLDER.search(letter.body):
        problems.append("The letter still has text in [[double brackets]] to replace.")
    if letter.kind in RIGHTS_KINDS:
        problems += _rights_problems(letter, s, lowered)
    if letter.kind == Kind.FINAL_RESPONSE:
        problems += decision_problems(answers_for(letter.case), lowered)
    if letter.kind == Kind.PIT_EXTENSION:
        problems += _extension_problems(letter.case)
    if letter.kind == Kind.ACKNOWLEDGEMENT and not letter.case.current_due_on:
        problems.append("The case has no due date to give in the acknowledgement.")
    if letter.case.regime != Case.Regime.FOIA and letter.kind in RIGHTS_KINDS:
        problems.append(
            f"This wording follows FOIA s17; check it against the rules for "
            f"{Case.Regime(letter.case.regime).label}."
        )
    return problems


def _rights_problems(letter: Letter, s: LetterSettings, lowered: str) -> list[str]:
    problems = []
    if letter.kind != Kind.INTERNAL_REVIEW:
        if not s.internal_review_text.strip():
            problems.append("There is no internal review procedure in Letter settings (s17(7)(a)).")
        procedure = _squash(s.internal_review_text)
        if procedure and procedure not in _squash(lowered):
            problems.append(
                "The letter does not give the internal review procedure from Letter settings "
                "(s17(7)(a))."
            )
    if "information commissioner" not in lowered or "section 50" not in lowered:
        problems.append(
            "The letter does not explain the right to complain to the Information Commissioner "
            "under section 50 (s17(7)(b))."
        )
    details = [s.ico_email, s.ico_telephone, *(_lines(s.ico_address)[-1:])]
    if not any(details):
        problems.append("There are no Information Commissioner contact details in Letter settings.")
    elif not all(detail.lower() in lowered for detail in details if detail):
        problems.append(
            "The letter lacks some of the Information Commissioner's contact details (address, "
            "e-mail, telephone)."
        )
    return problems


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def decision_problems(answers: Sequence[Answer], lowered: str) -> list[str]:
    problems = []
    if not answers:
        problems.append("The case has no questions to answer.")
    for answer in answers:
        q = f"Question {answer.number}"
        if answer.position is None:
            problems.append(f"{q} has no decision recorded.")
            continue
        if answer.position in REFUSALS and not answer.citations:
            problems.append(f"{q} is refused but names no exemption (s17(1)(b)).")
        if answer.position == Position.NCND and not any(
            is_ncnd_provision(p) for c in answer.citations for p in c.provisions
        ):
            problems.append(
                f"{q} neither confirms nor denies but cites no NCND provision (e.g. s38(2), "
                "s24(2), s31(3), s40(5B))."
            )
        if answer.position in PROCEDURAL_POSITIONS:
            continue  # s17(5): stating the ground is enough
        for citation in answer.citations:
            name = citation.cited_as
            missing = [p for p in citation.provisions if not has_subsection(p)]
            if missing or not citation.provisions:
                problems.append(
                    f"{q}: section {citation.section or '?'} is named without its subsection "
                    "(e.g. 31(1)(a)) (s17(1)(b))."
                )
            if not citation.omit_reasons and not citation.reasons.strip():
                problems.append(
                    f"{q}: no reasons are given for {name} and the reasons are not marked as "
                    "omitted under s17(4) (s17(1)(c))."
                )
            pit = citation.pit or (
                answer.aggregate_pit if answer.covered_by_aggregate(citation) else None
            )
            if citation.qualified and not citation.omit_reasons and not (pit and pit.has_reasons):
                problems.append(
                    f"{q}: {name} is a qualified exemption but the public interest reasons are "
                    "missing (s17(3))."
                )
            if citation.qualified and pit and not pit.maintained:
                problems.append(
                    f"{q}: the public interest test on {name} favours "
                    + ("confirming or denying" if citation.ncnd else "disclosure")
                    + ", so the exemption cannot be relied on."
                )
            if citation.provisions and not missing and _stem(citation.provisions[0]) not in lowered:
                problems.append(f"{q}: the letter text no longer names {name} (s17(1)(b)).")
    return problems


def _stem(provision: str) -> str:
    """ "31(1)(a)" -> "31(1)": what the letter text must mention for the citation."""
    return provision.strip().removeprefix("s").split(")")[0].lower() + ")"


def _extension_problems(case: Case) -> list[str]:
    event = _latest_clock_event(case, ClockEvent.Kind.PIT_EXTENSION)
    if event is None:
        return ["No public interest extension is recorded on the case (s10(3))."]
    problems = []
    cited = re.findall(r"\d+[A-Z]?(?:\(\w+\))*", event.exemptions_cited)
    if not cited or not all(has_subsection(c) for c in cited):
        problems.append("The extension names an exemption without its subsection (s17(2)).")
    if not event.estimated_decision_on:
        problems.append("The extension has no estimated decision date (s17(2)).")
    return problems


# --- Rendering --------------------------------------------------------------------------------


def letter_context(letter: Letter) -> dict[str, Any]:
    frame = letter.frame
    return {
        "letter": letter,
        "frame": frame,
        "dated": letter.dated,
        "received_on": dt.date.fromisoformat(frame["received_on"])
        if frame.get("received_on")
        else None,
        "body_html": render_body_html(letter.body),
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
