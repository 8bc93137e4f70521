"""The line syntax of a letter's text, and the small pieces of wording every module shares.

A letter's text is plain text in a tiny line syntax, never HTML: a blank line separates
paragraphs, "## " and "### " start headings, "> " quotes the requester's question and "- "
makes a bullet. Every character is escaped when rendered, so text typed by anyone (including
`<script>` or `<img src=...>`) prints as itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_BODY_CHARACTERS = 200_000
PLACEHOLDER = re.compile(r"\[\[.*?\]\]", re.DOTALL)
#: Where one sentence ends and the next begins.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“‘])")


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
    current_kind = ""
    current_lines: list[str] = []

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


# --- Small pieces of wording the composers and the check share -------------------------------


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def nonblank_lines(text: str) -> list[str]:
    """An address typed in a text box, one stripped line each, blank lines dropped."""
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def paragraphs(*parts: str | Iterable[str]) -> str:
    """Join the non-blank parts (strings or lists of them) into the text's paragraphs."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                out.append(part.strip())
        else:
            out.extend(item.strip() for item in part if item.strip())
    return "\n\n".join(out)


def quoted(text: str) -> str:
    """A question restated as a quotation, one "> " per line."""
    return "\n".join(
        f"> {line}" if line.strip() else ">" for line in normalise_body(text).split("\n")
    )
