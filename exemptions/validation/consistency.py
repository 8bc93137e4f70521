"""The decisions on one question taken together: what is held, what happens to it, and
which citations may stand side by side (NCND, s23/s24 in the alternative, s30/s31, s35/s36).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from exemptions.catalogue import DISPLACED_BY, NCND_ONLY_PART_I_LIMBS, PART_I_NCND_LIMBS
from exemptions.validation.choices import Conclusion, Held, Outcome, Role
from exemptions.validation.citations import ALTERNATIVE_LIMBS


@dataclass(frozen=True)
class CitedSummary:
    """What the question-level rules need to know about one citation."""

    name: str
    role: str
    limbs: tuple[str, ...]
    alternative_group: str = ""
    exemption_code: str = ""
    absolute: bool = False
    pit_conclusion: str = ""
    in_maintained_aggregate: bool = False
    pk: int | None = None


# What may happen to the information, by whether it is held. An answer that neither confirms
# nor denies has its own outcome: there is nothing else to say about the information.
OUTCOMES_FOR_HELD: dict[str, frozenset[str]] = {
    Held.NOT_HELD: frozenset({Outcome.NOT_HELD, Outcome.PROCEDURAL}),
    Held.NCND: frozenset({Outcome.NCND}),
    Held.HELD: frozenset(
        {Outcome.DISCLOSED, Outcome.WITHHELD_IN_PART, Outcome.WITHHELD_IN_FULL, Outcome.PROCEDURAL}
    ),
    Held.PARTLY_HELD: frozenset(
        {
            Outcome.DISCLOSED,
            Outcome.WITHHELD_IN_PART,
            Outcome.WITHHELD_IN_FULL,
            Outcome.PROCEDURAL,
            Outcome.NOT_HELD,
        }
    ),
}


def outcome_for(held_status: str, outcome: str) -> str:
    """The outcome to store: an answer that neither confirms nor denies is NCND, nothing else."""
    return Outcome.NCND if held_status == Held.NCND else outcome


def check_answer(held_status: str, outcome: str) -> None:
    """The outcome must fit what is held: "not held" cannot be "disclosed", and so on."""
    if outcome in OUTCOMES_FOR_HELD.get(held_status, frozenset()):
        return
    if outcome == Outcome.NCND:
        message = (
            "Neither confirm nor deny is an answer on its own: choose it as whether the "
            "information is held."
        )
    else:
        message = (
            f"Information that is {Held.label_of(held_status).lower()} cannot be "
            f"{Outcome.label_of(outcome).lower()}: change whether it is held or what happens to it."
        )
    raise ValidationError({"outcome": [message]})


def check_question_citations(
    held_status: str,
    citations: Iterable[CitedSummary],
    *,
    complete: bool = False,
    outcome: str = "",
) -> None:
    """NCND consistency, s23/s24 in the alternative, and no exemption cited twice.

    Also refused: an exemption on information not held or disclosed in full, s31 with s30
    and s36 with s35 on the same information, and a Part I ground that does not fit an
    answer that neither confirms nor denies (s12(1)), or fits only such an answer (s12(2)).
    With `complete`, an alternative group must also have both its members (at submission;
    while drafting, one member may be added before the other).
    """
    cited = list(citations)
    errors: list[str] = []
    disclosure = [c for c in cited if c.role == Role.DISCLOSURE]
    ncnd = [c for c in cited if c.role == Role.NCND]
    procedural = [c for c in cited if c.role == Role.PROCEDURAL]
    names = ", ".join(c.name for c in disclosure)
    if disclosure and held_status == Held.NOT_HELD:
        errors.append(
            f"The information is not held, so nothing can be exempt from disclosure ({names}): "
            "remove the exemption, or change whether the information is held."
        )
    elif disclosure and outcome == Outcome.DISCLOSED:
        errors.append(
            f"The information is disclosed in full, so no exemption withholds it ({names}): "
            "remove the exemption, or record what is withheld."
        )
    cited_codes = {c.exemption_code for c in disclosure}
    for displaced, displacing in DISPLACED_BY.items():
        if {displaced, displacing} <= cited_codes:
            first, second = displaced.removeprefix("FOIA-"), displacing.removeprefix("FOIA-")
            errors.append(
                f"{first} applies only to information that {second} does not cover, so they "
                f"cannot both be cited for the same information: choose {first} or {second}."
            )
    for citation in procedural:
        if held_status == Held.NCND and not set(citation.limbs) <= PART_I_NCND_LIMBS:
            errors.append(
                f"{citation.name} does not lift the duty to confirm or deny: to neither confirm "
                "nor deny on cost, cite s12(2) (establishing whether the information is held "
                "would itself exceed the cost limit)."
            )
        if (
            held_status
            and held_status != Held.NCND
            and NCND_ONLY_PART_I_LIMBS & set(citation.limbs)
        ):
            errors.append(
                f"{citation.name} neither confirms nor denies, but the question says whether "
                "the information is held: set it to neither confirm nor deny, or cite s12(1)."
            )
    if held_status == Held.NCND and disclosure:
        errors.append(
            "A question that neither confirms nor denies cannot also cite a disclosure "
            f"exemption ({', '.join(c.name for c in disclosure)}): cite the NCND provision "
            "instead."
        )
    if held_status and held_status != Held.NCND and ncnd:
        errors.append(
            f"{', '.join(c.name for c in ncnd)} neither confirms nor denies, but the question "
            "says whether the information is held. Set it to neither confirm nor deny, or "
            "remove the NCND citation."
        )
    seen: set[tuple[str, str]] = set()
    for citation in cited:
        key = (citation.name, citation.role)
        if key in seen:
            errors.append(f"{citation.name} is cited twice on this question: edit one decision.")
        seen.add(key)
    by_limb = {limb: c for c in disclosure for limb in c.limbs if limb in ALTERNATIVE_LIMBS}
    if len(by_limb) == 2:
        s23, s24 = by_limb["s23(1)"], by_limb["s24(1)"]
        if not s23.alternative_group or s23.alternative_group != s24.alternative_group:
            errors.append(
                "s23(1) and s24(1) exclude each other: cite them in the alternative (give both "
                "the same alternative group), never together."
            )
    groups: dict[str, list[CitedSummary]] = {}
    for citation in disclosure:
        if citation.alternative_group:
            groups.setdefault(citation.alternative_group, []).append(citation)
    for group, members in groups.items():
        limbs = [limb for c in members for limb in c.limbs]
        if len(limbs) != len(set(limbs)) or (complete and set(limbs) != ALTERNATIVE_LIMBS):
            errors.append(
                f"Alternative group {group} must cite s23(1) and s24(1), one decision each."
            )
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))


def check_aggregate(citations: Sequence[CitedSummary], *, same_question: bool) -> None:
    """An aggregate test combines two or more qualified disclosure exemptions of one question."""
    errors: list[str] = []
    if not same_question:
        errors.append("An aggregate test can combine only exemptions engaged by the same question.")
    if len(citations) < 2:
        errors.append("Choose at least two qualified exemptions to weigh together.")
    for citation in citations:
        if citation.role == Role.NCND:
            errors.append(f"{citation.name} is an NCND provision: it has its own test.")
        elif citation.role == Role.PROCEDURAL:
            errors.append(f"{citation.name} is a procedural ground: it has no public interest.")
        elif citation.absolute:
            errors.append(f"{citation.name} is absolute: it has no public interest to weigh.")
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))


def check_question_ready(
    number: int,
    held_status: str,
    outcome: str,
    answer_text: str,
    citations: Sequence[CitedSummary],
    *,
    aggregate_conclusion: str = "",
) -> list[str]:
    """What stops question `number` going to review, as messages (empty when ready)."""
    q = f"Question {number}"
    problems: list[str] = []
    if not held_status:
        return [f"{q}: record whether the information is held."]
    if not outcome:
        return [f"{q}: record what happens to the information."]
    try:
        check_question_citations(held_status, citations, complete=True, outcome=outcome)
    except ValidationError as error:
        problems += [f"{q}: {message}" for message in error.messages]
    disclosure = [c for c in citations if c.role == Role.DISCLOSURE]
    ncnd = [c for c in citations if c.role == Role.NCND]
    procedural = [c for c in citations if c.role == Role.PROCEDURAL]
    try:
        check_answer(held_status, outcome)
    except ValidationError as error:
        problems += [f"{q}: {message}" for message in error.messages]
    if outcome in (Outcome.DISCLOSED, Outcome.WITHHELD_IN_PART) and not answer_text.strip():
        problems.append(f"{q}: give the answer (the information disclosed).")
    if outcome == Outcome.PROCEDURAL and not procedural:
        problems.append(f"{q}: cite the procedural ground relied on (e.g. s12 or s14).")
    ncnd_on_part_i = [c for c in procedural if set(c.limbs) <= PART_I_NCND_LIMBS]
    if held_status == Held.NCND and not ncnd and not ncnd_on_part_i:
        problems.append(
            f"{q}: cite the provision that excludes the duty to confirm or deny (or s12(2) "
            "where establishing whether it is held would exceed the cost limit)."
        )
    if outcome in (Outcome.WITHHELD_IN_PART, Outcome.WITHHELD_IN_FULL, Outcome.NCND):
        relied = ncnd if held_status == Held.NCND else disclosure
        if held_status != Held.NCND and not disclosure:
            problems.append(f"{q}: cite the exemption the information is withheld under.")
        elif relied and not any(_supports_withholding(c, aggregate_conclusion) for c in relied):
            problems.append(
                f"{q}: every public interest test concludes for disclosure, so nothing "
                "justifies withholding. Disclose, or revisit the tests."
            )
    return problems


def _supports_withholding(citation: CitedSummary, aggregate_conclusion: str) -> bool:
    if citation.absolute:
        return True
    if citation.pit_conclusion == Conclusion.MAINTAIN:
        return True
    return citation.in_maintained_aggregate and aggregate_conclusion == Conclusion.MAINTAIN
