"""FOISA 2002 exemptions, s25 to s41 ("prejudice substantially" for the harm-based ones).

Pure data, with no Django imports.
"""

from __future__ import annotations

from exemptions.catalogue.types import CatalogueEntry, Limb, limbs_from

_FOISA_S18 = (
    "NCND is available under FOISA s18 only where revealing whether the information exists or "
    "is held would be contrary to the public interest; the list of exemptions s18 covers "
    "(s28 to s35, s38, s39(1) and s41) is unverified (check)."
)

FOISA: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s25",
        section="s25",
        short_name="Information otherwise accessible",
        kind="absolute",
        test_type="class",
        limbs=limbs_from(("s25(1)", "information reasonably obtainable otherwise than by request")),
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
        limbs=limbs_from(
            ("s26", "prohibited by enactment, incompatible with an obligation, contempt")
        ),
        guidance="Absolute: no public interest test. Name the prohibition relied on.",
    ),
    CatalogueEntry(
        regime="FOISA",
        code="FOISA-s27",
        section="s27",
        short_name="Information intended for future publication",
        kind="qualified",
        test_type="class",
        limbs=limbs_from(("s27(1)", "intended for publication within 12 weeks of the request")),
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
        limbs=limbs_from(("s28(1)", "relations between administrations in the United Kingdom")),
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
        limbs=limbs_from(
            ("s29(1)", "formulation or development of Scottish Administration policy")
        ),
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
        limbs=limbs_from(
            ("s30", "substantial prejudice to the effective conduct of public affairs")
        ),
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
        limbs=limbs_from(("s31(1)", "required for the purpose of safeguarding national security")),
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
        limbs=limbs_from(("s32(1)", "substantial prejudice to international relations")),
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
        limbs=limbs_from(
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
        limbs=limbs_from(
            ("s34(1)", "investigations and proceedings by Scottish public authorities")
        ),
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
        limbs=limbs_from(
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
        limbs=limbs_from(("s37(1)", "court records and inquiry documents")),
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
        limbs=limbs_from(
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
        limbs=limbs_from(("s40", "substantial prejudice to the exercise of audit functions")),
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
        limbs=limbs_from(
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
