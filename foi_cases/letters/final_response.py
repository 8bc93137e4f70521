"""The final response: each question restated and answered, and every refusal's reasons (s17).

Given the answers (answers.answers_for) rather than reading them, so the caller reads the
decisions once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from foi_cases.date_words import long_date
from foi_cases.letters.answers import (
    COST_POSITIONS,
    PROCEDURAL_POSITIONS,
    REFUSALS,
    Answer,
    Citation,
    Position,
    PublicInterest,
)
from foi_cases.letters.citations import RegimeLaw, format_provisions, join_and, law_for
from foi_cases.letters.parts import Composition, received_on, rights_section, salutation
from foi_cases.letters.text import SENTENCE_END, capitalise, paragraphs, quoted
from foi_cases.models import Case, LetterSettings

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
    authority = capitalise(s.name_in_text)
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
    authority = capitalise(s.name_in_text)
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
            f" The public interest test for {join_and([c.cited_as for c in qualified])} is set "
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
    authority = capitalise(s.name_in_text)
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
    heading = f"## {capitalise(citation.cited_as)} – {citation.title}"
    if numbered:
        heading += f" ({_questions(numbers)})"
    parts = [heading]
    ncnd = answer.position == Position.NCND
    if citation.omit_reasons:
        because = f" (section 17(4) {short})" if law.short == "FOIA" else ""
        parts.append(
            f"{capitalise(s.name_in_text)} relies on {citation.cited_as} of {law.cited}. We "
            f"cannot say more about why the {law.ground} applies"
            + (" or about the balance of the public interest" if citation.qualified else "")
            + ", because that explanation would itself disclose information which is exempt"
            + because
            + "."
        )
        return paragraphs(parts)
    parts.append(citation.reasons)
    parts.append(harm_paragraph(citation, s, ncnd=ncnd))
    if citation.test_type == "procedural":
        return paragraphs(parts)  # s12 and s14 are refusal grounds, not absolute exemptions
    if not citation.qualified:
        if law.short == "EIR":
            parts.append("This exception is not subject to the public interest test.")
        else:
            parts.append("This is an absolute exemption, so no public interest test is required.")
        return paragraphs(parts)
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
    return paragraphs(parts)


def _questions(numbers: Sequence[int]) -> str:
    word = "question" if len(numbers) == 1 else "questions"
    return f"{word} {join_and([str(n) for n in numbers])}"


def _aggregate_section(
    answer: Answer, law: RegimeLaw, *, numbers: Sequence[int], numbered: bool
) -> str:
    if answer.aggregate_pit is None:
        return ""
    heading = f"## The public interest test for {format_provisions(answer.aggregate_of)} together"
    if numbered:
        heading += f" ({_questions(numbers)})"
    return paragraphs(
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
    return paragraphs(parts)


def _reuse_section(answers: Sequence[Answer], s: LetterSettings) -> str:
    disclosed = {Position.DISCLOSED, Position.PART_DISCLOSED}
    if not s.reuse_text.strip() or not any(a.position in disclosed for a in answers):
        return ""
    return paragraphs("## Re-use of the information", s.reuse_text)


def compose_final_response(
    case: Case, s: LetterSettings, answers: Sequence[Answer], *, decisions_hash: str
) -> Composition:
    """The response to every question, from the recorded answers and the approval's hash."""
    law = law_for(case)
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
        sections.append(quoted(f"{answer.number}. {answer.question}"))
        sections.extend(_answer_paragraphs(answer, s, law, same_as=same_as))
    exemption_sections = _exemption_sections(refused, s, law, numbered=numbered)
    refusal = ""
    if any(a.position in REFUSALS | PROCEDURAL_POSITIONS for a in answers):
        refusal = (
            f"Where we refuse a part of your request, this letter is our refusal notice under "
            f"{law.refusal} of {law.cited}."
        )
    return Composition(
        paragraphs(
            salutation(case),
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
        decisions_hash=decisions_hash,
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
            key: tuple[Any, ...] = ("citation", citation, ncnd, pit)
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
