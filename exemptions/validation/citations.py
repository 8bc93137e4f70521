"""The rules a decision must meet, as functions over values already fetched: no queries.

Each `check_*` function raises one `ValidationError` listing every problem it found, keyed by
form field where there is one, so the officer sees all of them at once. The authority-wide
facts (a House of Parliament? a government department?) come in as arguments.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from exemptions.catalogue import (
    DISPLACED_BY,
    EMISSIONS_BARRED_LIMBS,
    NCND_ONLY_PART_I_LIMBS,
    PART_I_NCND_LIMBS,
)
from exemptions.models import Exemption, ExemptionCitation, PublicInterestFactor, PublicInterestTest
from foi_cases.models import Question

Role = ExemptionCitation.Role
Likelihood = ExemptionCitation.Likelihood
Side = PublicInterestFactor.Side
Conclusion = PublicInterestTest.Conclusion
Held = Question.Held
Outcome = Question.Outcome
TestType = Exemption.TestType

MIN_WEIGHT = 1
MAX_WEIGHT = 5
# s23(1) and s24(1) exclude each other, so they may be cited only "in the alternative".
ALTERNATIVE_LIMBS = frozenset({"s23(1)", "s24(1)"})
ALTERNATIVE_GROUP = re.compile(r"^[A-Za-z0-9]{1,20}$")


@dataclass(frozen=True)
class FactorData:
    side: str
    text: str
    weight: int


@dataclass(frozen=True)
class PitData:
    """A public interest test as entered: the balance, the conclusion and the reasons."""

    as_at: dt.date
    conclusion: str
    summary: str
    factors: tuple[FactorData, ...]
    override_reason: str = ""
    # EIR reg 12(2): the presumption in favour of disclosure was applied in the balance.
    presumption_applied: bool = False
    # Why the test is judged as at a date after the time for compliance ended.
    late_reason: str = ""

    def total(self, side: str) -> int:
        return sum(factor.weight for factor in self.factors if factor.side == side)


@dataclass(frozen=True)
class CitationData:
    """One exemption decision as entered by the officer (the exemption itself comes apart)."""

    role: str = Role.DISCLOSURE
    limbs: tuple[str, ...] = ()
    alternative_group: str = ""
    likelihood: str = ""
    harm_interest: str = ""
    harm_mechanism: str = ""
    harm_evidence: str = ""
    qp_name: str = ""
    qp_opinion_on: dt.date | None = None
    qp_material: str = ""
    reasoning: str = ""
    omit_reasons: bool = False
    omit_reasons_justification: str = ""
    template_version_id: int | None = None
    # EIR reg 12(9): is the information on emissions? Asked for reg 12(5)(d) to (g) only.
    on_emissions: bool | None = None


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


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def provision_text(limbs: Sequence[str]) -> str:
    """How a letter cites the limbs: "s31(1)(a) and (b)", "s23(5) and s24(2)"."""
    if not limbs:
        return ""
    if len(limbs) == 1:
        return limbs[0]
    parts = [re.match(r"^(.*?)(\([^()]*\))$", limb) for limb in limbs]
    bases = {part.group(1) if part else None for part in parts}
    if len(bases) == 1 and None not in bases:
        tails = [part.group(2) for part in parts if part]
        return f"{parts[0].group(1)}{_and(tails)}" if parts[0] else _and(list(limbs))
    return _and(list(limbs))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def is_s36(exemption: Exemption) -> bool:
    return exemption.regime == "FOIA" and exemption.section == "s36"


def citation_is_absolute(
    exemption: Exemption, limbs: Sequence[str], *, house_of_parliament: bool
) -> bool:
    """No public interest test: an absolute exemption or limb, or s36 held by a House.

    NCND limbs carry their own status too (s40(5B)(a)(i) is absolute, s40(5B)(b) is not).
    """
    flags = [exemption.limb_overrides(code)["absolute"] for code in limbs]
    if flags and all(flag is not None for flag in flags):
        return all(bool(flag) for flag in flags)
    if exemption.absolute_for_parliament and house_of_parliament:
        return True
    return exemption.kind == Exemption.Kind.ABSOLUTE


def check_citation(
    exemption: Exemption,
    data: CitationData,
    *,
    pit: PitData | None,
    regime: str,
    house_of_parliament: bool,
    government_department: bool,
    today: dt.date,
    received_on: dt.date,
    compliance_due: dt.date | None = None,
) -> None:
    """Check one exemption decision and its public interest test, field by field.

    `compliance_due` is the end of the time for compliance (as extended); a public interest
    test judged as at a later date needs a reason.
    """
    errors: dict[str, list[str]] = {}
    name = exemption.section
    if not exemption.active:
        _add(errors, "exemption", f"{name} is no longer in use in the catalogue.")
    if exemption.regime != regime:
        _add(
            errors,
            "exemption",
            f"{name} belongs to the {exemption.regime} regime, but this question is under "
            f"{regime}.",
        )
    if exemption.government_only and not government_department:
        _add(
            errors,
            "exemption",
            f"{name} is available only to government departments and the Welsh Government, "
            "and this authority is not one.",
        )
    _check_role_and_limbs(exemption, data, errors)
    _check_harm(exemption, data, errors)
    _check_emissions(exemption, data, errors)
    if is_s36(exemption):
        _check_qualified_person(data, today, errors)
    if data.omit_reasons and not data.omit_reasons_justification.strip():
        _add(
            errors,
            "omit_reasons_justification",
            "Explain why stating the reasons would itself disclose exempt information (s17(4)).",
        )
    if data.role != Role.PROCEDURAL and not data.omit_reasons and not data.reasoning.strip():
        _add(errors, "reasoning", "Explain why the exemption applies, for the letter (s17(1)(c)).")
    absolute = citation_is_absolute(exemption, data.limbs, house_of_parliament=house_of_parliament)
    if data.role == Role.PROCEDURAL:
        if pit is not None:
            _add(
                errors,
                "pit",
                f"{name} is a procedural ground: it has no public interest test.",
            )
    elif absolute and pit is not None:
        _add(errors, "pit", f"{name} is absolute here: it must not have a public interest test.")
    elif not absolute and pit is None:
        what = "on confirming or denying " if data.role == Role.NCND else ""
        _add(
            errors,
            "pit",
            f"{name} is a qualified exemption: record a public interest test {what}with factors "
            "for and against, their weights and the conclusion.",
        )
    if pit is not None and data.role != Role.PROCEDURAL and not absolute:
        try:
            check_pit(
                pit,
                today=today,
                received_on=received_on,
                regime=regime,
                compliance_due=compliance_due,
            )
        except ValidationError as error:
            for message in error.messages:
                _add(errors, "pit", message)
    _raise(errors)


def _check_role_and_limbs(
    exemption: Exemption, data: CitationData, errors: dict[str, list[str]]
) -> None:
    name = exemption.section
    if exemption.is_procedural != (data.role == Role.PROCEDURAL):
        _add(
            errors,
            "role",
            f"{name} is a procedural ground: cite it as one."
            if exemption.is_procedural
            else f"{name} is not a procedural ground.",
        )
        return
    if len(set(data.limbs)) != len(data.limbs):
        _add(errors, "limbs", "Each subsection can be cited only once.")
    if data.role == Role.NCND:
        ncnd_codes = exemption.ncnd_codes()
        if not ncnd_codes:
            _add(errors, "role", f"{name} has no provision to neither confirm nor deny.")
        elif not data.limbs:
            _add(
                errors,
                "limbs",
                f"Choose the provision that excludes the duty to confirm or deny, e.g. "
                f"{ncnd_codes[0]}.",
            )
        elif unknown := [code for code in data.limbs if code not in ncnd_codes]:
            _add(
                errors,
                "limbs",
                f"{', '.join(unknown)} is not an NCND provision of {name}; cite "
                f"{' or '.join(ncnd_codes)}.",
            )
        _check_limbs_share_status(exemption, data, errors)
        if data.alternative_group:
            _add(
                errors,
                "alternative_group",
                "NCND provisions are cited jointly, not in the alternative.",
            )
        return
    codes = exemption.limb_codes()
    if codes and not data.limbs:
        _add(errors, "limbs", f"Choose the subsection of {name} relied on, e.g. {codes[0]}.")
    elif unknown := [code for code in data.limbs if code not in codes]:
        _add(errors, "limbs", f"{', '.join(unknown)} is not a subsection of {name}.")
    _check_limbs_share_status(exemption, data, errors)
    if data.alternative_group:
        if not ALTERNATIVE_GROUP.match(data.alternative_group):
            _add(errors, "alternative_group", "Use letters and digits only, e.g. A.")
        elif not set(data.limbs) <= ALTERNATIVE_LIMBS or exemption.regime != "FOIA":
            _add(
                errors,
                "alternative_group",
                "Only s23(1) and s24(1) can be cited in the alternative.",
            )


def _check_limbs_share_status(
    exemption: Exemption, data: CitationData, errors: dict[str, list[str]]
) -> None:
    """One decision, one status: absolute and qualified limbs (or class and harm) go apart."""
    name = exemption.section
    overrides = [exemption.limb_overrides(code)["absolute"] for code in data.limbs]
    if len({bool(flag) for flag in overrides if flag is not None}) > 1:
        _add(
            errors,
            "limbs",
            f"Cite the absolute and the qualified subsections of {name} as separate decisions: "
            "only the qualified ones need a public interest test.",
        )
    if len(exemption.test_types(data.limbs)) > 1:
        _add(
            errors,
            "limbs",
            f"Cite the class-based and the harm-based subsections of {name} as separate "
            'decisions: only the harm-based ones need a "would" or "would be likely to" test.',
        )


def _check_harm(exemption: Exemption, data: CitationData, errors: dict[str, list[str]]) -> None:
    name = provision_text(data.limbs) or exemption.section
    tests = exemption.test_types(data.limbs)
    test = next(iter(tests)) if len(tests) == 1 else exemption.test_type
    if data.role == Role.PROCEDURAL or test not in Exemption.HARM_TESTS:
        if data.likelihood:
            _add(
                errors,
                "likelihood",
                f"{name} is not a prejudice-based exemption: leave the likelihood empty.",
            )
        return
    if test == TestType.REQUIRED:
        if data.likelihood != Likelihood.REQUIRED:
            _add(
                errors,
                "likelihood",
                f'{name} asks whether exemption is "required for the purpose of" the interest '
                "protected; choose that test.",
            )
    elif test == TestType.ADVERSE_EFFECT:
        if data.likelihood != Likelihood.WOULD:
            _add(errors, "likelihood", f'{name} asks whether disclosure "would" adversely affect.')
    elif data.likelihood not in (Likelihood.WOULD, Likelihood.WOULD_BE_LIKELY):
        verb = "endanger" if test == TestType.ENDANGER else "prejudice"
        _add(
            errors,
            "likelihood",
            f'Choose whether disclosure "would" or "would be likely to" {verb} (for {name}).',
        )
    if not data.harm_interest.strip():
        _add(errors, "harm_interest", f"Say what {name} protects that would be harmed.")
    if not data.harm_mechanism.strip():
        _add(errors, "harm_mechanism", "Explain how disclosure would cause the harm.")
    if not data.harm_evidence.strip():
        _add(
            errors,
            "harm_evidence",
            "Record the evidence for the harm, e.g. the police threat assessment.",
        )


def _check_emissions(
    exemption: Exemption, data: CitationData, errors: dict[str, list[str]]
) -> None:
    """EIR reg 12(9): information on emissions cannot be withheld under reg 12(5)(d) to (g)."""
    barred = [code for code in data.limbs if code in EMISSIONS_BARRED_LIMBS]
    if not barred:
        return
    name = provision_text(barred)
    if data.on_emissions is None:
        _add(
            errors,
            "on_emissions",
            f"Say whether the information is on emissions: {name} cannot withhold information "
            "on emissions (reg 12(9)).",
        )
    elif data.on_emissions:
        _add(
            errors,
            "on_emissions",
            f"Information on emissions cannot be withheld under {name} (reg 12(9)). Consider "
            "another exception, or disclose.",
        )


def _check_qualified_person(
    data: CitationData, today: dt.date, errors: dict[str, list[str]]
) -> None:
    if not data.qp_name.strip():
        _add(errors, "qp_name", "s36 is engaged only on the qualified person's opinion: name them.")
    if data.qp_opinion_on is None:
        _add(errors, "qp_opinion_on", "Enter the date of the qualified person's opinion.")
    elif data.qp_opinion_on > today:
        _add(errors, "qp_opinion_on", "The qualified person's opinion cannot be in the future.")
    if not data.limbs:
        _add(errors, "limbs", "Choose the limb of s36(2) the qualified person relied on.")


def check_pit(
    pit: PitData,
    *,
    today: dt.date,
    received_on: dt.date,
    regime: str = "",
    compliance_due: dt.date | None = None,
) -> None:
    """A tie means disclosure: withholding needs the weights to favour it, or a reason.

    Under the EIR the reg 12(2) presumption in favour of disclosure must be recorded as
    applied. A test judged after the time for compliance (`compliance_due`) needs a reason:
    the balance is struck as at the time of the request's handling, not later.
    """
    errors: list[str] = []
    if pit.as_at > today:
        errors.append("The public interest test cannot be dated in the future.")
    if pit.as_at < received_on:
        errors.append("The public interest test cannot be dated before the request arrived.")
    if is_pit_late(pit, compliance_due) and not pit.late_reason.strip():
        errors.append(
            f"The public interest test is judged as at {pit.as_at:%-d %B %Y}, after the time "
            f"for compliance ended on {compliance_due:%-d %B %Y}: the balance is struck as at "
            "the time the request was dealt with. Date it by then, or record why it is later."
        )
    if regime == "EIR" and not pit.presumption_applied:
        errors.append(
            "Under the EIR, apply the presumption in favour of disclosure (reg 12(2)) and "
            "record that you did."
        )
    for factor in pit.factors:
        if not factor.text.strip():
            errors.append("Describe every public interest factor, or remove it.")
        if not MIN_WEIGHT <= factor.weight <= MAX_WEIGHT:
            errors.append(f"Give each factor a weight from {MIN_WEIGHT} to {MAX_WEIGHT}.")
        if factor.side not in Side.values:
            errors.append("Each factor must favour disclosure or maintaining the exemption.")
    if not any(f.side == Side.DISCLOSURE for f in pit.factors):
        errors.append(
            "List at least one factor for disclosure: there is always some public interest in "
            "transparency and accountability."
        )
    if not any(f.side == Side.MAINTAIN for f in pit.factors):
        errors.append("List at least one factor for maintaining the exemption.")
    if pit.conclusion not in Conclusion.values:
        errors.append("Choose the conclusion: maintain the exemption, or disclose.")
    if not pit.summary.strip():
        errors.append("Summarise the reasons for the conclusion, for the letter (s17(3)).")
    maintain, disclose = pit.total(Side.MAINTAIN), pit.total(Side.DISCLOSURE)
    if pit.conclusion == Conclusion.MAINTAIN and maintain <= disclose:
        if not pit.override_reason.strip():
            errors.append(
                f"The weights do not favour maintaining the exemption ({maintain} for "
                f"maintaining, {disclose} for disclosure), and a tie means disclosure. "
                "Conclude for disclosure, or record why the exemption is maintained anyway."
            )
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))


def is_pit_late(pit: PitData, compliance_due: dt.date | None) -> bool:
    """Judged as at a date after the time for compliance ended (a warning with a reason)."""
    return compliance_due is not None and pit.as_at > compliance_due


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
            f"Information that is {Held(held_status).label.lower()} cannot be "
            f"{Outcome(outcome).label.lower()}: change whether it is held or what happens to it."
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
        first, second = by_limb["s23(1)"], by_limb["s24(1)"]
        if not first.alternative_group or first.alternative_group != second.alternative_group:
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
