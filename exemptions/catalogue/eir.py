"""EIR 2004: reg 12(4)(a)-(e), reg 12(5)(a)-(g) and reg 13 personal data.

Pure data, with no Django imports.
"""

from __future__ import annotations

from exemptions.catalogue.types import CatalogueEntry, Limb, limbs_from

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
            limbs=limbs_from((f"reg 12(4)({letter})", label)),
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
            limbs=limbs_from((f"reg 12(5)({letter})", f"adverse effect on {label}")),
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
