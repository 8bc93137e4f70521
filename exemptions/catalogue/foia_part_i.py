"""FOIA Part I refusal grounds (``kind="procedural"``): s1(3), s8, s12, s14(1), s14(2).

Pure data, with no Django imports.
"""

from __future__ import annotations

from exemptions.catalogue.types import CatalogueEntry, limbs_from

FOIA_PROCEDURAL: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        regime="FOIA",
        code="FOIA-s1(3)",
        section="s1(3)",
        short_name="Clarification required",
        kind="procedural",
        test_type="procedural",
        limbs=limbs_from(
            ("s1(3)", "further information reasonably required to identify the request")
        ),
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
        limbs=limbs_from(
            ("s8(1)", "request not in writing, unnamed, without address or description")
        ),
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
        limbs=limbs_from(
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
        limbs=limbs_from(("s14(1)", "the request is vexatious")),
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
        limbs=limbs_from(("s14(2)", "identical or substantially similar to a previous request")),
        guidance=(
            "Applies only where the authority complied with a previous identical or "
            "substantially similar request from the same person and no reasonable interval has "
            "passed. There is no public interest test. Give a s17(5) notice unless s17(6) applies."
        ),
    ),
)
