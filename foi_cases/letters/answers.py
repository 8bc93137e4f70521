"""The recorded decisions, in the form letters use: the only letters module that reads them.

`drafts.compose` reads the answers once through `answers_for(case)` and gives them to the final
response; the check and the case outcome take them from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from foi_cases import approval
from foi_cases.letters.citations import format_provisions, parse_provision, provision_key
from foi_cases.models import Case

if TYPE_CHECKING:
    from exemptions.models import Exemption, ExemptionCitation, PublicInterestTest
    from foi_cases.models import Question


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


def _cites_s12_2(citations: Sequence[ExemptionCitation]) -> bool:
    return any(
        c.exemption.section == "s12" and any(provision_key(limb) == "12(2)" for limb in c.limbs)
        for c in citations
    )


def _position(question: Question, citations: Sequence[ExemptionCitation]) -> Position | None:
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
    positions: dict[str, Position] = {
        Outcome.DISCLOSED: Position.DISCLOSED,
        Outcome.WITHHELD_IN_PART: Position.PART_DISCLOSED,
        Outcome.WITHHELD_IN_FULL: Position.WITHHELD,
        Outcome.NOT_HELD: Position.NOT_HELD,
    }
    return positions.get(outcome)


def _public_interest(test: PublicInterestTest | None) -> PublicInterest | None:
    if test is None:
        return None
    factors = sorted(test.factors.all(), key=lambda f: (f.position, f.pk))
    return PublicInterest(
        for_disclosure=tuple(f.text for f in factors if f.side == "disclosure"),
        for_maintaining=tuple(f.text for f in factors if f.side == "maintain"),
        summary=test.summary,
        maintained=test.conclusion == "maintain",
    )


def _citation(citation: ExemptionCitation) -> Citation:
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


def _ncnd_codes(exemption: Exemption) -> list[str]:
    """The NCND provisions, whether stored as codes or as limbs with their own status."""
    return [p if isinstance(p, str) else p["code"] for p in exemption.ncnd_provisions]


def _test_type(exemption: Exemption, limbs: Sequence[str]) -> str:
    """The test the cited limbs engage: a limb's own (s27(2) is class-based) or the section's."""
    entries = [*exemption.limbs, *(p for p in exemption.ncnd_provisions if isinstance(p, dict))]
    own: dict[str, str] = {entry.get("code"): entry.get("test_type") for entry in entries}
    tests = {own.get(code) or exemption.test_type for code in limbs}
    return tests.pop() if len(tests) == 1 else exemption.test_type


def answers_for(case: Case) -> list[Answer]:
    """The case's questions with their recorded decisions, in the form letters use.

    Reads only what the reviewer approved (foi_cases.approval.canonical_decisions covers
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
    return approval.approved_hash(case)


def decisions_as_recorded(case: Case) -> list[dict[str, Any]]:
    """Each question's decisions in the canonical form the approval hash covers, numbered."""
    questions: list[dict[str, Any]] = approval.canonical_decisions(case)["questions"]
    return questions


def decisions_approved(case: Case) -> bool:
    return approval.is_approved(case)


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
