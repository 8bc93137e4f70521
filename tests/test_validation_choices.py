"""The validation rules' choice values are the models' choices, value for value and label for label.

exemptions.validation speaks in plain enums so the rules import no model; a value added to a
model's choices (or reworded) without the same change in exemptions/validation/choices.py
would let the rules accept or describe a value the database does not hold.
"""

from __future__ import annotations

import pytest

from exemptions import models as exemption_models
from exemptions.validation import choices
from foi_cases import models as case_models

PAIRS = [
    (choices.Role, exemption_models.ExemptionCitation.Role),
    (choices.Likelihood, exemption_models.ExemptionCitation.Likelihood),
    (choices.Side, exemption_models.PublicInterestFactor.Side),
    (choices.Conclusion, exemption_models.PublicInterestTest.Conclusion),
    (choices.Held, case_models.Question.Held),
    (choices.Outcome, case_models.Question.Outcome),
    (choices.Kind, exemption_models.Exemption.Kind),
    (choices.TestType, exemption_models.Exemption.TestType),
]


@pytest.mark.parametrize(("plain", "model"), PAIRS, ids=lambda c: c.__qualname__)
def test_validation_choices_are_the_models_choices(plain, model):
    assert [(m.name, m.value, m.label) for m in plain] == [
        (m.name, m.value, m.label) for m in model
    ]
    assert plain.values() == frozenset(model.values)


def test_harm_tests_are_the_models_harm_tests():
    assert choices.HARM_TESTS == exemption_models.Exemption.HARM_TESTS


def test_a_plain_choice_compares_and_hashes_as_its_stored_value():
    outcomes = {choices.Held.NOT_HELD: "no"}
    assert outcomes["not_held"] == "no"
    assert choices.Held("ncnd") == case_models.Question.Held.NCND
    assert choices.Held.NCND.label == "Neither confirm nor deny"
    assert f"{choices.Role.NCND}" == "ncnd"


def test_the_label_of_a_value_that_is_not_a_choice_is_an_error():
    assert choices.Outcome.label_of("withheld_in_part") == "Withheld in part"
    with pytest.raises(ValueError, match="not a valid Outcome"):
        choices.Outcome.label_of("lost")
