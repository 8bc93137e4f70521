"""One exemption decision: the exemption fits the question, its limbs, harm and reasons."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from exemptions.catalogue import EMISSIONS_BARRED_LIMBS
from exemptions.validation.choices import HARM_TESTS, Kind, Likelihood, Role, TestType
from exemptions.validation.public_interest import PitData, check_pit

if TYPE_CHECKING:
    from exemptions.models import Exemption

# s23(1) and s24(1) exclude each other, so they may be cited only "in the alternative".
ALTERNATIVE_LIMBS = frozenset({"s23(1)", "s24(1)"})
ALTERNATIVE_GROUP = re.compile(r"^[A-Za-z0-9]{1,20}$")


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
    # A consultation on the case whose advice is the harm test's evidence (never in the letter).
    evidence_consultation_id: int | None = None


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
    return exemption.kind == Kind.ABSOLUTE


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
    if data.role == Role.PROCEDURAL or test not in HARM_TESTS:
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
