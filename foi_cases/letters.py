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
import functools
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

from exemptions import catalogue
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

#: "31(1)(a)": a section number and at least one subsection.
PROVISION_WITH_SUBSECTION = re.compile(r"^(?P<section>\d+[A-Z]?)(?P<rest>(?:\(\w+\))+)$")
#: "s40(2)/s40(3A)(a)", "reg 12(5)(a)", "s38(1)(b) (first condition)": how the catalogue writes
#: a limb. The part after "/" is the provision the first one applies by virtue of.
PROVISION = re.compile(
    r"^(?P<word>regulations?\s+|regs?\s+|sections?\s+|s(?=\d))?"
    r"(?P<number>\d+[A-Z]*)(?P<first>\(\w+\))?(?P<rest>(?:\(\w+\))*)(?P<note>\s+\(.*\))?$",
    re.IGNORECASE,
)


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
    return _blocks_html(parse_body(text))


def render_body_parts(text: str) -> tuple[SafeString, SafeString]:
    """The text as HTML, split before its last block: that block is kept with the signature."""
    blocks = parse_body(text)
    return _blocks_html(blocks[:-1]), _blocks_html(blocks[-1:])


def _blocks_html(blocks: Sequence[Block]) -> SafeString:
    parts: list[str] = []
    for block in blocks:
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


@dataclass(frozen=True)
class RegimeLaw:
    """Where each duty a letter mentions sits in one regime's law (DOMAIN 1.9, 1.11, 2.3, 6)."""

    act: str
    short: str
    refusal: str  # the refusal notice
    advice: str  # the duty to give advice and assistance
    review: str  # the statutory review ("": FOIA's internal review is the s45 Code's)
    appeal: str  # the right to apply to the regulator
    ground: str  # what the regime calls a ground for withholding
    time_limit: str  # the 20 working days

    @property
    def cited(self) -> str:
        """The short name as a citation uses it: "the FOIA", "the EIR", but "FOISA"."""
        return self.short if self.short == "FOISA" else f"the {self.short}"


REGIME_LAW = {
    Case.Regime.FOIA: RegimeLaw(
        act="Freedom of Information Act 2000",
        short="FOIA",
        refusal="section 17",
        advice="section 16",
        review="",
        appeal="section 50 of the Freedom of Information Act 2000",
        ground="exemption",
        time_limit="section 10(1)",
    ),
    Case.Regime.EIR: RegimeLaw(
        act="Environmental Information Regulations 2004",
        short="EIR",
        refusal="regulation 14",
        advice="regulation 9",
        review="regulation 11",
        appeal="section 50 of the Freedom of Information Act 2000, as applied by regulation 18 "
        "of the Environmental Information Regulations 2004",
        ground="exception",
        time_limit="regulation 5(2)",
    ),
    Case.Regime.FOISA: RegimeLaw(
        act="Freedom of Information (Scotland) Act 2002",
        short="FOISA",
        refusal="section 16",
        advice="section 15",
        review="section 20",
        appeal="section 47 of the Freedom of Information (Scotland) Act 2002",
        ground="exemption",
        time_limit="section 10(1)",
    ),
}


def law_for(case: Case) -> RegimeLaw:
    return REGIME_LAW.get(case.regime, REGIME_LAW[Case.Regime.FOIA])


def act_name(case: Case) -> tuple[str, str]:
    """The Act's full name and its short form, for the case's regime."""
    law = law_for(case)
    return law.act, law.short


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Provision:
    """One cited provision, parsed: "regulation" 12 "(5)" "(a)"."""

    word: str  # "section" or "regulation"
    number: str
    first: str = ""  # the first bracket, e.g. "(1)"
    rest: str = ""  # the further brackets, e.g. "(a)"
    note: str = ""  # e.g. " (first condition)"
    by_virtue_of: Provision | None = None

    @property
    def stem(self) -> str:
        """What the letter text must mention: "31(1)", "12(5)", "26"."""
        return f"{self.number}{self.first}"

    @property
    def words(self) -> str:
        text = f"{self.word} {self.stem}{self.rest}{self.note}"
        return f"{text} by virtue of {self.by_virtue_of.words}" if self.by_virtue_of else text


def parse_provision(raw: str) -> Provision | None:
    """ "s40(2)/s40(3A)(a)" -> section 40(2) by virtue of section 40(3A)(a); None if unreadable."""
    main, _, virtue = " ".join(raw.split()).partition("/")
    match = PROVISION.match(main.strip())
    if not match:
        return None
    word = "regulation" if (match["word"] or "").lower().startswith("reg") else "section"
    by_virtue_of = parse_provision(virtue) if virtue else None
    if virtue and by_virtue_of is None:
        return None
    return Provision(
        word,
        match["number"],
        match["first"] or "",
        match["rest"],
        match["note"] or "",
        by_virtue_of,
    )


def format_provisions(provisions: Iterable[str]) -> str:
    """["31(1)(a)", "31(1)(b)", "38(1)(a)"] -> "sections 31(1)(a) and (b) and 38(1)(a)".

    A provision applied by virtue of another is cited as the law is written, in full:
    "section 40(2) by virtue of section 40(3A)(a)".
    """
    grouped: dict[tuple[str, str], list[str]] = {}
    whole: list[str] = []
    for raw in provisions:
        provision = parse_provision(raw)
        if provision is None:
            whole.append(raw.strip().removeprefix("section ").removeprefix("s").strip())
            continue
        if provision.by_virtue_of or provision.note:
            whole.append(provision.words)
            continue
        limbs = grouped.setdefault((provision.word, provision.stem), [])
        if provision.rest not in limbs:
            limbs.append(provision.rest)
    phrases = [
        (word, stem + _join_and([limb for limb in limbs if limb]))
        for (word, stem), limbs in grouped.items()
    ]
    if not whole:
        words = {word for word, _ in phrases}
        word = words.pop() if len(words) == 1 else "section"
        plural = "s" if len(phrases) > 1 else ""
        return f"{word}{plural} {_join_and([phrase for _, phrase in phrases])}"
    texts = [f"{word} {phrase}" for word, phrase in phrases]
    texts += [
        text if text.startswith(("section", "regulation")) else f"section {text}" for text in whole
    ]
    return _join_and(texts)


def _join_and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _key(provision: str) -> str:
    """One spelling for comparing provisions: "s38(2)" and "section 38(2)" -> "38(2)"."""
    parsed = parse_provision(provision)
    if parsed is None:
        return " ".join(provision.lower().split())
    prefix = "reg " if parsed.word == "regulation" else ""
    text = f"{prefix}{parsed.stem}{parsed.rest}{parsed.note}".lower()
    return f"{text}/{_key_of(parsed.by_virtue_of)}" if parsed.by_virtue_of else text


def _key_of(provision: Provision | None) -> str:
    if provision is None:
        return ""
    prefix = "reg " if provision.word == "regulation" else ""
    return f"{prefix}{provision.stem}{provision.rest}".lower()


@functools.cache
def _catalogue_keys() -> tuple[frozenset[str], frozenset[str]]:
    """Every citable limb, and every provision excluding the duty to confirm or deny."""
    entries = catalogue.CATALOGUE
    limbs = frozenset(_key(limb.code) for entry in entries for limb in entry.limbs)
    ncnd = frozenset(
        _key(code)
        for entry in entries
        for code in (
            *entry.ncnd_provisions,
            *(limb.code for limb in entry.ncnd_limbs),
        )
    )
    return limbs, ncnd


def has_subsection(provision: str) -> bool:
    return bool(PROVISION_WITH_SUBSECTION.match(provision.strip().removeprefix("s")))


def is_precise(provision: str, catalogued: Iterable[str] = ()) -> bool:
    """Whether a citation names the provision as precisely as s17(1)(b) needs.

    The catalogue decides: a limb or NCND provision listed for the exemption cited (or, when
    that is not known, anywhere in the catalogue), in its own spelling such as
    "s40(2)/s40(3A)(a)" or "reg 12(5)(a)"; otherwise the provision needs a subsection.
    """
    key = _key(provision)
    known = {_key(code) for code in catalogued} or set().union(*_catalogue_keys())
    return key in known or has_subsection(provision)


def is_ncnd_provision(provision: str, catalogued: Iterable[str] = ()) -> bool:
    """Whether the catalogue (or the exemption's own list) makes this an NCND provision."""
    key = _key(provision)
    ncnd = _catalogue_keys()[1] | {_key(code) for code in catalogued}
    return any(key == code or key.startswith((code + "(", code + "/")) for code in ncnd)


# --- What a final response is composed from ---------------------------------------------------


class Position(StrEnum):
    """How one question is answered."""

    DISCLOSED = "disclosed"
    PART_DISCLOSED = "part_disclosed"
    WITHHELD = "withheld"
    NOT_HELD = "not_held"
    NCND = "ncnd"
    COST_LIMIT = "cost_limit"  # s12(1)
    COST_NCND = "cost_ncnd"  # s12(2): establishing whether it is held would exceed the limit
    VEXATIOUS = "vexatious"  # s14(1)
    REPEATED = "repeated"  # s14(2)
    PROCEDURAL = "procedural"  # another Part I ground


REFUSALS = {Position.PART_DISCLOSED, Position.WITHHELD, Position.NCND}
COST_POSITIONS = {Position.COST_LIMIT, Position.COST_NCND}
PROCEDURAL_POSITIONS = {
    Position.COST_LIMIT,
    Position.COST_NCND,
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
    catalogued: tuple[str, ...] = ()  # the exemption's limbs and NCND provisions (catalogue)
    test_type: str = ""  # the catalogue's test: prejudice, endanger, adverse_effect, ...
    likelihood: str = ""  # as recorded: would, would_be_likely or required
    harm_interest: str = ""  # what would be harmed
    harm_mechanism: str = ""  # how disclosure would cause the harm

    @property
    def section(self) -> str:
        provision = parse_provision(self.provisions[0]) if self.provisions else None
        return provision.number if provision else ""

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


def _cites_s12_2(citations: Sequence[Any]) -> bool:
    return any(
        c.exemption.section == "s12" and any(_key(limb) == "12(2)" for limb in c.limbs)
        for c in citations
    )


def _position(question: Any, citations: Sequence[Any]) -> Position | None:
    held, outcome = question.held_status, question.outcome
    Outcome = type(question).Outcome
    sections = {c.exemption.section for c in citations}
    if _cites_s12_2(citations):
        return Position.COST_NCND
    if held == type(question).Held.NCND or outcome == "ncnd":
        # s14 lifts the duty to confirm or deny with the rest of s1(1): it is stated as such.
        if "s14(1)" in sections:
            return Position.VEXATIOUS
        if "s14(2)" in sections:
            return Position.REPEATED
        return Position.NCND
    if outcome == Outcome.PROCEDURAL:
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
    exemption = citation.exemption
    provisions = tuple(citation.limbs) or (citation.provision or exemption.section,)
    return Citation(
        provisions=provisions,
        title=exemption.short_name,
        qualified=citation.needs_pit,
        ncnd=citation.role == "ncnd",
        reasons=citation.reasoning,
        omit_reasons=citation.omit_reasons,
        pit=_public_interest(getattr(citation, "pit", None)),
        catalogued=(*exemption.limb_codes(), *_ncnd_codes(exemption)),
        test_type=_test_type(exemption, provisions),
        likelihood=citation.likelihood,
        harm_interest=citation.harm_interest,
        harm_mechanism=citation.harm_mechanism,
    )


def _ncnd_codes(exemption: Any) -> list[str]:
    """The NCND provisions, whether stored as codes or as limbs with their own status."""
    return [p if isinstance(p, str) else p["code"] for p in exemption.ncnd_provisions]


def _test_type(exemption: Any, limbs: Sequence[str]) -> str:
    """The test the cited limbs engage: a limb's own (s27(2) is class-based) or the section's."""
    entries = [*exemption.limbs, *(p for p in exemption.ncnd_provisions if isinstance(p, dict))]
    own = {entry.get("code"): entry.get("test_type") for entry in entries}
    tests = {own.get(code) or exemption.test_type for code in limbs}
    return tests.pop() if len(tests) == 1 else exemption.test_type


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
    from foi_cases.workflow import decisions

    return decisions.approved_hash(case)


def decisions_approved(case: Case) -> bool:
    from foi_cases.workflow import decisions

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
        "regime": case.regime,
        "received_on": received_on(case).isoformat(),
        "title": case.title,
        "signed_by": letter_settings.signed_by,
        "signatory_name": (
            letter_settings.signatory_name
            if letter_settings.signed_by == LetterSettings.SignedBy.ROLE
            else ""
        ),
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


def _contact_lines(name: str, address: str, telephone: str, email: str, website: str) -> str:
    lines = [name, *_lines(address)]
    if telephone:
        lines.append(f"Telephone: {telephone}")
    if email:
        lines.append(f"E-mail: {email}")
    if website:
        lines.append(f"Website: {website}")
    return "\n".join(lines)


def rights_section(
    letter_settings: LetterSettings, *, law: RegimeLaw, internal_review: bool
) -> str:
    """How to ask for a review and apply to the regulator, in the regime's own law.

    FOIA s17(7): the internal review procedure and the s50 complaint to the Information
    Commissioner. EIR reg 14(5): representations under reg 11, then s50 as applied by reg 18.
    FOISA s19: a requirement for review under s20, then an application under s47 to the
    Scottish Information Commissioner.
    """
    s = letter_settings
    if law.short == "FOISA":
        return _foisa_rights(s, law, internal_review=internal_review)
    parts = []
    if internal_review:
        if law.review:
            parts += [
                "## Reconsideration and your right to complain",
                "If you are dissatisfied with the way we have dealt with your request, you can "
                f"make representations to us under {law.review} of the {law.act}. Please write "
                "to us no later than 40 working days after the date on which you believe we "
                "failed to comply with the Regulations, quoting the reference above. We will "
                "consider your representations and tell you our decision as soon as possible "
                "and no later than 40 working days after we receive them.",
            ]
        else:
            parts += ["## Internal review and your right to complain", s.internal_review_text]
        if s.contact_email:
            parts.append(f"You can write to us at {s.contact_email}.")
        stage = "reconsideration" if law.review else "internal review"
        parts.append(
            f"If you remain dissatisfied after the {stage}, you have the right to apply to the "
            f"Information Commissioner under {law.appeal} for a decision on whether your "
            f"request has been dealt with in accordance with the {law.act}. The Commissioner "
            f"will normally expect you to have asked for the {stage} first."
        )
    else:
        parts.append("## Your right to complain to the Information Commissioner")
        parts.append(
            "If you remain dissatisfied, you have the right to apply to the Information "
            f"Commissioner under {law.appeal} for a decision on whether your request has been "
            f"dealt with in accordance with the {law.act}."
        )
    parts.append("The Information Commissioner can be contacted at:")
    parts.append(
        _contact_lines(s.ico_name, s.ico_address, s.ico_telephone, s.ico_email, s.ico_website)
    )
    return _paragraphs(parts)


def _foisa_rights(s: LetterSettings, law: RegimeLaw, *, internal_review: bool) -> str:
    parts = []
    if internal_review:
        parts += [
            "## Your right to a review and to apply to the Scottish Information Commissioner",
            "If you are dissatisfied with the way we have dealt with your request, you can "
            f"require us to review our actions and decisions under {law.review} of the "
            f"{law.act}. Your requirement for review must be in writing, must describe your "
            "request and why you are dissatisfied, and must reach us within 40 working days "
            "of receiving this letter. We will respond within 20 working days of receiving it "
            "(section 21).",
        ]
        if s.contact_email:
            parts.append(f"You can write to us at {s.contact_email}.")
        parts.append(
            "If you remain dissatisfied after our review, you have the right to apply to the "
            f"Scottish Information Commissioner for a decision under {law.appeal}. You must "
            "apply within six months of receiving our review response."
        )
    else:
        parts += [
            "## Your right to apply to the Scottish Information Commissioner",
            "If you remain dissatisfied, you have the right to apply to the Scottish "
            f"Information Commissioner for a decision under {law.appeal}. You must apply "
            "within six months of receiving this letter.",
        ]
    parts.append("The Scottish Information Commissioner can be contacted at:")
    parts.append(
        _contact_lines(s.sic_name, s.sic_address, s.sic_telephone, s.sic_email, s.sic_website)
    )
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
    law = law_for(case)
    due = case.current_due_on
    return Composition(
        _paragraphs(
            _salutation(case),
            _request_paragraph(case),
            "You asked for the following information:",
            _questions_quoted(case),
            f"We will respond promptly and in any event by {long_date(due)}, the twentieth "
            f"working day following the date we received your request ({law.time_limit} "
            f"{law.short}).",
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
            rights_section(s, law=law_for(case), internal_review=True),
        )
    )


def compose_internal_review(case: Case, s: LetterSettings) -> Composition:
    law = law_for(case)
    if law.short == "EIR":
        opening = (
            f"Thank you for your representations under {law.review} of the {law.act} about our "
            f"response to your request {case.reference}. We have reconsidered our response; "
            "the reconsideration was carried out by someone who was not involved in the "
            "original decision."
        )
    elif law.short == "FOISA":
        opening = (
            f"Thank you for your requirement for review under {law.review} of the {law.act} of "
            f"our response to your request {case.reference}. The review was carried out under "
            "section 21 by someone who was not involved in the original decision."
        )
    else:
        opening = (
            f"Thank you for asking for an internal review of our response to your request "
            f"{case.reference}. The review was carried out by someone who was not involved in "
            "the original decision."
        )
    return Composition(
        _paragraphs(
            _salutation(case),
            opening,
            "## Outcome of the review",
            "[[State whether the original decision is upheld, upheld in part or overturned.]]",
            "[[Explain the reasons, addressing each point the requester raised.]]",
            rights_section(s, law=law, internal_review=False),
        )
    )


#: An answer that already says whether the information is held ("is held", "we do not hold").
SAYS_WHETHER_HELD = re.compile(
    r"\b(?:is|are)\s+(?:not\s+)?held\b|\b(?:do|does)\s+not\s+hold\b"
    r"|\bholds?\s+(?:this|the|that|some)\b",
    re.IGNORECASE,
)


def _held_sentence(answer: Answer, s: LetterSettings) -> str:
    if answer.held == "partly_held":
        return f"Some of this information is held by {s.name_in_text}."
    return f"This information is held by {s.name_in_text}."


def _says_whether_held(text: str) -> bool:
    """Whether the officer's answer opens by saying whether the information is held."""
    first = SENTENCE_END.split(text.strip(), maxsplit=1)[0]
    return bool(SAYS_WHETHER_HELD.search(first))


def _with_text(sentence: str, text: str) -> str:
    """The stock sentence, unless the officer's answer already opens by saying it."""
    if text and _says_whether_held(text):
        return text
    return f"{sentence} {text}" if text else sentence


def _cost_paragraphs(answer: Answer, s: LetterSettings, law: RegimeLaw) -> list[str]:
    """s12(1) or s12(2): the limit in pounds and hours, and why it would be exceeded."""
    authority = _capitalise(s.name_in_text)
    if law.short == "FOISA":
        limit, rate = 600, 15
        regulations = (
            "Freedom of Information (Fees for Required Disclosure) (Scotland) Regulations 2004"
        )
    else:
        limit, rate = settings.FOI_COST_LIMIT_POUNDS, settings.FOI_HOURLY_RATE_POUNDS
        regulations = (
            "Freedom of Information and Data Protection (Appropriate Limit and Fees) "
            "Regulations 2004"
        )
    limit_words = (
        f"the appropriate limit of £{limit}, which represents {limit // rate} hours of work at "
        f"£{rate} an hour under the {regulations}"
    )
    if answer.position == Position.COST_NCND:
        paragraphs = [
            f"{authority} neither confirms nor denies whether it holds this information. "
            f"Section 12(2) of the {law.act} ({law.short}) means that we do not have to confirm "
            "or deny whether we hold information if the cost of establishing whether it is "
            f"held would itself exceed {limit_words}. We estimate that establishing whether we "
            "hold the information you have asked for would exceed that limit."
        ]
    else:
        paragraphs = [
            f"{authority} estimates that the cost of complying with this part of your request "
            f"would exceed {limit_words}. Section 12 of {law.cited} therefore means that "
            "we are not obliged to comply with it."
        ]
    explanations = [c.reasons.strip() for c in answer.citations if c.reasons.strip()]
    explanations.append(answer.answer_text.strip())
    return paragraphs + list(dict.fromkeys(text for text in explanations if text))


def _procedural_paragraphs(answer: Answer, s: LetterSettings, law: RegimeLaw) -> list[str]:
    authority = _capitalise(s.name_in_text)
    text = answer.answer_text.strip()
    if answer.position in COST_POSITIONS:
        return _cost_paragraphs(answer, s, law)
    if answer.position == Position.VEXATIOUS:
        first = (
            f"{authority} considers this request to be vexatious. Section 14(1) of {law.cited} "
            "provides that we are not obliged to comply with a vexatious request."
        )
    elif answer.position == Position.REPEATED:
        first = (
            "This request is identical or substantially similar to a previous request from you "
            "which we have answered, and a reasonable interval has not passed since then. "
            f"Section 14(2) of {law.cited} provides that we are not obliged to comply with it."
        )
    else:
        cited = format_provisions(p for c in answer.citations for p in c.provisions)
        first = (
            f"{authority} is not obliged to comply with this part of your request under {cited} "
            f"of {law.cited}."
        )
    return [first, *([text] if text else [])]


def _answer_paragraphs(
    answer: Answer, s: LetterSettings, law: RegimeLaw, *, same_as: int | None = None
) -> list[str]:
    """What the letter says under one restated question.

    `same_as` is an earlier question refused on exactly the same grounds and reasoning: the
    reasons are then referred to, not repeated.
    """
    act, short = law.act, law.short
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
        return _procedural_paragraphs(answer, s, law)
    if position == Position.NCND:
        # Never the answer text or anything else that could differ between held and not held.
        ncnd = [p for c in answer.citations if c.ncnd for p in c.provisions]
        cited = format_provisions(ncnd or [p for c in answer.citations for p in c.provisions])
        if same_as is not None:
            return [
                f"For the reasons given in answer to question {same_as}, {authority} neither "
                f"confirms nor denies whether it holds the information asked for in question "
                f"{answer.number} ({cited} of {law.cited})."
            ]
        return [
            f"In accordance with {cited} of the {act} ({short}), {authority} neither confirms "
            "nor denies whether it holds the information you have requested. The reasons are "
            "set out below."
        ]
    cited = format_provisions(p for c in answer.citations for p in c.provisions)
    opening = _held_sentence(answer, s)
    if position == Position.PART_DISCLOSED:
        opening = f"{opening} Part of it is provided here; the rest is withheld."
    rest = "the rest of " if position == Position.PART_DISCLOSED else ""
    if position == Position.PART_DISCLOSED and text and _says_whether_held(text):
        held_paragraph = f"{text} Part of it is provided here; the rest is withheld."
    else:
        held_paragraph = _with_text(opening, text)
    if same_as is not None:
        return [
            held_paragraph,
            f"For the reasons given in answer to question {same_as}, {authority} is withholding "
            f"{rest}the information asked for in question {answer.number} in accordance with "
            f"{cited} of {law.cited}.",
        ]
    therefore = (
        f"Therefore, {authority} is withholding {rest}this information in accordance with "
        f"{cited} of the {act} ({short})."
    )
    ground = law.ground
    qualified = [c for c in answer.citations if c.qualified]
    if qualified and len(qualified) == len(answer.citations) > 1:
        therefore += (
            f" These are qualified {ground}s and require public interest tests, which are set "
            "out below."
        )
    elif qualified and len(answer.citations) == 1:
        therefore += (
            f" This is a qualified {ground} and requires a public interest test, which is set "
            "out below."
        )
    elif qualified:
        therefore += (
            f" The public interest test for {_join_and([c.cited_as for c in qualified])} is set "
            "out below."
        )
    return [held_paragraph, therefore]


def _public_interest_paragraphs(
    pit: PublicInterest, *, ncnd: bool, ground: str = "exemption"
) -> list[str]:
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
            else f"In favour of maintaining the {ground}:",
            pit.for_maintaining,
        ),
    )
    for label, factors in sides:
        if factors:
            parts.append("\n".join([label, *(f"- {' '.join(f.split())}" for f in factors)]))
    parts.append(pit.summary)
    return parts


HARM_VERBS = {
    "prejudice": ("prejudice", "the prejudice"),
    "endanger": ("endanger", "the danger"),
    "adverse_effect": ("adversely affect", "the adverse effect"),
    "prejudice_substantially": ("prejudice substantially", "the substantial prejudice"),
}


def _lower_first(text: str) -> str:
    """ "The safety of Members." -> "the safety of Members" (an acronym keeps its capitals)."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def harm_paragraph(citation: Citation, s: LetterSettings, *, ncnd: bool) -> str:
    """The harm test as it was applied: the recorded likelihood, the interest and the mechanism."""
    if not citation.likelihood:
        return ""
    authority = _capitalise(s.name_in_text)
    interest = _lower_first(citation.harm_interest) or f"the interests {citation.cited_as} protects"
    if citation.likelihood == "required" or citation.test_type == "required":
        duty = "the duty to confirm or deny" if ncnd else "disclosure"
        sentence = (
            f"{authority} considers that exemption from {duty} is required for the purpose of "
            f"safeguarding {interest}."
        )
    else:
        verb, noun = HARM_VERBS.get(citation.test_type, HARM_VERBS["prejudice"])
        subject = (
            "confirming or denying whether the information is held"
            if ncnd
            else "disclosure of this information"
        )
        if citation.likelihood == "would_be_likely":
            likely = "would be likely to"
            meaning = (
                f"there is a real and significant risk of {noun}, even if it is not more "
                "probable than not"
            )
        else:
            likely, meaning = "would", f"{noun} is more probable than not"
        sentence = (
            f"{authority} considers that {subject} {likely} {verb} {interest} (that is, {meaning})."
        )
    return _with_mechanism(sentence, citation.harm_mechanism)


def _with_mechanism(sentence: str, mechanism: str) -> str:
    mechanism = " ".join(mechanism.split())
    if mechanism and not mechanism.endswith((".", "!", "?")):
        mechanism += "."
    return f"{sentence} {mechanism}".strip()


def _citation_section(
    citation: Citation,
    answer: Answer,
    s: LetterSettings,
    law: RegimeLaw,
    *,
    numbers: Sequence[int],
    numbered: bool,
) -> str:
    """One exemption's heading, why it applies (s17(1)(c)) and the public interest (s17(3))."""
    short = law.short
    heading = f"## {_capitalise(citation.cited_as)} – {citation.title}"
    if numbered:
        heading += f" ({_questions(numbers)})"
    parts = [heading]
    ncnd = answer.position == Position.NCND
    if citation.omit_reasons:
        because = f" (section 17(4) {short})" if law.short == "FOIA" else ""
        parts.append(
            f"{_capitalise(s.name_in_text)} relies on {citation.cited_as} of {law.cited}. We "
            f"cannot say more about why the {law.ground} applies"
            + (" or about the balance of the public interest" if citation.qualified else "")
            + ", because that explanation would itself disclose information which is exempt"
            + because
            + "."
        )
        return _paragraphs(parts)
    parts.append(citation.reasons)
    parts.append(harm_paragraph(citation, s, ncnd=ncnd))
    if citation.test_type == "procedural":
        return _paragraphs(parts)  # s12 and s14 are refusal grounds, not absolute exemptions
    if not citation.qualified:
        if law.short == "EIR":
            parts.append("This exception is not subject to the public interest test.")
        else:
            parts.append("This is an absolute exemption, so no public interest test is required.")
        return _paragraphs(parts)
    if citation.pit is not None:
        parts.append(
            "### The public interest in confirming or denying"
            if ncnd
            else "### The public interest test"
        )
        if law.short == "EIR":
            parts.append(
                "In weighing the public interest we have applied the presumption in favour of "
                "disclosure in regulation 12(2) of the EIR."
            )
        parts += _public_interest_paragraphs(citation.pit, ncnd=ncnd, ground=law.ground)
    elif answer.covered_by_aggregate(citation):
        parts.append(
            f"The public interest in maintaining this {law.ground} is weighed together with the "
            f"other {law.ground}s below."
        )
    return _paragraphs(parts)


def _questions(numbers: Sequence[int]) -> str:
    word = "question" if len(numbers) == 1 else "questions"
    return f"{word} {_join_and([str(n) for n in numbers])}"


def _aggregate_section(
    answer: Answer, law: RegimeLaw, *, numbers: Sequence[int], numbered: bool
) -> str:
    if answer.aggregate_pit is None:
        return ""
    heading = f"## The public interest test for {format_provisions(answer.aggregate_of)} together"
    if numbered:
        heading += f" ({_questions(numbers)})"
    return _paragraphs(
        heading,
        f"Where more than one qualified {law.ground} applies to the same information, the "
        "public interest in maintaining them can be weighed together against the public "
        "interest in disclosure.",
        _public_interest_paragraphs(
            answer.aggregate_pit, ncnd=answer.position == Position.NCND, ground=law.ground
        ),
    )


def _reasoning_key(answer: Answer) -> tuple[Any, ...]:
    """Two refused questions with equal keys rest on the same grounds and the same reasoning."""
    return (
        answer.position == Position.NCND,
        answer.citations,
        answer.aggregate_pit,
        answer.aggregate_of,
    )


def _advice_section(answers: Sequence[Answer], law: RegimeLaw) -> str:
    """Advice and assistance on narrowing a request refused on cost (s16, reg 9, FOISA s15)."""
    positions = {a.position for a in answers}
    if not positions & COST_POSITIONS:
        return ""
    parts = [
        "## Advice and assistance",
        f"Under {law.advice} of the {law.act} we have a duty to provide advice and assistance. "
        "You may be able to bring your request within the cost limit by narrowing it: for "
        "example, by asking for a shorter period, for one category of information rather than "
        "several, or for the records of one team or office. If you send us a narrower request, "
        "we will consider it afresh, and some of the information may still be exempt.",
    ]
    if Position.COST_NCND in positions:
        parts.append(
            "Because we cannot establish within the limit whether we hold the information, it "
            "would help if you could tell us where you think it may be held, or which records "
            "or period it would appear in."
        )
    return _paragraphs(parts)


def _reuse_section(answers: Sequence[Answer], s: LetterSettings) -> str:
    disclosed = {Position.DISCLOSED, Position.PART_DISCLOSED}
    if not s.reuse_text.strip() or not any(a.position in disclosed for a in answers):
        return ""
    return _paragraphs("## Re-use of the information", s.reuse_text)


def compose_final_response(case: Case, s: LetterSettings) -> Composition:
    law = law_for(case)
    answers = answers_for(case)
    refused = [a for a in answers if a.position in REFUSALS]
    numbered = len(refused) > 1
    first_with: dict[tuple[Any, ...], int] = {}
    sections = []
    for answer in answers:
        same_as = None
        if answer.position in REFUSALS and answer.citations:
            key = _reasoning_key(answer)
            same_as = first_with.setdefault(key, answer.number)
            same_as = None if same_as == answer.number else same_as
        sections.append(_quoted(f"{answer.number}. {answer.question}"))
        sections.extend(_answer_paragraphs(answer, s, law, same_as=same_as))
    exemption_sections = _exemption_sections(refused, s, law, numbered=numbered)
    refusal = ""
    if any(a.position in REFUSALS | PROCEDURAL_POSITIONS for a in answers):
        refusal = (
            f"Where we refuse a part of your request, this letter is our refusal notice under "
            f"{law.refusal} of {law.cited}."
        )
    return Composition(
        _paragraphs(
            _salutation(case),
            f"Thank you for your request for information, which we received on "
            f"{long_date(received_on(case))}. We have dealt with it under the {law.act} "
            f"({law.short}). Our response to each part of your request is set out below. "
            f"{refusal}".strip(),
            "## Your request and our response",
            sections,
            exemption_sections,
            _advice_section(answers, law),
            _reuse_section(answers, s),
            rights_section(s, law=law, internal_review=True),
        ),
        decisions_hash=decisions_hash_for(case),
    )


def _exemption_sections(
    refused: Sequence[Answer], s: LetterSettings, law: RegimeLaw, *, numbered: bool
) -> list[str]:
    """Each exemption's reasons once, headed by the questions it applies to, in their order."""
    entries: dict[tuple[Any, ...], tuple[Citation | None, Answer, list[int]]] = {}
    for answer in refused:
        ncnd = answer.position == Position.NCND
        for citation in answer.citations:
            pit = answer.aggregate_pit if answer.covered_by_aggregate(citation) else None
            key = ("citation", citation, ncnd, pit)
            entries.setdefault(key, (citation, answer, []))[2].append(answer.number)
        if answer.aggregate_pit is not None:
            key = ("aggregate", answer.aggregate_pit, answer.aggregate_of, ncnd)
            entries.setdefault(key, (None, answer, []))[2].append(answer.number)
    return [
        _citation_section(citation, answer, s, law, numbers=numbers, numbered=numbered)
        if citation is not None
        else _aggregate_section(answer, law, numbers=numbers, numbered=numbered)
        for citation, answer, numbers in entries.values()
    ]


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
    from foi_cases.workflow import decisions

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
    law = law_for(letter.case)
    if not frame.get("authority_name") or not frame.get("address_lines"):
        problems.append("The letterhead has no authority name or address (Letter settings).")
    if frame.get("signed_by") == LetterSettings.SignedBy.APPROVER:
        if not frame.get("signatory_title"):
            problems.append("The letter has no signatory title (Letter settings).")
    elif not frame.get("signatory_name") or not frame.get("signatory_title"):
        problems.append("The letter has no signatory name or title (Letter settings).")
    if examples := example_addresses(frame, letter.body):
        problems.append(
            f"The letter shows an example address ({', '.join(examples)}): put the authority's "
            "real contact details in Letter settings."
        )
    if PLACEHOLDER.search(letter.body):
        problems.append("The letter still has text in [[double brackets]] to replace.")
    problems += [
        f'The letter repeats a sentence: "{sentence}"'
        for sentence in repeated_sentences(letter.body)
    ]
    if letter.kind in RIGHTS_KINDS:
        problems += _rights_problems(letter, s, law, lowered)
    if letter.kind == Kind.FINAL_RESPONSE:
        answers = answers_for(letter.case)
        problems += decision_problems(answers, lowered, law=law)
        if any(a.position in REFUSALS | PROCEDURAL_POSITIONS for a in answers) and (
            f"{law.refusal} of {law.cited}".lower() not in lowered
        ):
            problems.append(
                f"The letter does not say it is a refusal notice under {law.refusal} of "
                f"{law.cited}."
            )
    if letter.kind == Kind.PIT_EXTENSION:
        problems += _extension_problems(letter.case)
    if letter.kind == Kind.ACKNOWLEDGEMENT and not letter.case.current_due_on:
        problems.append("The case has no due date to give in the acknowledgement.")
    return problems


#: Domains reserved for examples (RFC 2606 and RFC 6761): never a real authority's address.
EXAMPLE_DOMAIN = re.compile(
    r"(?<![\w.-])(?:[\w.+-]+@)?(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:example|test|invalid))\b",
    re.IGNORECASE,
)


def example_addresses(frame: dict[str, Any], body: str) -> list[str]:
    """Example e-mail addresses or domains in the letterhead or the text (not the addressee's)."""
    authority = [frame.get("contact_email", ""), *frame.get("address_lines", []), body]
    found = [match.group(0) for text in authority for match in EXAMPLE_DOMAIN.finditer(text or "")]
    return list(dict.fromkeys(found))


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“‘])")
#: A sentence this long said twice anywhere is repeated reasoning; shorter stock sentences
#: ("This information is held by the House of Commons.") may recur under different questions.
REPEATED_SENTENCE_WORDS = 12


def repeated_sentences(body: str) -> list[str]:
    """Sentences said twice in one paragraph, or long sentences said twice anywhere."""
    seen: set[str] = set()
    repeated: list[str] = []
    for block in parse_body(body):
        if block.kind not in ("p", "ul"):
            continue
        in_block: set[str] = set()
        for line in block.lines:
            for sentence in SENTENCE_END.split(line):
                key = " ".join(sentence.lower().split())
                if not key:
                    continue
                long = len(key.split()) >= REPEATED_SENTENCE_WORDS
                if key in in_block or (long and key in seen):
                    repeated.append(" ".join(sentence.split()))
                in_block.add(key)
                if long:
                    seen.add(key)
    return list(dict.fromkeys(repeated))


def _rights_problems(letter: Letter, s: LetterSettings, law: RegimeLaw, lowered: str) -> list[str]:
    problems = []
    first_response = letter.kind != Kind.INTERNAL_REVIEW
    if first_response and law.review:
        if law.review not in lowered or "40 working days" not in lowered:
            problems.append(
                f"The letter does not explain the right to ask for a review under {law.review} "
                f"of {law.cited} within 40 working days."
            )
    elif first_response:
        if not s.internal_review_text.strip():
            problems.append("There is no internal review procedure in Letter settings (s17(7)(a)).")
        procedure = _squash(s.internal_review_text)
        if procedure and procedure not in _squash(lowered):
            problems.append(
                "The letter does not give the internal review procedure from Letter settings "
                "(s17(7)(a))."
            )
    if law.short == "FOISA":
        regulator = "Scottish Information Commissioner"
        details = [s.sic_email, s.sic_telephone, *(_lines(s.sic_address)[-1:])]
    else:
        regulator = "Information Commissioner"
        details = [s.ico_email, s.ico_telephone, *(_lines(s.ico_address)[-1:])]
    if regulator.lower() not in lowered or _squash(law.appeal) not in _squash(lowered):
        problems.append(
            "The letter does not explain the right to complain to the Information Commissioner "
            "under section 50 (s17(7)(b))."
            if law.short == "FOIA"
            else f"The letter does not explain the right to apply to the {regulator} under "
            f"{law.appeal}."
        )
    if not any(details):
        problems.append(f"There are no {regulator} contact details in Letter settings.")
    elif not all(detail.lower() in lowered for detail in details if detail):
        problems.append(
            f"The letter lacks some of the {regulator}'s contact details (address, e-mail, "
            "telephone)."
        )
    return problems


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def decision_problems(
    answers: Sequence[Answer], lowered: str, *, law: RegimeLaw | None = None
) -> list[str]:
    law = law or REGIME_LAW[Case.Regime.FOIA]
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
            is_ncnd_provision(p, c.catalogued) for c in answer.citations for p in c.provisions
        ):
            problems.append(
                f"{q} neither confirms nor denies but cites no NCND provision (e.g. s38(2), "
                "s24(2), s31(3), s40(5B))."
            )
        if answer.position in COST_POSITIONS:
            problems += _cost_problems(answer, lowered, law)
        if answer.position in PROCEDURAL_POSITIONS:
            continue  # s17(5): stating the ground is enough
        for citation in answer.citations:
            name = citation.cited_as
            missing = [p for p in citation.provisions if not is_precise(p, citation.catalogued)]
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
            if (
                citation.provisions
                and not missing
                and not all(_names(p, lowered) for p in citation.provisions)
            ):
                problems.append(f"{q}: the letter text no longer names {name} (s17(1)(b)).")
    return problems


def _cost_problems(answer: Answer, lowered: str, law: RegimeLaw) -> list[str]:
    """s12: the limit stated, s16 advice given, and never called an absolute exemption."""
    q = f"Question {answer.number}"
    problems = []
    if f"£{settings.FOI_COST_LIMIT_POUNDS}" not in lowered and law.short != "FOISA":
        problems.append(f"{q}: the letter does not give the cost limit (section 12).")
    if answer.position == Position.COST_NCND and not _names("s12(2)", lowered):
        problems.append(
            f"{q}: the letter does not cite section 12(2) for not confirming or denying."
        )
    if answer.position == Position.COST_NCND and not (
        answer.answer_text.strip() or any(c.reasons.strip() for c in answer.citations)
    ):
        problems.append(
            f"{q}: explain why establishing whether the information is held would exceed the "
            "cost limit."
        )
    if f"{law.advice} of the {law.act}".lower() not in lowered:
        problems.append(
            f"{q}: the letter gives no advice and assistance under {law.advice} on narrowing "
            "the request."
        )
    if any(
        "absolute exemption" in sentence and re.search(r"\b(?:section|s)\s?12\b", sentence)
        for sentence in SENTENCE_END.split(lowered)
    ):
        problems.append(f"{q}: section 12 is a limit on cost, not an absolute exemption.")
    return problems


def _names(provision: str, lowered: str) -> bool:
    """Whether the letter text mentions the provision's section and subsection ("31(1)")."""
    parsed = parse_provision(provision)
    stem = parsed.stem if parsed else provision.strip().removeprefix("s")
    return bool(re.search(rf"(?<![\w(]){re.escape(stem.lower())}(?!\w)", lowered))


def _extension_problems(case: Case) -> list[str]:
    if case.regime != Case.Regime.FOIA:
        # The EIR extend for complexity and volume (reg 7); FOISA has no extension at all.
        return [
            "A public interest extension (FOIA s10(3)) is not available under the "
            f"{law_for(case).act}."
        ]
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


def signatory_name(letter: Letter) -> str:
    """Who signs: the reviewer who approved the letter, or the configured role's holder."""
    frame = letter.frame
    if frame.get("signed_by") != LetterSettings.SignedBy.APPROVER:
        return frame.get("signatory_name", "")
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
