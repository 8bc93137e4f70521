"""The choice values the rules speak in, taken from the models: the one place they come from.

Every other module of the package imports these names from here, not from a models module.
"""

from __future__ import annotations

from exemptions.models import Exemption, ExemptionCitation, PublicInterestFactor, PublicInterestTest
from foi_cases.models import Question

Role = ExemptionCitation.Role
Likelihood = ExemptionCitation.Likelihood
Side = PublicInterestFactor.Side
Conclusion = PublicInterestTest.Conclusion
Held = Question.Held
Outcome = Question.Outcome
Kind = Exemption.Kind
TestType = Exemption.TestType
HARM_TESTS = Exemption.HARM_TESTS
