"""Reference catalogue of FOI exemptions, exceptions and refusal grounds.

Pure data, with no Django imports: a data migration reads ``CATALOGUE`` to seed the
``Exemption`` table. The content follows the project's domain specification
(``DOMAIN.md`` sections 2, 3, 4 and 6, and 1.11 for FOISA).

Coverage:

* FOIA 2000 Part II, s21 to s44 including s22A. **s25 is omitted on purpose**: it is the
  certificate procedure for ss23 and 24, not an exemption in its own right.
* FOIA Part I refusal grounds (``kind="procedural"``): s1(3) clarification, s8 not a valid
  request, s12 cost limit, s14(1) vexatious, s14(2) repeated.
* EIR 2004: reg 12(4)(a)-(e) and reg 12(5)(a)-(g) (one entry each, all qualified) and reg 13
  personal data, which follows the s40 pattern.
* FOISA 2002: s25 to s41 (its exemptions start at s25; there is no FOISA "s24" exemption, and
  national security is in FOISA s31). Its harm-based exemptions use the "prejudice
  substantially" test.

Absolute exemptions under FOIA s2(3) are s21, s23, s32, s34, s41 and s44 (``kind="absolute"``);
s36 is absolute only for information held by a House of Parliament
(``kind="qualified"``, ``absolute_for_parliament=True``); and s37(1)(a)-(ab), s40(1) and s40(2)
where the first condition is satisfied are absolute *limbs* of otherwise qualified sections
(``Limb.absolute=True``). Everything else is qualified and needs a public interest test.

Guidance text marks points the specification records as unverified, and a few points taken from
the statute without being re-read for the specification, with "(check)".
"""

from __future__ import annotations

from exemptions.catalogue.eir import EIR
from exemptions.catalogue.foia import FOIA_PART_II
from exemptions.catalogue.foia_part_i import FOIA_PROCEDURAL
from exemptions.catalogue.foisa import FOISA
from exemptions.catalogue.types import (
    KINDS,
    REGIMES,
    TEST_TYPES,
    CatalogueEntry,
    Kind,
    Limb,
    Regime,
    TestType,
)

__all__ = [
    "CATALOGUE",
    "DISPLACED_BY",
    "EIR",
    "EMISSIONS_BARRED_LIMBS",
    "FOIA_PART_II",
    "FOIA_PROCEDURAL",
    "FOISA",
    "KINDS",
    "MP_SECURITY_NCND_BUNDLE",
    "NCND_ONLY_PART_I_LIMBS",
    "PART_I_NCND_LIMBS",
    "REGIMES",
    "S23_NCND",
    "TEST_TYPES",
    "CatalogueEntry",
    "Kind",
    "Limb",
    "Regime",
    "TestType",
    "by_code",
    "for_regime",
]

# NCND provisions usually considered together for a request about a named MP's security
# arrangements (DOMAIN.md 3.4). A template bundle only: each still needs a reasoned decision.
MP_SECURITY_NCND_BUNDLE: tuple[str, ...] = ("s24(2)", "s31(3)", "s38(2)", "s40(5B)")
# Added to the bundle where involvement of a security body could be inferred; it is routinely
# cited jointly with s24(2) (the NCND provisions are not mutually exclusive).
S23_NCND = "s23(5)"

# Part I limbs that lift the duty to confirm or deny (s1(1)(a)), so an answer that neither
# confirms nor denies may rest on them: s12(2), where establishing whether the information is
# held would itself exceed the cost limit, and s14, which disapplies s1(1) as a whole. s12(1)
# (the cost of complying) leaves the duty to confirm or deny standing.
PART_I_NCND_LIMBS: frozenset[str] = frozenset({"s12(2)", "s14(1)", "s14(2)"})
# Part I limbs that make sense only for an answer that neither confirms nor denies.
NCND_ONLY_PART_I_LIMBS: frozenset[str] = frozenset({"s12(2)"})

# FOIA sections that apply only to information the other section does not cover: s31(1)
# covers information "not exempt by virtue of section 30", and s36 information not exempt
# under s35 (s36(1)(a)). Catalogue code displaced -> the code that displaces it.
DISPLACED_BY: dict[str, str] = {"FOIA-s31": "FOIA-s30", "FOIA-s36": "FOIA-s35"}

# EIR reg 12(9): information on emissions cannot be withheld under reg 12(5)(d) to (g).
EMISSIONS_BARRED_LIMBS: frozenset[str] = frozenset(f"reg 12(5)({letter})" for letter in "defg")


CATALOGUE: tuple[CatalogueEntry, ...] = (*FOIA_PART_II, *FOIA_PROCEDURAL, *EIR, *FOISA)


def by_code() -> dict[str, CatalogueEntry]:
    """Return a fresh mapping from ``code`` to entry."""
    return {entry.code: entry for entry in CATALOGUE}


def for_regime(regime: str) -> tuple[CatalogueEntry, ...]:
    """Entries for one regime, in catalogue order."""
    return tuple(entry for entry in CATALOGUE if entry.regime == regime)
