"""Text redaction and removal of the requester's identity: pure functions, no database.

Everything published (the disclosure log, its export, any PDF) is built from text that has
already been through these functions, so redacted content is burned in, never hidden by markup.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NAME_REMOVED = "[name removed]"
EMAIL_REMOVED = "[e-mail address removed]"
ADDRESS_REMOVED = "[address removed]"
BARE_MARKER = "[Redacted]"

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Lord", "Lady", "Rev")

# The lookbehind starts a match only where an address can start, so a long run of letters
# costs linear time rather than quadratic.
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# UK numbers: +44 or 0, then 9 or 10 more digits, allowing spaces, hyphens and (0) / brackets.
PHONE_RE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\d)")
POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_TITLE_NAME_RE = re.compile(
    r"\b(?:" + "|".join(TITLES) + r")\.?\s+[A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?"
)
_SALUTATION_RE = re.compile(r"\bDear\s+([A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?)")
# A lookahead, so overlapping pairs ("Call Mark", "Mark Rowley") are all seen.
_CAPITALISED_PAIR_RE = re.compile(r"\b(?=([A-Z][a-z'-]+)[ \t]+([A-Z][a-z'-]+)\b)")
# Capitalised words that start institutional phrases rather than people's names.
_NOT_NAMES = frozenset(
    """
    Act Annex April August Authority Bill Chief Commissioner Committee Commons Constable Council
    Counter Data Dear December Department Deputy Estate February Force Freedom Friday General
    Government Health Home House Information January July June Law Leader Liaison Lords March
    May Member Members Metropolitan Minister Monday National November October Office Officer
    Operation Parliament Parliamentary Police Policing Protection Regulations Safety Saturday
    Scotland Secretary Section Security September Service Services Social Standards Sunday
    Support The Thursday Tribunal Tuesday Unit United Wednesday Westminster Yours Kingdom
    Independent Specialist Operations Headquarters Media Monitoring Public Interest Environmental
    Thank Please Kind Regards Best Further Following Our Your This That These Those What How
    Many When Where Which Who Why Request Response Internal Review Decision Notice
    Sir Madam FOI FOIA EIR Team Colleague Colleagues All Mr Mrs Ms Miss Dr
    """.split()
)


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) to redact, with its grounds."""

    start: int
    end: int
    grounds: str = ""
    naming_reveals: bool = False


@dataclass(frozen=True)
class Finding:
    kind: str  # "name", "email" or "phone"
    value: str
    start: int

    @property
    def label(self) -> str:
        return {"name": "Possible name", "email": "E-mail address", "phone": "Phone number"}[
            self.kind
        ]


@dataclass(frozen=True)
class IdentityRemoval:
    text: str
    removed: dict[str, int]  # kind -> occurrences removed

    @property
    def total(self) -> int:
        return sum(self.removed.values())


def marker(grounds: str, *, naming_reveals: bool = False) -> str:
    """The text left in place of a redaction: `[Redacted: s31(1)(a)]`, or `[Redacted]`."""
    grounds = " ".join(grounds.split())
    if naming_reveals or not grounds:
        return BARE_MARKER
    return f"[Redacted: {grounds}]"


def content_hash(text: str) -> str:
    """sha256 of redacted content, for the redaction log: proves what, without keeping it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _flexible(phrase: str) -> str:
    """A regex for a phrase whose words may be split by any run of whitespace."""
    return r"\s+".join(re.escape(word) for word in phrase.split())


def find_passage(text: str, passage: str) -> list[tuple[int, int]]:
    """Every occurrence of a passage, ignoring case and differences in whitespace."""
    if not passage.strip():
        return []
    pattern = re.compile(_flexible(passage), re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def _merged(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and merge overlapping ones, citing every ground unless one must not be named."""
    result: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.end <= span.start:
            continue
        if result and span.start < result[-1].end:
            last = result[-1]
            parts = [g for g in (*last.grounds.split("; "), span.grounds) if g]
            result[-1] = Span(
                last.start,
                max(last.end, span.end),
                "; ".join(dict.fromkeys(parts)),
                last.naming_reveals or span.naming_reveals,
            )
        else:
            result.append(span)
    return result


def apply_redactions(text: str, spans: Sequence[Span]) -> str:
    """Replace each span with its marker; overlapping spans become one redaction."""
    pieces: list[str] = []
    position = 0
    for span in _merged(spans):
        start, end = max(span.start, 0), min(span.end, len(text))
        if start < position or start >= end:
            continue
        pieces.append(text[position:start])
        pieces.append(marker(span.grounds, naming_reveals=span.naming_reveals))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def redact_passage(
    text: str, passage: str, *, grounds: str, naming_reveals: bool = False
) -> tuple[str, int]:
    """Redact every occurrence of a passage; return the new text and how many were found."""
    found = find_passage(text, passage)
    spans = [Span(start, end, grounds, naming_reveals) for start, end in found]
    return apply_redactions(text, spans), len(found)


def _name_patterns(name: str) -> list[tuple[re.Pattern[str], str]]:
    """Patterns for a person's name: in full, with a title, and each part of it on its own."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    words = [w for w in words if w.rstrip(".") not in TITLES]
    if not words:
        return []
    patterns: list[tuple[re.Pattern[str], str]] = []
    titles = "|".join(TITLES)
    full = _flexible(" ".join(words))
    patterns.append(
        (re.compile(rf"\b(?:(?:{titles})\.?\s+)?{full}\b", re.IGNORECASE), NAME_REMOVED)
    )
    if len(words) > 1:
        initials = rf"{re.escape(words[0][0])}\.?\s+" + _flexible(" ".join(words[1:]))
        patterns.append((re.compile(rf"\b{initials}\b", re.IGNORECASE), NAME_REMOVED))
        surname = _flexible(words[-1])
        patterns.append(
            (re.compile(rf"\b(?:{titles})\.?\s+{surname}\b", re.IGNORECASE), NAME_REMOVED)
        )
    # A part of the name alone, written as a name (capitalised or in capitals), never as a
    # lower-case word: "Will" and "Mark" are names, "will" and "mark" are not.
    for word in words:
        core = word.strip(".,'-")
        if len(core) < 2 or (len(core) < 3 and word is words[0]):
            continue
        forms = {core[:1].upper() + core[1:].lower(), core.upper(), core}
        alternatives = "|".join(re.escape(f) for f in sorted(forms))
        patterns.append((re.compile(rf"\b(?:{alternatives})\b"), NAME_REMOVED))
    return patterns


def _address_patterns(address: str) -> list[tuple[re.Pattern[str], str]]:
    patterns: list[tuple[re.Pattern[str], str]] = []
    lines = [line.strip(" ,") for line in re.split(r"[\n\r]+|,", address) if line.strip(" ,")]
    # Longest first, so "10 High Street" goes before "High Street" would split it.
    for line in sorted(set(lines), key=len, reverse=True):
        if len(line) < 4 and not POSTCODE_RE.fullmatch(line):
            continue
        patterns.append((re.compile(rf"\b{_flexible(line)}\b", re.IGNORECASE), ADDRESS_REMOVED))
    for postcode in POSTCODE_RE.findall(address):
        compact = re.sub(r"\s+", "", postcode)
        flexible = rf"{re.escape(compact[:-3])}\s*{re.escape(compact[-3:])}"
        patterns.append((re.compile(rf"\b{flexible}\b", re.IGNORECASE), ADDRESS_REMOVED))
    return patterns


def remove_identity(
    text: str, *, name: str = "", email: str = "", address: str = ""
) -> IdentityRemoval:
    """Remove a person's name, e-mail address and postal address wherever they appear.

    The e-mail address goes first (it often contains the name), then the address lines and
    postcode, then the name in full, with a title, by initial and surname, and part by part.
    """
    removed = {"email": 0, "address": 0, "name": 0}
    steps: list[tuple[str, re.Pattern[str], str]] = []
    if email.strip():
        steps.append(("email", re.compile(re.escape(email.strip()), re.IGNORECASE), EMAIL_REMOVED))
        local = email.strip().split("@")[0]
        if len(local) >= 4:
            pattern = re.compile(rf"(?<![\w.]){re.escape(local)}(?![\w])", re.IGNORECASE)
            steps.append(("email", pattern, EMAIL_REMOVED))
    steps += [("address", p, r) for p, r in _address_patterns(address)]
    steps += [("name", p, r) for p, r in _name_patterns(name)]
    for kind, pattern, replacement in steps:
        text, count = pattern.subn(replacement, text)
        removed[kind] += count
    # Collapse runs like "[name removed] [name removed]" left by part-by-part removal.
    for token in (NAME_REMOVED, ADDRESS_REMOVED):
        text = re.sub(rf"{re.escape(token)}(?:[ ,]*{re.escape(token)})+", token, text)
    return IdentityRemoval(text=text, removed={k: v for k, v in removed.items() if v})


def identity_remaining(text: str, *, name: str = "", email: str = "", address: str = "") -> bool:
    """Whether any trace of the identity that remove_identity removes is still in the text."""
    return remove_identity(text, name=name, email=email, address=address).total > 0


def find_personal_data(text: str) -> list[Finding]:
    """Other people's names, e-mail addresses and UK phone numbers, to warn the preparer."""
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, value: str, start: int) -> None:
        value = " ".join(value.split())
        if (kind, value.lower()) not in seen:
            seen.add((kind, value.lower()))
            findings.append(Finding(kind, value, start))

    for m in EMAIL_RE.finditer(text):
        add("email", m.group(), m.start())
    for m in PHONE_RE.finditer(text):
        add("phone", m.group(), m.start())
    for m in _TITLE_NAME_RE.finditer(text):
        add("name", m.group(), m.start())
    for m in _SALUTATION_RE.finditer(text):
        if m.group(1).split()[0] not in _NOT_NAMES:
            add("name", m.group(1), m.start(1))
    for m in _CAPITALISED_PAIR_RE.finditer(text):
        first, second = m.group(1), m.group(2)
        if first in _NOT_NAMES or second in _NOT_NAMES or first in TITLES:
            continue
        pair = f"{first} {second}"
        if any(f.kind == "name" and pair in f.value for f in findings):
            continue
        add("name", pair, m.start())
    return sorted(findings, key=lambda f: f.start)
