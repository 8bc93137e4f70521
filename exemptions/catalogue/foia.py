"""FOIA 2000 Part II exemptions, s21 to s44 including s22A (s25 omitted: see the package).

Pure data, with no Django imports.
"""

from __future__ import annotations

from exemptions.catalogue.types import CatalogueEntry, Limb, limbs_from

FOIA_PART_II: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s21",
        section="s21",
        short_name="Information accessible to applicant by other means",
        kind="absolute",
        test_type="class",
        limbs=limbs_from(("s21(1)", "information reasonably accessible to the applicant")),
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
        limbs=limbs_from(("s22(1)", "information held with a view to future publication")),
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
        limbs=limbs_from(("s22A(1)", "information obtained in a continuing programme of research")),
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
        limbs=limbs_from(
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
        limbs=limbs_from(("s24(1)", "required for the purpose of safeguarding national security")),
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
        limbs=limbs_from(("s28(1)", "relations between any administrations in the United Kingdom")),
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
        limbs=limbs_from(("s33(2)", "the exercise of the authority's audit functions")),
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
        limbs=limbs_from(("s39(1)", "information the authority must make available under the EIR")),
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
        limbs=limbs_from(
            ("s41(1)", "obtained from another person; disclosure an actionable breach")
        ),
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
        limbs=limbs_from(("s42(1)", "information subject to legal professional privilege")),
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
        limbs=limbs_from(
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
        limbs=limbs_from(
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
