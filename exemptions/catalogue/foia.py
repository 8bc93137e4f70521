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

from dataclasses import dataclass
from typing import Any, Literal

Regime = Literal["FOIA", "EIR", "FOISA"]
Kind = Literal["absolute", "qualified", "procedural"]
TestType = Literal[
    "class",
    "prejudice",
    "required",
    "endanger",
    "adverse_effect",
    "procedural",
    "prejudice_substantially",
]

REGIMES: tuple[str, ...] = ("FOIA", "EIR", "FOISA")
KINDS: tuple[str, ...] = ("absolute", "qualified", "procedural")
TEST_TYPES: tuple[str, ...] = (
    "class",
    "prejudice",
    "required",
    "endanger",
    "adverse_effect",
    "procedural",
    "prejudice_substantially",
)

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


@dataclass(frozen=True)
class Limb:
    """A subsection or limb that can be cited, e.g. ``s31(1)(a)``.

    ``absolute`` and ``test_type`` override the entry's kind and test for this limb: whether
    a public interest test is due, and whether a harm test ("would / would be likely to") is,
    are properties of the limb (FOIA s2(3)). An NCND limb takes the status of the limb it
    mirrors (s2(1), s2(3)).
    """

    code: str  # e.g. "s31(1)(a)"
    label: str
    absolute: bool | None = None  # overrides the exemption's kind for this limb
    test_type: TestType | None = None  # overrides the exemption's test for this limb


@dataclass(frozen=True)
class CatalogueEntry:
    """One exemption, exception or refusal ground.

    ``ncnd_provision`` is the main provision excluding the duty to confirm or deny ("" when
    there is none); ``ncnd_provisions`` lists every such provision and defaults to
    ``(ncnd_provision,)``. Only s40 (``s40(5A)`` and ``s40(5B)``) has more than one.
    ``ncnd_limbs`` are what an NCND decision cites, each with its own status; they default to
    one limb per provision, following the entry's kind and test.
    """

    regime: Regime
    code: str
    section: str
    short_name: str
    kind: Kind
    test_type: TestType
    limbs: tuple[Limb, ...]
    guidance: str
    ncnd_provision: str = ""
    ncnd_provisions: tuple[str, ...] = ()
    ncnd_limbs: tuple[Limb, ...] = ()
    absolute_for_parliament: bool = False
    government_only: bool = False
    mp_security_relevant: bool = False

    def __post_init__(self) -> None:
        if self.regime not in REGIMES:
            raise ValueError(f"{self.code}: unknown regime {self.regime!r}")
        if not self.code.startswith(f"{self.regime}-"):
            raise ValueError(f"{self.code}: code must start with {self.regime}-")
        if self.kind not in KINDS:
            raise ValueError(f"{self.code}: unknown kind {self.kind!r}")
        if self.test_type not in TEST_TYPES:
            raise ValueError(f"{self.code}: unknown test type {self.test_type!r}")
        if (self.kind == "procedural") != (self.test_type == "procedural"):
            raise ValueError(f"{self.code}: procedural kind and test type go together")
        if not self.limbs:
            raise ValueError(f"{self.code}: at least one limb is required")
        if self.ncnd_provision and not self.ncnd_provisions:
            object.__setattr__(self, "ncnd_provisions", (self.ncnd_provision,))
        if self.ncnd_provisions and self.ncnd_provision not in self.ncnd_provisions:
            raise ValueError(f"{self.code}: ncnd_provision must be one of ncnd_provisions")
        if not self.ncnd_limbs:
            object.__setattr__(
                self,
                "ncnd_limbs",
                tuple(Limb(code, "neither confirm nor deny") for code in self.ncnd_provisions),
            )
        for limb in (*self.limbs, *self.ncnd_limbs):
            if limb.test_type is not None and limb.test_type not in TEST_TYPES:
                raise ValueError(f"{self.code}: unknown test type {limb.test_type!r}")
        for limb in self.ncnd_limbs:
            if not any(limb.code.startswith(p) for p in self.ncnd_provisions):
                raise ValueError(f"{self.code}: {limb.code} is not under an NCND provision")

    @property
    def is_absolute(self) -> bool:
        """True when the whole entry is absolute (no public interest test in any case)."""
        return self.kind == "absolute"

    def _limb(self, limb_code: str) -> Limb:
        for limb in (*self.limbs, *self.ncnd_limbs):
            if limb.code == limb_code:
                return limb
        raise KeyError(f"{self.code} has no limb {limb_code!r}")

    def limb_is_absolute(self, limb_code: str, *, held_by_parliament: bool = False) -> bool:
        """Whether citing ``limb_code`` (a limb or NCND limb) attracts no public interest test."""
        limb = self._limb(limb_code)
        if limb.absolute is not None:
            return limb.absolute
        if held_by_parliament and self.absolute_for_parliament:
            return True
        return self.kind == "absolute"

    def limb_test_type(self, limb_code: str) -> str:
        """The test ``limb_code`` is engaged by: class, prejudice, adverse effect…"""
        return self._limb(limb_code).test_type or self.test_type

    @property
    def needs_public_interest_test(self) -> bool:
        """True when at least one limb can need a PIT (procedural grounds never do)."""
        if self.kind == "procedural":
            return False
        return any(not self.limb_is_absolute(limb.code) for limb in self.limbs)


def _limbs(*pairs: tuple[Any, ...] | Limb) -> tuple[Limb, ...]:
    return tuple(pair if isinstance(pair, Limb) else Limb(*pair) for pair in pairs)


_FOISA_S18 = (
    "NCND is available under FOISA s18 only where revealing whether the information exists or "
    "is held would be contrary to the public interest; the list of exemptions s18 covers "
    "(s28 to s35, s38, s39(1) and s41) is unverified (check)."
)

FOIA_PART_II: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s21",
        section="s21",
        short_name="Information accessible to applicant by other means",
        kind="absolute",
        test_type="class",
        limbs=_limbs(("s21(1)", "information reasonably accessible to the applicant")),
        ncnd_provision="",
        guidance=(
            "Absolute: no public interest test. Tell the requester exactly where the information "
            "is accessible (a URL, the publication scheme or the disclosure log); information "
            "available only on payment can still be reasonably accessible. There is no NCND "
            "provision. Refusals resting on s21 alone are counted separately in the statistics."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s22",
        section="s22",
        short_name="Information intended for future publication",
        kind="qualified",
        test_type="class",
        limbs=_limbs(("s22(1)", "information held with a view to future publication")),
        ncnd_provision="s22(2)",
        guidance=(
            "Needs a settled intention to publish, existing at the time of the request, and it "
            "must be reasonable to withhold the information until publication. Record the "
            "intended publication date or period. Qualified: a public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s22A",
        section="s22A",
        short_name="Research",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(("s22A(1)", "information obtained in a continuing programme of research")),
        ncnd_provision="s22A(2)",
        guidance=(
            "Inserted in 2014. Applies where disclosure before publication of the research "
            "would, or would be likely to, prejudice the programme, the participants or the "
            "authority. Qualified: a public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s23",
        section="s23",
        short_name="Information supplied by, or relating to, bodies dealing with security matters",
        kind="absolute",
        test_type="class",
        limbs=_limbs(
            ("s23(1)", "supplied by, or relating to, a security body listed in s23(3)"),
        ),
        ncnd_provision="s23(5)",
        mp_security_relevant=True,
        guidance=(
            "Class-based and absolute: no harm needs to be shown and there is no public interest "
            "test. s23(1) and s24(1) are mutually exclusive, so citing either one alone reveals "
            "whether a security body is involved; s23(5) and s24(2) are not exclusive and are "
            "routinely cited together as an NCND response. When the ICO accepts s23(1) and "
            "s24(1) cited in the alternative was not confirmed (check). A Minister's certificate "
            "under s23(2) is conclusive."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s24",
        section="s24",
        short_name="National security",
        kind="qualified",
        test_type="required",
        limbs=_limbs(("s24(1)", "required for the purpose of safeguarding national security")),
        ncnd_provision="s24(2)",
        mp_security_relevant=True,
        guidance=(
            "The test is that exemption is 'required' to safeguard national security, which the "
            "ICO reads as reasonably necessary; it is neither a class nor a prejudice test. "
            "s24(1) cannot apply to information within s23(1); s24(2) is often cited jointly "
            "with s23(5) for NCND. Qualified: run a public interest test, and a separate one on "
            "confirming or denying for s24(2). A Minister's certificate under s24(3) is available."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s26",
        section="s26",
        short_name="Defence",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(
            ("s26(1)(a)", "the defence of the British Islands or of any colony"),
            ("s26(1)(b)", "the capability, effectiveness or security of any relevant forces"),
        ),
        ncnd_provision="s26(3)",
        guidance=(
            "Prejudice-based: show a causal link to real harm to defence and choose 'would' or "
            "'would be likely to'. Qualified: a public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s27",
        section="s27",
        short_name="International relations",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(
            ("s27(1)(a)", "relations between the United Kingdom and any other State"),
            ("s27(1)(b)", "relations between the United Kingdom and an international body"),
            ("s27(1)(c)", "the interests of the United Kingdom abroad"),
            ("s27(1)(d)", "the promotion or protection by the United Kingdom of its interests"),
            Limb(
                "s27(2)",
                "confidential information obtained from a State or international body",
                test_type="class",
            ),
        ),
        ncnd_provision="s27(4)",
        ncnd_limbs=(
            Limb("s27(4)(a)", "confirming or denying would, or would be likely to, prejudice"),
            Limb(
                "s27(4)(b)",
                "confirming or denying would disclose confidential information from a State",
                test_type="class",
            ),
        ),
        guidance=(
            "s27(1) is prejudice-based; s27(2) is a class exemption for confidential information "
            "obtained from another State or an international organisation or court, so no harm "
            "test applies to it. s27(4)(a) and (b) mirror them for NCND. Qualified: a public "
            "interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s28",
        section="s28",
        short_name="Relations within the United Kingdom",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(("s28(1)", "relations between any administrations in the United Kingdom")),
        ncnd_provision="s28(3)",
        guidance=(
            "Prejudice-based: relations between the UK Government and the devolved "
            "administrations, or between devolved administrations. Qualified: a public "
            "interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s29",
        section="s29",
        short_name="The economy",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(
            ("s29(1)(a)", "the economic interests of the United Kingdom or any part of it"),
            ("s29(1)(b)", "the financial interests of any administration in the United Kingdom"),
        ),
        ncnd_provision="s29(2)",
        guidance=(
            "Prejudice-based. Qualified: a public interest test is required. Rarely relevant "
            "outside government and the devolved administrations."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s30",
        section="s30",
        short_name="Investigations and proceedings conducted by public authorities",
        kind="qualified",
        test_type="class",
        limbs=_limbs(
            ("s30(1)", "criminal investigations and proceedings conducted by the authority"),
            ("s30(2)", "investigations and proceedings using confidential sources"),
        ),
        ncnd_provision="s30(3)",
        mp_security_relevant=True,
        guidance=(
            "Class-based, mainly for police forces and prosecuting authorities. Where s30 "
            "applies to information, s31 cannot be used for the same information, so decide "
            "which fits before drafting. Qualified: a public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s31",
        section="s31",
        short_name="Law enforcement",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(
            ("s31(1)(a)", "the prevention or detection of crime"),
            ("s31(1)(b)", "the apprehension or prosecution of offenders"),
            ("s31(1)(c)", "the administration of justice"),
            ("s31(1)(d)", "the assessment or collection of any tax or duty"),
            ("s31(1)(e)", "the operation of the immigration controls"),
            ("s31(1)(f)", "the maintenance of security and good order in prisons"),
            ("s31(1)(g)", "the exercise by a public authority of functions listed in s31(2)"),
            ("s31(1)(h)", "civil proceedings arising out of an investigation under s31(2)"),
            ("s31(1)(i)", "a Scottish fatal accident or sudden death inquiry"),
        ),
        ncnd_provision="s31(3)",
        mp_security_relevant=True,
        guidance=(
            "Prejudice-based: identify the law enforcement interest, show a causal link to harm "
            "that is real and of substance, and choose 'would' (more probable than not) or "
            "'would be likely to' (a real and significant risk). Record the evidence, for "
            "example the police threat assessment. s31 cannot apply to information exempt "
            "under s30. Qualified: run a public interest test, and a separate one on "
            "confirming or denying if relying on s31(3)."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s32",
        section="s32",
        short_name="Court records, etc.",
        kind="absolute",
        test_type="class",
        limbs=_limbs(
            ("s32(1)", "documents filed with, served by or created by a court"),
            ("s32(2)", "documents placed with or created by a person conducting an inquiry"),
        ),
        ncnd_provision="s32(3)",
        guidance=(
            "Class-based and absolute: no public interest test. The information must be held "
            "only by virtue of being contained in the court or inquiry document."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s33",
        section="s33",
        short_name="Audit functions",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(("s33(2)", "the exercise of the authority's audit functions")),
        ncnd_provision="s33(3)",
        guidance=(
            "Available only to authorities with functions of auditing, or examining the economy "
            "or efficiency of, other public authorities. Prejudice-based and qualified: a "
            "public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s34",
        section="s34",
        short_name="Parliamentary privilege",
        kind="absolute",
        test_type="required",
        limbs=_limbs(
            ("s34(1)", "required to avoid an infringement of the privileges of either House"),
        ),
        ncnd_provision="s34(2)",
        guidance=(
            "Absolute: no public interest test. For the House of Commons the House is the sole "
            "judge of the publication of its proceedings (exclusive cognisance). A certificate "
            "from the Speaker or the Clerk of the Parliaments under s34(3) is conclusive."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s35",
        section="s35",
        short_name="Formulation of government policy, etc.",
        kind="qualified",
        test_type="class",
        limbs=_limbs(
            ("s35(1)(a)", "the formulation or development of government policy"),
            ("s35(1)(b)", "Ministerial communications"),
            ("s35(1)(c)", "the provision of advice by the Law Officers"),
            ("s35(1)(d)", "the operation of any Ministerial private office"),
        ),
        ncnd_provision="s35(3)",
        government_only=True,
        guidance=(
            "Only government departments and the Welsh Government can rely on s35; it is not "
            "available to the House of Commons, IPSA or a police force, which should consider "
            "s36 instead. Class-based and qualified: a public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s36",
        section="s36",
        short_name="Prejudice to effective conduct of public affairs",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(
            ("s36(2)(a)", "the convention of collective responsibility (and devolved equivalents)"),
            ("s36(2)(b)(i)", "would inhibit the free and frank provision of advice"),
            ("s36(2)(b)(ii)", "would inhibit the free and frank exchange of views"),
            ("s36(2)(c)", "would otherwise prejudice the effective conduct of public affairs"),
        ),
        ncnd_provision="s36(3)",
        absolute_for_parliament=True,
        guidance=(
            "Engaged only on the reasonable opinion of the qualified person (for the House of "
            "Commons the Speaker, for the House of Lords the Clerk of the Parliaments): record "
            "their name, the date of the opinion, the limb and the material put to them. "
            "Absolute for information held by either House of Parliament, otherwise qualified "
            "and needs a public interest test. Applies only where s35 does not; a Speaker's or "
            "Clerk's certificate under s36(7) is conclusive."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s37",
        section="s37",
        short_name="Communications with His Majesty, etc. and honours",
        kind="qualified",
        test_type="class",
        limbs=(
            Limb("s37(1)(a)", "communications with the Sovereign", True),
            Limb(
                "s37(1)(aa)",
                "communications with the heir to, or second in line of succession to, the Throne",
                True,
            ),
            Limb(
                "s37(1)(ab)",
                "communications with a person who has since acceded to, or become heir or second "
                "in line to, the Throne",
                True,
            ),
            Limb("s37(1)(ac)", "communications with other members of the Royal Family", False),
            Limb("s37(1)(ad)", "communications with the Royal Household", False),
            Limb("s37(1)(b)", "the conferring by the Crown of any honour or dignity", False),
        ),
        ncnd_provision="s37(2)",
        # s37(2) is absolute so far as it relates to s37(1)(a) to (ab) (s2(3)(ea)): one NCND
        # limb per limb of s37(1) it mirrors, cited as "s37(2)/s37(1)(a)".
        ncnd_limbs=tuple(
            Limb(f"s37(2)/{code}", f"neither confirm nor deny, as relating to {code}", absolute)
            for code, absolute in (
                ("s37(1)(a)", True),
                ("s37(1)(aa)", True),
                ("s37(1)(ab)", True),
                ("s37(1)(ac)", False),
                ("s37(1)(ad)", False),
                ("s37(1)(b)", False),
            )
        ),
        guidance=(
            "Class-based. s37(1)(a), (aa) and (ab) are absolute; (ac), (ad) and (b) are "
            "qualified and need a public interest test. s37(2) (NCND) takes the status of the "
            "limb it relates to. Cite the specific limb."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s38",
        section="s38",
        short_name="Health and safety",
        kind="qualified",
        test_type="endanger",
        limbs=_limbs(
            ("s38(1)(a)", "the physical or mental health of any individual"),
            ("s38(1)(b)", "the safety of any individual"),
        ),
        ncnd_provision="s38(2)",
        mp_security_relevant=True,
        guidance=(
            "The test is that disclosure 'would, or would be likely to, endanger' health or "
            "safety; the ICO applies the prejudice approach to 'endanger'. Central to MP "
            "security: per-MP security details are withheld under s38(1)(b) while aggregate "
            "totals are published. Qualified: run a public interest test, and a separate one "
            "on confirming or denying if relying on s38(2)."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s39",
        section="s39",
        short_name="Environmental information",
        kind="qualified",
        test_type="class",
        limbs=_limbs(("s39(1)", "information the authority must make available under the EIR")),
        ncnd_provision="s39(2)",
        guidance=(
            "Use s39 to move environmental information into the EIR workflow, recording the "
            "regime per request part, since one request can be split between FOIA and EIR. "
            "Qualified, but the substantive decision is then taken under the EIR."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s40",
        section="s40",
        short_name="Personal information",
        kind="qualified",
        test_type="class",
        limbs=(
            Limb("s40(1)", "personal data of which the applicant is the data subject", True),
            Limb(
                "s40(2)/s40(3A)(a)",
                "third-party personal data: disclosure would contravene the data protection "
                "principles (first condition)",
                True,
            ),
            Limb(
                "s40(2)/s40(3B)",
                "third-party personal data: disclosure would contravene an Article 21 UK GDPR "
                "objection (second condition)",
                False,
            ),
            Limb(
                "s40(2)/s40(4A)",
                "third-party personal data: exempt from the right of access (third condition)",
                False,
            ),
        ),
        ncnd_provision="s40(5B)",
        ncnd_provisions=("s40(5A)", "s40(5B)"),
        # s2(3)(f): s40(5A) and s40(5B)(a)(i) are absolute; the other (5B) limbs need a PIT.
        ncnd_limbs=(
            Limb("s40(5A)", "the applicant's own personal data", True),
            Limb(
                "s40(5B)(a)(i)",
                "confirming or denying would contravene the data protection principles",
                True,
            ),
            Limb(
                "s40(5B)(a)(ii)",
                "would contravene the principles if the manual data exemptions were disregarded",
                False,
            ),
            Limb(
                "s40(5B)(b)",
                "confirming or denying would contravene an Article 21 UK GDPR objection",
                False,
            ),
            Limb("s40(5B)(c)", "exempt from the right of access (UK GDPR Article 15)", False),
            Limb("s40(5B)(d)", "exempt from the right of access (DPA 2018 s45)", False),
        ),
        mp_security_relevant=True,
        guidance=(
            "s40(1) (the requester's own data) is absolute: handle it as a subject access "
            "request, using s40(5A) if needed. s40(2) is absolute where the first condition is "
            "met (disclosure would breach the data protection principles) and qualified under "
            "the second and third conditions. Relevant to staff names, MPs' family and staff, "
            "and caseworkers; use s40(5B) to neither confirm nor deny about third parties "
            "(no public interest test under s40(5B)(a)(i), a test under the other limbs)."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s41",
        section="s41",
        short_name="Information provided in confidence",
        kind="absolute",
        test_type="class",
        limbs=_limbs(("s41(1)", "obtained from another person; disclosure an actionable breach")),
        ncnd_provision="s41(2)",
        guidance=(
            "Absolute: there is no s2 public interest test, but the law of confidence has its "
            "own public interest defence, so consider whether disclosure would in fact be an "
            "actionable breach. The information must have been obtained from another person."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s42",
        section="s42",
        short_name="Legal professional privilege",
        kind="qualified",
        test_type="class",
        limbs=_limbs(("s42(1)", "information subject to legal professional privilege")),
        ncnd_provision="s42(2)",
        guidance=(
            "Class-based. Qualified, but tribunal case law recognises a strong inherent public "
            "interest in maintaining legal professional privilege, so specific and weighty "
            "factors are needed to favour disclosure."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s43",
        section="s43",
        short_name="Commercial interests",
        kind="qualified",
        test_type="prejudice",
        limbs=_limbs(
            ("s43(1)", "a trade secret", None, "class"),
            ("s43(2)", "prejudice to the commercial interests of any person"),
        ),
        ncnd_provision="s43(3)",
        mp_security_relevant=True,
        guidance=(
            "s43(1) trade secrets is class-based (no harm test); s43(2) is prejudice-based and "
            "may protect the "
            "authority or a third party such as a security contractor. s43(3) NCND covers only "
            "the s43(2) interests. Qualified: a public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s44",
        section="s44",
        short_name="Prohibitions on disclosure",
        kind="absolute",
        test_type="class",
        limbs=_limbs(
            ("s44(1)(a)", "prohibited by or under any enactment"),
            ("s44(1)(b)", "incompatible with a retained or EU obligation (check current wording)"),
            ("s44(1)(c)", "would be punishable as a contempt of court"),
        ),
        ncnd_provision="s44(2)",
        guidance=(
            "Absolute: no public interest test. Name the enactment or obligation relied on in "
            "the refusal notice."
        ),
    ),
)

FOIA_PROCEDURAL: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s1(3)",
        section="s1(3)",
        short_name="Clarification required",
        kind="procedural",
        test_type="procedural",
        limbs=_limbs(("s1(3)", "further information reasonably required to identify the request")),
        guidance=(
            "Ask for clarification promptly and give s16 advice on what is needed. The clock "
            "is reset, not paused: it starts again when the clarification is received."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s8",
        section="s8",
        short_name="Not a valid request",
        kind="procedural",
        test_type="procedural",
        limbs=_limbs(("s8(1)", "request not in writing, unnamed, without address or description")),
        guidance=(
            "A valid request is in writing (email counts), gives the applicant's name and an "
            "address for correspondence, and describes the information; it need not mention "
            "FOIA. Requests for environmental information may be oral under the EIR, so check "
            "the regime before rejecting an oral request."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s12",
        section="s12",
        short_name="Cost of compliance exceeds appropriate limit",
        kind="procedural",
        test_type="procedural",
        limbs=_limbs(
            ("s12(1)", "cost of complying would exceed the appropriate limit"),
            ("s12(2)", "cost of establishing whether the information is held would exceed it"),
        ),
        guidance=(
            "The limit is £600 for bodies in Part I of Schedule 1 (including the Houses of "
            "Parliament) and £450 for others, at £25 per person per hour (24 and 18 hours); "
            "IPSA's limit is unverified (check). Only four activities count: determining "
            "whether the information is held, locating, retrieving and extracting it, so "
            "redaction and considering exemptions do not. Requests for similar information "
            "within 60 working days may be aggregated; always give s16 advice on narrowing."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s14(1)",
        section="s14(1)",
        short_name="Vexatious request",
        kind="procedural",
        test_type="procedural",
        limbs=_limbs(("s14(1)", "the request is vexatious")),
        guidance=(
            "The request, not the requester, must be vexatious (Dransfield): weigh the burden, "
            "motive, value or serious purpose, and any harassment or distress. There is no "
            "public interest test. Give a s17(5) notice unless s17(6) applies; s14(1) may also "
            "cover a grossly oppressive redaction burden where s12 does not apply."
        ),
    ),
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s14(2)",
        section="s14(2)",
        short_name="Repeated request",
        kind="procedural",
        test_type="procedural",
        limbs=_limbs(("s14(2)", "identical or substantially similar to a previous request")),
        guidance=(
            "Applies only where the authority complied with a previous identical or "
            "substantially similar request from the same person and no reasonable interval has "
            "passed. There is no public interest test. Give a s17(5) notice unless s17(6) applies."
        ),
    ),
)

_EIR_12_4 = (
    (
        "a",
        "Information not held",
        "the authority does not hold the information when the request is received",
        "Record the searches made. Formally an exception subject to the public interest test "
        "and the reg 12(2) presumption in favour of disclosure.",
    ),
    (
        "b",
        "Manifestly unreasonable request",
        "the request is manifestly unreasonable",
        "Used for both vexatious and burdensome requests, since the EIR have no cost limit; "
        "the FOIA fees regulations serve only as a guide. Qualified: apply the reg 12(2) "
        "presumption in favour of disclosure and a public interest test.",
    ),
    (
        "c",
        "Request formulated in too general a manner",
        "the request is formulated in too general a manner",
        "Give advice and assistance under reg 9 before relying on it. Qualified: apply the "
        "public interest test with the presumption in favour of disclosure.",
    ),
    (
        "d",
        "Material still in the course of completion",
        "material in the course of completion, unfinished documents or incomplete data",
        "The reg 14 refusal notice must name any authority preparing the information and say "
        "when it is expected to be finished. Qualified: apply the public interest test with "
        "the presumption in favour of disclosure.",
    ),
    (
        "e",
        "Internal communications",
        "the request involves the disclosure of internal communications",
        "Class-based. Qualified: apply the public interest test with the presumption in "
        "favour of disclosure.",
    ),
)

_EIR_12_5 = (
    (
        "a",
        "International relations, defence, national security or public safety",
        "international relations, defence, national security or public safety",
        True,
    ),
    (
        "b",
        "Course of justice and inquiries",
        "the course of justice, a fair trial, or a criminal or disciplinary inquiry",
        False,
    ),
    ("c", "Intellectual property rights", "intellectual property rights", False),
    (
        "d",
        "Confidentiality of proceedings",
        "the confidentiality of the proceedings of any public authority",
        False,
    ),
    (
        "e",
        "Confidentiality of commercial or industrial information",
        "the confidentiality of commercial or industrial information protected by law",
        False,
    ),
    (
        "f",
        "Interests of the person who provided the information",
        "the interests of a person who supplied the information voluntarily",
        False,
    ),
    ("g", "Protection of the environment", "the protection of the environment", False),
)


def _eir_12_5_guidance(letter: str) -> str:
    text = (
        "Adverse effect test: disclosure must (more probably than not) adversely affect the "
        "interest. Qualified: apply the reg 12(2) presumption in favour of disclosure and a "
        "public interest test; EIR has no public interest extension."
    )
    if letter == "a":
        text += (
            " The only 12(5) exception with an NCND provision (reg 12(6)); the EIR counterpart "
            "of s24, s31 and s38 for MP security."
        )
    if letter in "defg":
        text += " Cannot be used for information on emissions (reg 12(9))."
    return text


EIR: tuple[CatalogueEntry, ...] = (
    *(
        CatalogueEntry(
            regime="EIR",
            code=f"EIR-12(4)({letter})",
            section=f"reg 12(4)({letter})",
            short_name=name,
            kind="qualified",
            test_type="class",
            limbs=_limbs((f"reg 12(4)({letter})", label)),
            guidance=guidance,
        )
        for letter, name, label, guidance in _EIR_12_4
    ),
    *(
        CatalogueEntry(
            regime="EIR",
            code=f"EIR-12(5)({letter})",
            section=f"reg 12(5)({letter})",
            short_name=name,
            kind="qualified",
            test_type="adverse_effect",
            limbs=_limbs((f"reg 12(5)({letter})", f"adverse effect on {label}")),
            ncnd_provision="reg 12(6)" if letter == "a" else "",
            mp_security_relevant=mp_security,
            guidance=_eir_12_5_guidance(letter),
        )
        for letter, name, label, mp_security in _EIR_12_5
    ),
    CatalogueEntry(
        regime="EIR",
        code="EIR-13",
        section="reg 13",
        short_name="Personal data",
        kind="qualified",
        test_type="class",
        limbs=(
            Limb(
                "reg 13(1)(a)",
                "third-party personal data: disclosure would contravene the data protection "
                "principles (first condition)",
                True,
            ),
            Limb(
                "reg 13(1)(b)",
                "third-party personal data: second or third condition, subject to the public "
                "interest test",
                False,
            ),
        ),
        ncnd_provision="reg 13(5A)",
        # reg 13(5A) is the NCND provision; its conditions are in reg 13(5B): no public
        # interest test where 13(5B)(a) is met, a test for the others.
        ncnd_limbs=(
            Limb(
                "reg 13(5A)/reg 13(5B)(a)",
                "confirming or denying would contravene the data protection principles",
                True,
            ),
            Limb(
                "reg 13(5A)/reg 13(5B)(b)",
                "confirming or denying would contravene an Article 21 UK GDPR objection",
                False,
            ),
            Limb(
                "reg 13(5A)/reg 13(5B)(c)",
                "exempt from the right of access (UK GDPR Article 15)",
                False,
            ),
            Limb(
                "reg 13(5A)/reg 13(5B)(d)",
                "exempt from the right of access (DPA 2018 s45)",
                False,
            ),
        ),
        mp_security_relevant=True,
        guidance=(
            "Follows the s40 logic: where the first condition is met (disclosure would breach "
            "the data protection principles) there is no public interest test; the other "
            "conditions are qualified. The requester's own data is handled as a subject access "
            "request. To neither confirm nor deny cite reg 13(5A) with its condition in "
            "reg 13(5B): no public interest test under 13(5B)(a), a test under the others."
        ),
    ),
)

FOISA: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s25",
        section="s25",
        short_name="Information otherwise accessible",
        kind="absolute",
        test_type="class",
        limbs=_limbs(("s25(1)", "information reasonably obtainable otherwise than by request")),
        guidance=(
            "Absolute: no public interest test. Tell the applicant where the information can "
            "be obtained. FOISA has no PIT extension and a 20 working day limit."
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s26",
        section="s26",
        short_name="Prohibitions on disclosure",
        kind="absolute",
        test_type="class",
        limbs=_limbs(("s26", "prohibited by enactment, incompatible with an obligation, contempt")),
        guidance="Absolute: no public interest test. Name the prohibition relied on.",
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s27",
        section="s27",
        short_name="Information intended for future publication",
        kind="qualified",
        test_type="class",
        limbs=_limbs(("s27(1)", "intended for publication within 12 weeks of the request")),
        guidance=(
            "Applies where the information is to be published within 12 weeks of the request "
            "and it is reasonable to withhold it until then. Qualified: a public interest test "
            "is required."
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s28",
        section="s28",
        short_name="Relations within the United Kingdom",
        kind="qualified",
        test_type="prejudice_substantially",
        limbs=_limbs(("s28(1)", "relations between administrations in the United Kingdom")),
        ncnd_provision="s18",
        guidance=(
            "Harm test: 'would, or would be likely to, prejudice substantially'. Qualified: a "
            "public interest test is required. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s29",
        section="s29",
        short_name="Formulation of Scottish Administration policy, etc.",
        kind="qualified",
        test_type="class",
        limbs=_limbs(("s29(1)", "formulation or development of Scottish Administration policy")),
        ncnd_provision="s18",
        guidance=(
            "Class-based; the Scottish counterpart of FOIA s35. Qualified: a public interest "
            "test is required. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s30",
        section="s30",
        short_name="Prejudice to effective conduct of public affairs",
        kind="qualified",
        test_type="prejudice_substantially",
        limbs=_limbs(("s30", "substantial prejudice to the effective conduct of public affairs")),
        ncnd_provision="s18",
        guidance=(
            "Harm test: 'prejudice substantially' (or 'inhibit substantially' for free and "
            "frank advice and exchange of views). Qualified: a public interest test is "
            "required. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s31",
        section="s31",
        short_name="National security and defence",
        kind="qualified",
        test_type="required",
        limbs=_limbs(("s31(1)", "required for the purpose of safeguarding national security")),
        ncnd_provision="s18",
        mp_security_relevant=True,
        guidance=(
            "FOISA has no separate s24: national security and defence are both in s31. The "
            "national security limb uses a 'required' test; the defence limb is harm-based "
            "('prejudice substantially') (check the subsection numbering). Qualified: a public "
            "interest test is required. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s32",
        section="s32",
        short_name="International relations",
        kind="qualified",
        test_type="prejudice_substantially",
        limbs=_limbs(("s32(1)", "substantial prejudice to international relations")),
        ncnd_provision="s18",
        guidance=(
            "Harm test: 'would, or would be likely to, prejudice substantially'. Qualified: a "
            "public interest test is required. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s33",
        section="s33",
        short_name="Commercial interests and the economy",
        kind="qualified",
        test_type="prejudice_substantially",
        limbs=_limbs(
            ("s33(1)(a)", "a trade secret"),
            ("s33(1)(b)", "substantial prejudice to the commercial interests of any person"),
            ("s33(2)", "substantial prejudice to economic or financial interests"),
        ),
        ncnd_provision="s18",
        guidance=(
            "Trade secrets are class-based; the commercial and economic limbs use the "
            "'prejudice substantially' test. Qualified: a public interest test is required. "
            + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s34",
        section="s34",
        short_name="Investigations by Scottish public authorities and proceedings",
        kind="qualified",
        test_type="class",
        limbs=_limbs(("s34(1)", "investigations and proceedings by Scottish public authorities")),
        ncnd_provision="s18",
        guidance=(
            "Class-based; the Scottish counterpart of FOIA s30. Qualified: a public interest "
            "test is required. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s35",
        section="s35",
        short_name="Law enforcement",
        kind="qualified",
        test_type="prejudice_substantially",
        limbs=_limbs(
            ("s35(1)(a)", "the prevention or detection of crime"),
            ("s35(1)(b)", "the apprehension or prosecution of offenders"),
        ),
        ncnd_provision="s18",
        mp_security_relevant=True,
        guidance=(
            "The Scottish counterpart of FOIA s31, but the harm test is 'would, or would be "
            "likely to, prejudice substantially' (check the limb lettering against the Act). "
            "Qualified: a public interest test is required. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s36",
        section="s36",
        short_name="Confidentiality",
        kind="qualified",
        test_type="class",
        limbs=(
            Limb("s36(1)", "confidentiality of communications in legal proceedings", False),
            Limb("s36(2)", "obtained from another person; disclosure an actionable breach", True),
        ),
        guidance=(
            "s36(1) (legal confidentiality) is qualified and needs a public interest test; "
            "s36(2) (actionable breach of confidence) is absolute. s36(1) is the counterpart "
            "of FOIA s42 and s36(2) of FOIA s41."
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s37",
        section="s37",
        short_name="Court records, etc.",
        kind="absolute",
        test_type="class",
        limbs=_limbs(("s37(1)", "court records and inquiry documents")),
        guidance=(
            "Class-based and absolute: no public interest test. The counterpart of FOIA s32 for "
            "court records and inquiry documents."
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s38",
        section="s38",
        short_name="Personal information",
        kind="qualified",
        test_type="class",
        limbs=(
            Limb("s38(1)(a)", "personal data of which the applicant is the data subject", True),
            Limb(
                "s38(1)(b) (first condition)",
                "third-party personal data: disclosure would contravene the data protection "
                "principles",
                True,
            ),
            Limb(
                "s38(1)(b) (other conditions)",
                "third-party personal data: the second or third condition applies",
                False,
            ),
            Limb("s38(1)(c)", "personal census information", True),
            Limb("s38(1)(d)", "a deceased person's health record", True),
        ),
        ncnd_provision="s18",
        mp_security_relevant=True,
        guidance=(
            "Partly absolute: the applicant's own data and third-party data meeting the first "
            "condition need no public interest test; the other conditions for third-party data "
            "are qualified (check which limbs are absolute against FOISA s2(2)). Handle the "
            "applicant's own data as a subject access request. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s39",
        section="s39",
        short_name="Health, safety and the environment",
        kind="qualified",
        test_type="endanger",
        limbs=_limbs(
            ("s39(1)", "would, or would be likely to, endanger health or safety"),
            ("s39(2)", "environmental information to be dealt with under the EISR"),
        ),
        ncnd_provision="s18",
        mp_security_relevant=True,
        guidance=(
            "s39(1) is the counterpart of FOIA s38 and uses an 'endanger' test (check); s39(2) "
            "routes environmental information to the EISR. Qualified: a public interest test "
            "is required. Only s39(1) is covered by s18. " + _FOISA_S18
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s40",
        section="s40",
        short_name="Audit functions",
        kind="qualified",
        test_type="prejudice_substantially",
        limbs=_limbs(("s40", "substantial prejudice to the exercise of audit functions")),
        guidance=(
            "Harm test: 'prejudice substantially'. Available only to authorities with audit "
            "functions. Qualified: a public interest test is required."
        ),
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s41",
        section="s41",
        short_name="Communications with His Majesty, etc. and honours",
        kind="qualified",
        test_type="class",
        limbs=_limbs(
            ("s41(a)", "communications with His Majesty, the Royal Family or the Household"),
            ("s41(b)", "the exercise by His Majesty of the prerogative of honour"),
        ),
        ncnd_provision="s18",
        guidance=(
            "Class-based and qualified per the specification; whether later amendments made "
            "any part absolute is unverified (check). " + _FOISA_S18
        ),
    ),
)

CATALOGUE: tuple[CatalogueEntry, ...] = (*FOIA_PART_II, *FOIA_PROCEDURAL, *EIR, *FOISA)


def by_code() -> dict[str, CatalogueEntry]:
    """Return a fresh mapping from ``code`` to entry."""
    return {entry.code: entry for entry in CATALOGUE}


def for_regime(regime: str) -> tuple[CatalogueEntry, ...]:
    """Entries for one regime, in catalogue order."""
    return tuple(entry for entry in CATALOGUE if entry.regime == regime)
