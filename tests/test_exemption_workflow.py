"""Exemption decisions: the validation rules, NCND handling and the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from exemptions.models import ExemptionCitation, InternalHeldStatus, PublicInterestTest
from exemptions.validation import CitationData, FactorData, PitData, provision_text
from foi_cases import workflow
from foi_cases.models import CaseEvent
from tests import factories

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2026, 3, 10)


def pit(maintain=(4,), disclose=(2,), conclusion="maintain", override=""):
    factors = tuple(FactorData("maintain", f"Maintain {i}", w) for i, w in enumerate(maintain))
    factors += tuple(FactorData("disclosure", f"Disclose {i}", w) for i, w in enumerate(disclose))
    return PitData(
        as_at=AS_AT,
        conclusion=conclusion,
        summary="On balance the public interest favours the conclusion.",
        factors=factors,
        override_reason=override,
    )


def harm(**kwargs):
    values = {
        "likelihood": "would_be_likely",
        "harm_interest": "The prevention of crime against Members.",
        "harm_mechanism": "It would show where protection is absent.",
        "harm_evidence": "Police threat assessment, March 2026.",
        "reasoning": "Disclosure would be likely to prejudice the prevention of crime.",
    }
    values.update(kwargs)
    return CitationData(**values)


@pytest.fixture
def case(officer):
    return factories.case_in_progress(officer, questions=("How many referrals?", "What budget?"))


@pytest.fixture
def question(case):
    return case.questions.get(number=1)


def errors_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def test_prejudice_exemption_with_pit_is_recorded_with_one_event(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    data = harm(limbs=("s31(1)(a)", "s31(1)(b)"))

    citation = workflow.apply_exemption(
        question, actor=officer, exemption=s31, data=data, pit=pit()
    )

    citation.refresh_from_db()
    assert citation.provision == "s31(1)(a) and (b)"
    assert citation.pit.conclusion == "maintain"
    assert [f.weight for f in citation.pit.factors.order_by("side")] == [2, 4]
    event = CaseEvent.objects.get(case=question.case, verb="decision_recorded")
    assert event.actor == officer and event.data["provision"] == "s31(1)(a) and (b)"
    assert event.data["pit"]["for_maintaining"] == 4


def test_qualified_exemption_needs_a_public_interest_test(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(
            question, actor=officer, exemption=s31, data=harm(limbs=("s31(1)(a)",))
        )
    assert "qualified exemption: record a public interest test" in errors_of(excinfo)
    assert not ExemptionCitation.objects.exists()
    assert not CaseEvent.objects.filter(verb="decision_recorded").exists()


def test_absolute_exemption_must_not_have_a_public_interest_test(officer, question):
    s23 = factories.catalogue_exemption("FOIA-s23")
    data = CitationData(limbs=("s23(1)",), reasoning="Supplied by a security body.")
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(question, actor=officer, exemption=s23, data=data, pit=pit())
    assert "absolute here: it must not have a public interest test" in errors_of(excinfo)
    citation = workflow.apply_exemption(question, actor=officer, exemption=s23, data=data)
    assert citation.is_absolute and not PublicInterestTest.objects.exists()


def test_prejudice_exemption_needs_likelihood_and_harm_reasoning(officer, question):
    s38 = factories.catalogue_exemption("FOIA-s38")
    data = CitationData(limbs=("s38(1)(b)",), reasoning="Endangers safety.")
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(question, actor=officer, exemption=s38, data=data, pit=pit())
    fields = excinfo.value.message_dict
    assert '"would" or "would be likely to" endanger' in fields["likelihood"][0]
    assert set(fields) >= {"harm_interest", "harm_mechanism", "harm_evidence"}


def test_class_exemption_takes_no_likelihood(officer, question):
    s23 = factories.catalogue_exemption("FOIA-s23")
    data = CitationData(limbs=("s23(1)",), likelihood="would", reasoning="Security body.")
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(question, actor=officer, exemption=s23, data=data)
    assert "not a prejudice-based exemption" in errors_of(excinfo)


def test_s24_uses_the_required_for_national_security_test(officer, question):
    s24 = factories.catalogue_exemption("FOIA-s24")
    data = harm(limbs=("s24(1)",), likelihood="")
    citation = workflow.apply_exemption(
        question, actor=officer, exemption=s24, data=data, pit=pit()
    )
    assert citation.likelihood == "required"
    with pytest.raises(ValidationError, match="required for the purpose of"):
        workflow.update_citation(
            citation, actor=officer, data=harm(limbs=("s24(1)",), likelihood="would"), pit=pit()
        )


def test_s35_is_refused_to_an_authority_that_is_not_a_government_department(
    officer, question, settings
):
    settings.FOI_AUTHORITY_IS_GOVERNMENT_DEPARTMENT = False
    s35 = factories.catalogue_exemption("FOIA-s35")
    data = CitationData(limbs=("s35(1)(a)",), reasoning="Policy formulation.")
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(question, actor=officer, exemption=s35, data=data, pit=pit())
    assert "only to government departments" in excinfo.value.message_dict["exemption"][0]
    settings.FOI_AUTHORITY_IS_GOVERNMENT_DEPARTMENT = True
    assert workflow.apply_exemption(question, actor=officer, exemption=s35, data=data, pit=pit())


def test_s36_needs_the_qualified_person_and_is_absolute_for_a_house(officer, question, settings):
    s36 = factories.catalogue_exemption("FOIA-s36")
    data = harm(limbs=("s36(2)(b)(ii)",))
    settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT = True
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(question, actor=officer, exemption=s36, data=data)
    assert set(excinfo.value.message_dict) >= {"qp_name", "qp_opinion_on"}
    with_qp = harm(
        limbs=("s36(2)(b)(ii)",), qp_name="The Speaker", qp_opinion_on=dt.date(2026, 3, 5)
    )
    with pytest.raises(ValidationError, match="must not have a public interest test"):
        workflow.apply_exemption(question, actor=officer, exemption=s36, data=with_qp, pit=pit())
    citation = workflow.apply_exemption(question, actor=officer, exemption=s36, data=with_qp)
    assert citation.qp_name == "The Speaker"
    settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT = False
    with pytest.raises(ValidationError, match="qualified exemption"):
        workflow.update_citation(citation, actor=officer, data=with_qp)


def test_procedural_ground_takes_no_public_interest_test(officer, question):
    s12 = factories.catalogue_exemption("FOIA-s12")
    data = CitationData(limbs=(s12.limb_codes()[0],))
    with pytest.raises(ValidationError, match="procedural ground: it has no public interest"):
        workflow.apply_exemption(question, actor=officer, exemption=s12, data=data, pit=pit())
    citation = workflow.apply_exemption(question, actor=officer, exemption=s12, data=data)
    assert citation.role == "procedural"


def test_a_tie_means_disclosure_unless_the_officer_says_why(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    data = harm(limbs=("s31(1)(a)",))
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(
            question, actor=officer, exemption=s31, data=data, pit=pit(maintain=(3,), disclose=(3,))
        )
    assert "a tie means disclosure" in errors_of(excinfo)
    citation = workflow.apply_exemption(
        question,
        actor=officer,
        exemption=s31,
        data=data,
        pit=pit(maintain=(3,), disclose=(3,), override="Police advice outweighs the count."),
    )
    assert citation.pit.override_reason.startswith("Police advice")


def test_weights_must_be_between_one_and_five(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    with pytest.raises(ValidationError, match="weight from 1 to 5"):
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=s31,
            data=harm(limbs=("s31(1)(a)",)),
            pit=pit(maintain=(9,)),
        )


def test_pit_cannot_be_dated_in_the_future(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    future = PitData(**{**pit().__dict__, "as_at": timezone.localdate() + dt.timedelta(days=3)})
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        workflow.apply_exemption(
            question, actor=officer, exemption=s31, data=harm(limbs=("s31(1)(a)",)), pit=future
        )


def test_ncnd_question_cannot_also_cite_a_disclosure_exemption(officer, question):
    s38 = factories.catalogue_exemption("FOIA-s38")
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="withheld_in_full")
    question.refresh_from_db()
    with pytest.raises(ValidationError, match="cannot also cite a disclosure exemption"):
        workflow.apply_exemption(
            question, actor=officer, exemption=s38, data=harm(limbs=("s38(1)(b)",)), pit=pit()
        )
    ncnd = harm(role="ncnd", limbs=("s38(2)",))
    citation = workflow.apply_exemption(
        question, actor=officer, exemption=s38, data=ncnd, pit=pit()
    )
    assert citation.provision == "s38(2)"
    with pytest.raises(ValidationError, match="neither confirms nor denies"):
        workflow.record_answer(question, actor=officer, held_status="held", outcome="disclosed")


def test_ncnd_must_cite_an_ncnd_provision(officer, question):
    s38 = factories.catalogue_exemption("FOIA-s38")
    with pytest.raises(ValidationError, match="not an NCND provision of s38"):
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=s38,
            data=harm(role="ncnd", limbs=("s38(1)(b)",)),
            pit=pit(),
        )


def test_s23_5_and_s24_2_may_be_cited_jointly(officer, question):
    s23, s24 = (factories.catalogue_exemption(c) for c in ("FOIA-s23", "FOIA-s24"))
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="withheld_in_full")
    question.refresh_from_db()
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=s23,
        data=CitationData(role="ncnd", limbs=("s23(5)",), reasoning="Security bodies."),
    )
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=s24,
        data=harm(role="ncnd", limbs=("s24(2)",), likelihood="required"),
        pit=pit(),
    )
    assert workflow.readiness_problems(question.case) == [
        "Question 2: record whether the information is held."
    ]


def test_s23_1_and_s24_1_only_in_the_alternative(officer, question):
    s23, s24 = (factories.catalogue_exemption(c) for c in ("FOIA-s23", "FOIA-s24"))
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=s23,
        data=CitationData(limbs=("s23(1)",), reasoning="Security bodies."),
    )
    with pytest.raises(ValidationError, match="cite them in the alternative"):
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=s24,
            data=harm(limbs=("s24(1)",), likelihood="required"),
            pit=pit(),
        )
    first = ExemptionCitation.objects.get()
    workflow.update_citation(
        first,
        actor=officer,
        data=CitationData(limbs=("s23(1)",), reasoning="Security bodies.", alternative_group="A"),
    )
    second = workflow.apply_exemption(
        question,
        actor=officer,
        exemption=s24,
        data=harm(limbs=("s24(1)",), likelihood="required", alternative_group="a"),
        pit=pit(),
    )
    assert second.alternative_group == "A"


def test_only_s23_1_and_s24_1_can_be_in_the_alternative(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    with pytest.raises(ValidationError, match="Only s23"):
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=s31,
            data=harm(limbs=("s31(1)(a)",), alternative_group="A"),
            pit=pit(),
        )


def test_exemption_from_another_regime_is_refused(officer, question):
    eir = factories.catalogue_exemption("EIR-12(5)(a)")
    with pytest.raises(ValidationError, match="belongs to the EIR regime"):
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=eir,
            data=harm(limbs=(eir.limb_codes()[0],), likelihood="would"),
            pit=pit(),
        )


def test_aggregate_pit_combines_only_qualified_disclosure_exemptions(officer, question):
    s31, s38, s23 = (factories.catalogue_exemption(c) for c in ("FOIA-s31", "FOIA-s38", "FOIA-s23"))
    a = workflow.apply_exemption(
        question, actor=officer, exemption=s31, data=harm(limbs=("s31(1)(a)",)), pit=pit()
    )
    b = workflow.apply_exemption(
        question, actor=officer, exemption=s38, data=harm(limbs=("s38(1)(b)",)), pit=pit()
    )
    c = workflow.apply_exemption(
        question,
        actor=officer,
        exemption=s23,
        data=CitationData(limbs=("s23(1)",), reasoning="Security bodies."),
    )
    with pytest.raises(ValidationError, match="absolute: it has no public interest"):
        workflow.record_aggregate_pit(question, actor=officer, citations=[a, b, c], pit=pit())
    other = question.case.questions.get(number=2)
    d = workflow.apply_exemption(
        other, actor=officer, exemption=s31, data=harm(limbs=("s31(1)(a)",)), pit=pit()
    )
    with pytest.raises(ValidationError, match="same question"):
        workflow.record_aggregate_pit(question, actor=officer, citations=[a, d], pit=pit())
    test = workflow.record_aggregate_pit(question, actor=officer, citations=[a, b], pit=pit())
    assert test.is_aggregate and set(test.combines.all()) == {a, b}
    with pytest.raises(ValidationError, match="aggregate public interest test"):
        workflow.remove_citation(a, actor=officer)


def test_omitting_reasons_under_s17_4_needs_a_justification(officer, question):
    s24 = factories.catalogue_exemption("FOIA-s24")
    data = harm(limbs=("s24(1)",), likelihood="required", reasoning="", omit_reasons=True)
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(question, actor=officer, exemption=s24, data=data, pit=pit())
    assert "omit_reasons_justification" in excinfo.value.message_dict


def test_ncnd_answer_text_is_refused(officer, question):
    with pytest.raises(ValidationError, match="Leave the answer empty"):
        workflow.record_answer(
            question,
            actor=officer,
            held_status="ncnd",
            outcome="withheld_in_full",
            answer_text="We hold three reports.",
        )


def test_someone_else_cannot_record_decisions(other_officer, question):
    s23 = factories.catalogue_exemption("FOIA-s23")
    with pytest.raises(PermissionDenied):
        workflow.apply_exemption(
            question,
            actor=other_officer,
            exemption=s23,
            data=CitationData(limbs=("s23(1)",), reasoning="x"),
        )


def test_internal_held_status_is_audited_and_need_to_know(
    officer, other_officer, reviewer, manager, question
):
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="withheld_in_full")
    question.refresh_from_db()
    workflow.record_internal_held_status(question, actor=officer, held="held", note="Two files")
    recorded = CaseEvent.objects.filter(verb="decision_recorded").last()
    assert "held" not in str(recorded.data.values()).replace("internal_held_status", "")

    assert workflow.view_internal_held_status(question, actor=manager).held == "held"
    assert workflow.view_internal_held_status(question, actor=officer).held == "held"
    for stranger in (other_officer, reviewer):
        with pytest.raises(PermissionDenied):
            workflow.view_internal_held_status(question, actor=stranger)
    views = CaseEvent.objects.filter(verb="held_status_viewed")
    assert [e.actor for e in views] == [manager, officer]
    assert InternalHeldStatus.objects.get().note == "Two files"


def test_provision_text_joins_limbs_the_way_letters_cite_them():
    assert provision_text(["s31(1)(a)", "s31(1)(b)"]) == "s31(1)(a) and (b)"
    assert provision_text(["s38(1)(a)", "s38(1)(b)", "s38(1)(c)"]) == "s38(1)(a), (b) and (c)"
    assert provision_text(["s23(5)", "s24(2)"]) == "s23(5) and s24(2)"
    assert provision_text(["s24(1)"]) == "s24(1)"


def test_absolute_and_qualified_limbs_of_s40_are_cited_separately(officer, question):
    s40 = factories.catalogue_exemption("FOIA-s40")
    first_condition, second_condition = "s40(2)/s40(3A)(a)", "s40(2)/s40(3B)"
    with pytest.raises(ValidationError, match="as separate decisions"):
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=s40,
            data=CitationData(limbs=(first_condition, second_condition), reasoning="Staff names."),
        )
    citation = workflow.apply_exemption(
        question,
        actor=officer,
        exemption=s40,
        data=CitationData(limbs=(first_condition,), reasoning="Staff names."),
    )
    assert citation.is_absolute and not citation.needs_pit


def test_the_internal_held_status_never_enters_the_approved_content(officer, question):
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="withheld_in_full")
    question.refresh_from_db()
    before = workflow.decisions_hash(question.case)
    workflow.record_internal_held_status(question, actor=officer, held="not_held")
    assert workflow.decisions_hash(question.case) == before
    workflow.record_internal_held_status(question, actor=officer, held="held")
    assert workflow.decisions_hash(question.case) == before
