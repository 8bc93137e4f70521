"""Pure text helpers for intake: tidy a pasted request, split it into questions, spot SARs.

Nothing here touches the database, so the functions can run on anything an officer pastes
(e-mail bodies, web pages, letters) and can be tested without Django.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

__all__ = [
    "looks_like_subject_access",
    "normalise_request_text",
    "split_questions",
    "subject_access_reasons",
]


# --- Normalisation -----------------------------------------------------------------------

# Every C0 control character except tab and newline; CR is turned into a newline first.
_C0_DELETE: dict[int, str | None] = {code: None for code in range(0x20) if code not in (9, 10)}
_C0_DELETE[0xA0] = " "
_C0_DELETE[0xFEFF] = None  # A byte-order mark left over from decoding is never content.


def normalise_request_text(text: str) -> str:
    """Return text with LF line endings, no control characters, and no trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_C0_DELETE)
    return "\n".join(line.rstrip() for line in text.split("\n"))


# --- Splitting into questions ------------------------------------------------------------

_BULLETS = "-*•–·●▪◦‣■\uf0b7\uf0a7"  # The last two are Symbol-font bullets pasted from Word.

# Anchored at the start of a stripped line and built only from bounded pieces, so a match
# attempt costs a few dozen steps whatever the line holds.
_MARKER = re.compile(
    r"(?:"
    r"(?P<q>(?i:question|q))\s?\.?\s?(?P<qn>\d{1,3})(?P<qd>\s?[.:)\-–])?"
    r"|\((?P<pn>\d{1,3})\)"
    r"|(?P<dn>\d{1,3})(?P<dd>[.)])"
    r"|\((?P<pl>[ivx]{2,7}|[IVX]{2,7}|[a-zA-Z])\)"
    r"|(?P<dl>[ivx]{2,7}|[IVX]{2,7}|[a-zA-Z])(?P<ld>[.)])"
    rf"|(?P<b>[{re.escape(_BULLETS)}])(?=\s)"
    r"|(?P<decimal>\d{1,3}(?:\.\d{1,3}){1,3}\.?)"
    r")(?:\s+|$)"
)

_MARKER_FIRST = frozenset(_BULLETS + "(0123456789ivxIVXqQ")

_CLOSING = re.compile(
    r"(?:"
    r"(?:many\s+)?thanks(?:\s+(?:again|in\s+advance|for)\b|\s*[,.!]|\s*$)"
    r"|thank\s+you\b|thanking\s+you\b"
    r"|(?:(?:kind|kindest|best|warm|warmest|with\s+kind|with\s+best)\s+)?regards\b"
    r"|(?:best|kind|good|warm)\s+wishes\b"
    r"|yours\s+(?:faithfully|sincerely|truly)\b"
    r"|(?:yours|sincerely|cheers|best)\s*[,.!]?\s*$"
    r"|sent\s+from\s+my\b"
    r"|--\s*$"
    r"|i\s+look\s+forward\b|looking\s+forward\b"
    r")",
    re.IGNORECASE,
)


def _to_roman(number: int) -> str:
    """Return number (1-39) as a lower-case roman numeral."""
    tens, units = divmod(number, 10)
    return "x" * tens + ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")[units]


_ROMAN = {_to_roman(n): n for n in range(1, 40)}


class _Marker(NamedTuple):
    style: str  # Markers continue one list only when their style matches exactly.
    value: int  # Position in the sequence; 0 for bullets and decimal sub-numbers.


class _Line(NamedTuple):
    indent: int
    full: str  # The whole line, whitespace collapsed.
    text: str  # The line without its marker, whitespace collapsed.
    markers: tuple[_Marker, ...]  # Several when a letter is also a roman numeral.


_BLANK = _Line(0, "", "", ())


def _letter_markers(token: str, delimiter: str) -> tuple[_Marker, ...]:
    """Return the lettered and/or roman readings of a marker such as "(b)", "iv." or "(i)"."""
    case = "lower" if token.islower() else "upper"
    lower = token.lower()
    markers: list[_Marker] = []
    if len(token) == 1:
        markers.append(_Marker(f"alpha-{case}{delimiter}", ord(lower) - ord("a") + 1))
    if lower in _ROMAN:
        markers.append(_Marker(f"roman-{case}{delimiter}", _ROMAN[lower]))
    return tuple(markers)


@functools.lru_cache(maxsize=4096)
def _read_marker(token: str) -> tuple[tuple[_Marker, ...], bool]:
    """Return what a marker token such as "(b)" or "Q3:" stands for, and if it is a bare Q.

    Cached because real lists use a handful of distinct tokens.
    """
    match = _MARKER.match(token)
    if match is None:
        return (), False
    groups = match.groupdict()
    if groups["q"] is not None:
        return (_Marker("q", int(groups["qn"])),), groups["qd"] is None
    if groups["pn"] is not None:
        return (_Marker("num()", int(groups["pn"])),), False
    if groups["dn"] is not None:
        return (_Marker(f"num{groups['dd']}", int(groups["dn"])),), False
    if groups["pl"] is not None:
        return _letter_markers(groups["pl"], "()"), False
    if groups["dl"] is not None:
        return _letter_markers(groups["dl"], groups["ld"]), False
    if groups["b"] is not None:
        return (_Marker(f"bullet{groups['b']}", 0),), False
    return (_Marker("decimal", 0),), False


# E-mail quoting ("> ", ">> ") before a line's text, read as indentation.
_QUOTED = re.compile(r"[ \t]*(?:>[ \t]?)+")


def _parse_line(raw: str) -> _Line:
    """Return the indent, text and possible list markers of one line."""
    if raw[:1] == ">" or raw.lstrip()[:1] == ">":
        quoted = _QUOTED.match(raw)
        if quoted is not None:
            raw = " " * len(quoted.group()) + raw[quoted.end() :]
    stripped = raw.lstrip()
    if not stripped:
        return _BLANK
    lead = raw[: len(raw) - len(stripped)]
    indent = len(lead) + 3 * lead.count("\t")
    full = " ".join(stripped.split())
    # Most prose lines cannot open with a marker; skipping the regex keeps 1 MB fast.
    if not (stripped[0] in _MARKER_FIRST or stripped[1:2] in ".)"):
        return _Line(indent, full, full, ())
    match = _MARKER.match(stripped)
    if match is None:
        return _Line(indent, full, full, ())
    # One trailing space makes "1.", "1.  " and "1.\t" share a cache entry.
    markers, bare_q = _read_marker(match.group().rstrip() + " ")
    rest = " ".join(stripped[match.end() :].split())
    # A bullet needs text after it; "Q1 2019" is a quarter, not question 1.
    if (not rest and markers[0].style.startswith("bullet")) or (bare_q and rest[:1].isdigit()):
        return _Line(indent, full, full, ())
    return _Line(indent, full, rest, markers)


# Indentation of one space either way is noise from pasting, not nesting.
_INDENT_SLACK = 1
# How far ahead to look for item 2 when deciding whether an item 1 starts a list.
_START_LOOKAHEAD = 100


def _find_list_start(lines: list[_Line]) -> tuple[int, str] | None:
    """Return the line and style of the earliest marker that starts a real list.

    1. Index every marker by style, in line order.
    2. A numbered or lettered item 1 starts a list when the next same-style marker at
       its level is item 2 (or 3, allowing one slip); "Q1"/"Question 1" is explicit
       enough alone, and so is a numbered item 1 on the first line of the text; a bullet
       needs a second bullet of the same character.
    3. The earliest such start wins, so an outer list beats the list nested inside it.
    """
    by_style: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        for marker in line.markers:
            by_style.setdefault(marker.style, []).append(number)
    first_line = next(number for number, line in enumerate(lines) if line is not _BLANK)
    best: tuple[int, str] | None = None
    for style, numbers in by_style.items():
        if style == "decimal":
            continue
        for position, number in enumerate(numbers):
            if best is not None and number >= best[0]:
                break
            if _starts_list(lines, style, numbers, position, first_line):
                best = (number, style)
                break
    return best


def _marker_value(line: _Line, style: str) -> int | None:
    """Return the value of the line's marker in style, or None."""
    for marker in line.markers:
        if marker.style == style:
            return marker.value
    return None


def _starts_list(
    lines: list[_Line], style: str, numbers: list[int], position: int, first_line: int
) -> bool:
    """Return whether the style marker at numbers[position] opens a list."""
    first = lines[numbers[position]]
    if style.startswith("bullet"):
        return position + 1 < len(numbers)
    if _marker_value(first, style) != 1:
        return False
    # "Q1" is explicit, and a lone "1." opening the text has no preamble it could belong to.
    if style == "q" or (style.startswith("num") and numbers[position] == first_line):
        return True
    nested = False
    for number in numbers[position + 1 : position + 1 + _START_LOOKAHEAD]:
        line = lines[number]
        value = _marker_value(line, style)
        if line.indent <= first.indent + _INDENT_SLACK:
            return value in (2, 3)
        # Deeper: a nested list of the same style restarts at 1; a 2 before any such restart
        # is item 2 pasted with other indentation (a tab where item 1 had spaces).
        if value == 1:
            nested = True
        elif value == 2 and not nested:
            return True
    return False


class _Item:
    """One list item being assembled from its marker line and continuation lines."""

    def __init__(self, text: str, indent: int) -> None:
        self.indent = indent
        self.parts: list[str] = [text] if text else []

    def add(self, separator: str, text: str) -> None:
        """Append text, separated from what came before unless the item is still empty."""
        if self.parts:
            self.parts.append(separator)
        self.parts.append(text)

    def text(self) -> str:
        """Return the assembled item text."""
        return "".join(self.parts).strip()


def _collect_lists(lines: list[_Line], start: int, style: str) -> list[list[_Item]]:
    """Group lines from start into lists of items of the top-level style.

    1. A top-level marker (style matches, not indented past the first item) that continues
       the numbering starts the next item; one numbered 1 starts a new list.
    2. A line straight after an item's line continues it: wrapped text joins with a space,
       a nested marker line keeps its own line.
    3. After a blank line, nested markers and indented paragraphs still belong to the item;
       an unindented paragraph is held back and kept only if the same list carries on
       after it, since after the last item it is usually an outro or a heading.
    4. A closing ("Thank you", "Yours faithfully") ends the item; the rest is ignored
       until the next top-level marker.
    """
    is_bullet = style.startswith("bullet")
    top_indent = lines[start].indent
    lists: list[list[_Item]] = []
    item: _Item | None = None
    previous = 0
    held: list[str] = []
    after_blank = False
    outside = False
    nested_restart = False
    for line in lines[start:]:
        if line is _BLANK:
            after_blank = True
            continue
        value = None
        if line.indent <= top_indent + _INDENT_SLACK:
            value = _marker_value(line, style)
        elif not is_bullet and item is not None:
            # Mixed indentation: the next number at another depth continues the list unless
            # a same-style list nested in this item restarted at 1.
            deeper = _marker_value(line, style)
            if deeper == 1:
                nested_restart = True
            elif deeper == previous + 1 and not nested_restart:
                value = deeper
        if value is not None:
            if is_bullet:
                continues = item is not None and not outside and not held
                restarts = not continues
            else:
                continues = item is not None and previous + 1 <= value <= previous + 2
                restarts = value == 1
            if continues or restarts:
                if continues and item is not None:
                    for paragraph in held:
                        item.add("\n\n", paragraph)
                else:
                    lists.append([])
                held = []
                item = _Item(line.text, line.indent)
                lists[-1].append(item)
                previous = value
                after_blank = outside = nested_restart = False
                continue
        if outside or item is None:
            continue
        if not line.markers and _CLOSING.match(line.full):
            outside = True
            held = []
            continue
        separator = "\n" if line.markers else " "
        if not after_blank:
            if held:
                held[-1] += separator + line.full
            else:
                item.add(separator, line.full)
        elif line.markers or line.indent > item.indent:
            for paragraph in held:
                item.add("\n\n", paragraph)
            held = []
            item.add("\n\n", line.full)
        else:
            held.append(line.full)
        after_blank = False
    return lists


_WORD = re.compile(r"\w+")
# Restatements are recognised on at most this many leading words, which bounds the work.
_KEY_WORDS = 30


class _SeenQuestions:
    """The questions kept so far, to spot a later list that restates them."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.lengths: set[int] = set()

    @staticmethod
    def words(text: str) -> list[str]:
        """Return the leading casefolded words of the item's first line."""
        return _WORD.findall(text.split("\n", 1)[0].casefold())[:_KEY_WORDS]

    def add(self, words: list[str]) -> None:
        """Remember a kept question by its words."""
        if words:
            self.keys.add(" ".join(words))
            self.lengths.add(len(words))

    def restates(self, words: list[str]) -> bool:
        """Return whether the words begin with all the words of a kept question."""
        return any(
            length <= len(words) and " ".join(words[:length]) in self.keys
            for length in self.lengths
        )


def _drop_restatements(lists: list[list[_Item]]) -> list[str]:
    """Return the item texts, leaving out any later list that restates earlier questions.

    A list restates when at least half its items begin with the words of a question already
    kept (a published page repeating each question above its answer). A restarted list of
    different questions is kept.
    """
    seen = _SeenQuestions()
    questions: list[str] = []
    for items in lists:
        texts = [text for text in (item.text() for item in items) if text]
        if not texts:
            continue
        words = [seen.words(text) for text in texts]
        if questions and 2 * sum(seen.restates(each) for each in words) >= len(texts):
            continue
        questions.extend(texts)
        for each in words:
            seen.add(each)
    return questions


def _whole_text(lines: list[str]) -> str:
    """Return the text with lines tidied and runs of blank lines collapsed to one."""
    kept: list[str] = []
    pending_blank = False
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            pending_blank = bool(kept)
            continue
        if pending_blank:
            kept.append("")
            pending_blank = False
        kept.append(line)
    return "\n".join(kept)


def split_questions(text: str) -> list[str]:
    """Return the separate questions of a pasted request, or the whole text as one."""
    raw_lines = normalise_request_text(text).split("\n")
    # Pasted pages repeat lines (separators, "Answer:"), so each distinct line is parsed once.
    parsed: dict[str, _Line] = {}
    lines: list[_Line] = []
    for raw in raw_lines:
        line = parsed.get(raw)
        if line is None:
            line = parsed[raw] = _parse_line(raw)
        lines.append(line)
    if all(line is _BLANK for line in lines):
        return []
    found = _find_list_start(lines)
    if found is not None:
        questions = _drop_restatements(_collect_lists(lines, *found))
        if questions:
            return questions
    return [_whole_text(raw_lines)]


# --- Subject access ----------------------------------------------------------------------

_FIRST_PERSON = r"(?:me|myself|my\s+name)\b"
_ABOUT = (
    r"(?:about|on|of|concerning|regarding|relating\s+to|related\s+to|referring\s+to"
    r"|in\s+relation\s+to|mentioning|naming|identifying|referencing|containing|including"
    r"|(?:that|which)\s+(?:mentions?|names?|refers?\s+to|references?|identif(?:y|ies)"
    r"|contains?|includes?))"
)
_RECORD_NOUNS = (
    r"(?:information|data|records?|files?|details|documents?|e-?mails?|correspondence|notes"
    r"|footage|recordings?|messages|letters|reports?|material|everything|anything|cctv"
    r"|images?|photo(?:graph)?s?)"
)
_RECORD_KINDS = (
    r"(?:medical|health|hr|personnel|employment|staff|case|personal|student|tenancy|housing"
    r"|social\s+care|police|patient|training|pension|payroll|complaint|application)"
)
# Each pattern names the requester as the subject of the information; "me" as the
# recipient ("please send me") never matches on its own.
_SAR_PATTERNS = (
    re.compile(
        # The atomic group stops "request" being dropped to dodge the checks after it.
        r"\b(?:data\s+)?subject[\s-]+access(?>[\s-]+requests?\b|)(?<!requests)"
        r"(?![\s-]+(?:policy|policies|procedures?|guidance|statistics|figures|logs?|register)\b)",
        re.I,
    ),
    # Hong Kong and Macau are Special Administrative Regions, not subject access.
    re.compile(r"(?<!Kong )(?<!Macau )(?<!Macao )\bD?SAR\b"),
    re.compile(r"\bmy\s+(?:own\s+)?personal\s+(?:data|information|details)\b", re.I),
    re.compile(
        rf"\b(?P<lead>cop(?:y|ies)\s+of\s+(?:all\s+)?|access\s+to\s+|all\s+(?:of\s+)?)?"
        rf"my\s+(?:own\s+)?(?:{_RECORD_KINDS}\s+)?(?:records?|files?|data)\b"
        r"(?!\s+(?:shows?|showed|indicates?|suggests?|says?|states?)\b)",
        re.I,
    ),
    re.compile(rf"\b{_RECORD_NOUNS}\b[^.?!\n]{{0,60}}?\b{_ABOUT}\s+{_FIRST_PERSON}", re.I),
    re.compile(
        r"\b(?:hold|holds|held|keep|keeps|kept|store|stores|stored|retain|retains|retained"
        r"|process|processes|processed|have|has)\b[^.?!\n]{0,30}?"
        r"\b(?:about|on|concerning|regarding|relating\s+to|in\s+relation\s+to)\s+(?:me|myself)\b",
        re.I,
    ),
    re.compile(r"\bas\s+(?:a|the)\s+data\s+subject\b|\bmy\s+right\s+of\s+access\b", re.I),
)
# Counting or process words before "subject access" mean a request about SARs in general.
_SAR_STATISTICS = re.compile(
    r"\b(?:how\s+many|number|numbers|statistics|figures|total|percentage|proportion|policy"
    r"|policies|procedures?|guidance)\b[^.?!\n]*$",
    re.I,
)
# "for my records" and "according to my records" are the requester's own filing.
_MY_RECORDS_EXCUSE = re.compile(r"\b(?:for|according\s+to|in|from|per|with|into|on)\s*$", re.I)
_DATA_PROTECTION = re.compile(
    r"\b(?:data\s+protection\s+act|DPA|(?:uk\s+)?gdpr|general\s+data\s+protection\s+regulation"
    r"|art(?:icle|\.)?\s*15)\b",
    re.I,
)
_OWN_REFERENCE = re.compile(
    rf"\b(?:{_ABOUT}|written\s+about|said\s+about)\s+{_FIRST_PERSON}"
    r"|\bmy\s+(?:own\s+)?(?:personal\s+)?(?:data|information|details|records?|files?)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.?!\n]")
# A reason longer than this is shown as its two ends joined by an ellipsis.
_REASON_CHARS = 120


def _flatten(text: str) -> str:
    """Return text with wrapped lines joined and paragraphs kept as single newlines."""
    paragraphs = re.split(r"\n[ \t]*\n", normalise_request_text(text))
    return "\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the sentence around text[start:end], at most 200 chars each way."""
    window_start = max(0, start - 200)
    before = text[window_start:start]
    ends = [match.end() for match in _SENTENCE_END.finditer(before)]
    left = window_start + ends[-1] if ends else window_start
    after = _SENTENCE_END.search(text, end, min(len(text), end + 200))
    right = after.start() if after else min(len(text), end + 200)
    return left, right


def _sar_spans(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, phrase) for each subject-access cue in the flattened text."""
    spans: list[tuple[int, int, str]] = []
    search_and_rescue = re.search(r"search\s+and\s+rescue", text, re.I) is not None
    for index, pattern in enumerate(_SAR_PATTERNS):
        for match in pattern.finditer(text):
            start, end = match.span()
            if index in (0, 1):
                if index == 1 and search_and_rescue:
                    continue
                left, _ = _sentence_bounds(text, start, end)
                if _SAR_STATISTICS.search(text, left, start):
                    continue
            if index == 3 and match.group("lead") is None:
                if _MY_RECORDS_EXCUSE.search(text, max(0, start - 20), start):
                    continue
            spans.append((start, end, match.group()))
    for match in _DATA_PROTECTION.finditer(text):
        left, right = _sentence_bounds(text, *match.span())
        own = _OWN_REFERENCE.search(text, left, right)
        if own is None:
            continue
        start, end = min(match.start(), own.start()), max(match.end(), own.end())
        if end - start <= _REASON_CHARS:
            phrase = text[start:end]
        else:
            first, second = sorted((match, own), key=lambda found: found.start())
            phrase = f"{first.group()} … {second.group()}"
        spans.append((start, end, phrase))
    return spans


def subject_access_reasons(text: str) -> list[str]:
    """Return the phrases suggesting the requester wants their own personal data."""
    flat = _flatten(text)
    reasons: list[str] = []
    seen: set[str] = set()
    covered_to = -1
    # Earliest first, longest first at a tie, so a phrase inside a longer one is not repeated.
    for _start, end, phrase in sorted(_sar_spans(flat), key=lambda span: (span[0], -span[1])):
        if end <= covered_to:
            continue
        covered_to = max(covered_to, end)
        phrase = " ".join(phrase.split())
        if phrase.casefold() not in seen:
            seen.add(phrase.casefold())
            reasons.append(phrase)
    return reasons


def looks_like_subject_access(text: str) -> bool:
    """Return whether the request seems to be for the requester's own personal data."""
    return bool(subject_access_reasons(text))
