"""The rules a decision must meet, as functions over values already fetched: no queries.

Each `check_*` function raises one `ValidationError` listing every problem it found, keyed by
form field where there is one, so the officer sees all of them at once. The authority-wide
facts (a House of Parliament? a government department?) come in as arguments.

* `citations`: one exemption decision (limbs, harm, s36's qualified person, reasons).
* `public_interest`: a public interest test (factors, weights, date, conclusion).
* `consistency`: the decisions on one question together, and aggregate tests.
"""

from exemptions.validation.citations import (
    ALTERNATIVE_GROUP,
    ALTERNATIVE_LIMBS,
    CitationData,
    check_citation,
    citation_is_absolute,
    is_s36,
    provision_text,
)
from exemptions.validation.consistency import (
    OUTCOMES_FOR_HELD,
    CitedSummary,
    check_aggregate,
    check_answer,
    check_question_citations,
    check_question_ready,
    outcome_for,
)
from exemptions.validation.public_interest import (
    MAX_WEIGHT,
    MIN_WEIGHT,
    FactorData,
    PitData,
    check_pit,
    is_pit_late,
)

__all__ = [
    "ALTERNATIVE_GROUP",
    "ALTERNATIVE_LIMBS",
    "MAX_WEIGHT",
    "MIN_WEIGHT",
    "OUTCOMES_FOR_HELD",
    "CitationData",
    "CitedSummary",
    "FactorData",
    "PitData",
    "check_aggregate",
    "check_answer",
    "check_citation",
    "check_pit",
    "check_question_citations",
    "check_question_ready",
    "citation_is_absolute",
    "is_pit_late",
    "is_s36",
    "outcome_for",
    "provision_text",
]
