"""The choice values the rules speak in: the one place they come from, without Django.

Every other module of the package imports these names from here. The models' TextChoices
store the same values with the same labels; tests/test_validation_choices.py holds the two
equal, so the rules never need to import a model.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Choices(StrEnum):
    """A stored value and the words for it, as Django's TextChoices has them."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def values(cls) -> frozenset[str]:
        return frozenset(member.value for member in cls)

    @classmethod
    def label_of(cls, value: str) -> str:
        """The words for a stored value (ValueError for a value that is not a choice)."""
        for member in cls:
            if member.value == value:
                return member.label
        raise ValueError(f"{value!r} is not a valid {cls.__name__}")


class Role(Choices):
    """ExemptionCitation.Role."""

    DISCLOSURE = "disclosure", "Exempt from disclosure"
    NCND = "ncnd", "Neither confirm nor deny"
    PROCEDURAL = "procedural", "Procedural refusal ground"


class Likelihood(Choices):
    """ExemptionCitation.Likelihood."""

    WOULD = "would", "Would"
    WOULD_BE_LIKELY = "would_be_likely", "Would be likely to"
    REQUIRED = "required", "Required for the purpose of"


class Side(Choices):
    """PublicInterestFactor.Side."""

    DISCLOSURE = "disclosure", "For disclosure"
    MAINTAIN = "maintain", "For maintaining the exemption"


class Conclusion(Choices):
    """PublicInterestTest.Conclusion."""

    MAINTAIN = "maintain", "Maintain the exemption"
    DISCLOSE = "disclose", "Disclose"


class Held(Choices):
    """Question.Held."""

    HELD = "held", "Held"
    PARTLY_HELD = "partly_held", "Partly held"
    NOT_HELD = "not_held", "Not held"
    NCND = "ncnd", "Neither confirm nor deny"


class Outcome(Choices):
    """Question.Outcome."""

    DISCLOSED = "disclosed", "Disclosed"
    WITHHELD_IN_PART = "withheld_in_part", "Withheld in part"
    WITHHELD_IN_FULL = "withheld_in_full", "Withheld in full"
    NOT_HELD = "not_held", "Not held"
    PROCEDURAL = "procedural", "Refused on a procedural ground"
    NCND = "ncnd", "Neither confirmed nor denied"


class Kind(Choices):
    """Exemption.Kind."""

    ABSOLUTE = "absolute", "Absolute"
    QUALIFIED = "qualified", "Qualified"
    PROCEDURAL = "procedural", "Procedural ground (Part I)"


class TestType(Choices):
    """Exemption.TestType."""

    CLASS = "class", "Class"
    PREJUDICE = "prejudice", "Prejudice: would, or would be likely to, prejudice"
    REQUIRED = "required", "Required for the purpose of"
    ENDANGER = "endanger", "Endanger: would, or would be likely to, endanger"
    ADVERSE_EFFECT = "adverse_effect", "Would adversely affect (EIR)"
    PREJUDICE_SUBSTANTIALLY = "prejudice_substantially", "Would prejudice substantially"
    PROCEDURAL = "procedural", "Procedural"


# Exemption.HARM_TESTS: the tests that need a harm, its likelihood and its evidence.
HARM_TESTS = (
    TestType.PREJUDICE,
    TestType.REQUIRED,
    TestType.ENDANGER,
    TestType.ADVERSE_EFFECT,
    TestType.PREJUDICE_SUBSTANTIALLY,
)
