"""Reasoning templates: fill [[placeholders]] from the case, and nothing else.

Template text is edited by managers, so it is treated as data, never as code: it is not
passed to Django's or any other template engine, only the whitelisted names below are
replaced, a name is a bare word (no dots, no brackets, no filters), and everything else,
including `{{ … }}`, `{% … %}` and unknown `[[…]]`, stays exactly as written. The result is
plain text, HTML-escaped wherever it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils import formats, timezone

from exemptions.reasoning_seed import PLACEHOLDERS as SEED_PLACEHOLDERS
from foi_cases.models import LetterSettings, Question

PLACEHOLDERS: frozenset[str] = frozenset(SEED_PLACEHOLDERS)
PLACEHOLDER = re.compile(r"\[\[\s*([a-z_]{1,40})\s*\]\]")
ANY_BRACKETS = re.compile(r"\[\[(.{0,80}?)\]\]", re.DOTALL)
MAX_VALUE_CHARACTERS = 2_000
SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")


def render(text: str, values: Mapping[str, str]) -> str:
    """Replace each [[name]] whose name is whitelisted and given; leave the rest as written."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in PLACEHOLDERS and name in values:
            value = str(values[name])[:MAX_VALUE_CHARACTERS]
            # "the House of Commons" opening a sentence reads "The House of Commons".
            if SENTENCE_START.search(text[: match.start()]):
                value = value[:1].upper() + value[1:]
            return value
        return match.group(0)

    return PLACEHOLDER.sub(substitute, text)


def unknown_placeholders(text: str) -> list[str]:
    """The [[…]] markers in `text` that will not be filled, for the template editor."""
    found = []
    for match in ANY_BRACKETS.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            found.append(match.group(0))
    return list(dict.fromkeys(found))


def values_for(question: Question, *, provision: str = "") -> dict[str, str]:
    """The placeholder values for one question of a case: never the requester's details."""
    case = question.case
    topics = [topic.name for topic in case.topics.all()]
    received = formats.date_format(timezone.localtime(case.received_at).date(), "j F Y")
    return {
        "reference": case.reference,
        "received_date": received,
        "authority_name": LetterSettings.load().name_in_text,
        "question_text": question.text,
        "provision": provision,
        "topic": ", ".join(topics) if topics else "the information requested",
    }


def place(current: str, paragraph: str, *, mode: str) -> str:
    """The field's text after using a template: replaced, or the paragraph added at the end."""
    current = current.strip()
    if mode == "append" and current:
        return f"{current}\n\n{paragraph}"
    return paragraph
