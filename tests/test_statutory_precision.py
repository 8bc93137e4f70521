"""Statutory precision (issue 16): per-limb status, consistency at save, NCND, variations, EIR."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from exemptions.catalogue import by_code
from exemptions.forms import AnswerForm, CitationForm
from exemptions.models import Exemption, ExemptionCitation
from exemptions.validation import CitationData, FactorData, PitData
from foi_cases import deadlines, workflow
from foi_cases.bank_holidays import calendar_for
from foi_cases.models import CaseEvent, ReportingOutcome
from tests import factories

AS_AT = dt.date(2026, 3, 10)
RECEIVED = dt.date(2026, 3, 2)  # a Monday; factories.case_in_progress receives it then


def pit(**changes):
    values = {
        "as_at": AS_AT,
        "conclusion": "maintain",
        "summary": "On balance the public interest favours maintaining the exemption.",
        "factors": (
            FactorData("maintain", "Protecting the people concerned.", 4),
            FactorData("disclosure", "Transparency.", 2),
        ),
    }
    return PitData(**{**values, **changes})


def harm(**changes):
    values = {
        "likelihood": "would_be_likely",
        "harm_interest": "The commercial interests of the contractor.",
        "harm_mechanism": "Competitors would learn its prices.",
        "harm_evidence": "The contractor's representations of March 2026.",
        "reasoning": "Disclosure would be likely to prejudice commercial interests.",
    }
    return CitationData(**{**values, **changes})


def class_based(**changes):
    return CitationData(**{"reasoning": "The exemption applies.", **changes})


def ncnd(code, **changes):
    return CitationData(**{"role": "ncnd", "limbs": (code,), "reasoning": "NCND.", **changes})


def errors_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


@pytest.fixture
def case(officer):
    return factories.case_in_progress(officer, questions=("Who was it?", "How much?"))


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def question(case):
    return case.questions.get(number=1)


@pytest.fixture
def eir_question(officer):
    return factories.case_in_progress(officer, regime="EIR").questions.get(number=1)


def ncnd_question(question, officer):
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="")
    question.refresh_from_db()
    return question


# --- The catalogue says it per limb (pure) -----------------------------------------------------


def test_ncnd_limbs_take_the_status_of_the_limb_they_mirror() -> None:
    s40, s37, reg13 = (by_code()[c] for c in ("FOIA-s40", "FOIA-s37", "EIR-13"))
    assert s40.limb_is_absolute("s40(5A)")
    assert s40.limb_is_absolute("s40(5B)(a)(i)")
    for code in ("s40(5B)(a)(ii)", "s40(5B)(b)", "s40(5B)(c)", "s40(5B)(d)"):
        assert not s40.limb_is_absolute(code), code
    for letter in ("a", "aa", "ab"):
        assert s37.limb_is_absolute(f"s37(2)/s37(1)({letter})")
    for letter in ("ac", "ad", "b"):
        assert not s37.limb_is_absolute(f"s37(2)/s37(1)({letter})")
    assert reg13.ncnd_provision == "reg 13(5A)"
    assert reg13.limb_is_absolute("reg 13(5A)/reg 13(5B)(a)")
    for letter in "bcd":
        assert not reg13.limb_is_absolute(f"reg 13(5A)/reg 13(5B)({letter})")


def test_trade_secrets_and_confidential_state_information_are_class_based() -> None:
    s43, s27 = by_code()["FOIA-s43"], by_code()["FOIA-s27"]
    assert s43.limb_test_type("s43(1)") == "class"
    assert s43.limb_test_type("s43(2)") == "prejudice"
    assert s27.limb_test_type("s27(2)") == "class"
    assert s27.limb_test_type("s27(1)(a)") == "prejudice"
    assert s27.limb_test_type("s27(4)(b)") == "class"
    assert s27.limb_test_type("s27(4)(a)") == "prejudice"
    # s43(3) stays limited to the s43(2) interests: one NCND limb, prejudice-based.
    assert [limb.code for limb in s43.ncnd_limbs] == ["s43(3)"]
    assert s43.limb_test_type("s43(3)") == "prejudice"


# --- Public interest test per limb ------------------------------------------------------------


@pytest.mark.django_db
def test_s40_5b_a_i_ncnd_takes_no_public_interest_test(officer, question):
    s40 = factories.catalogue_exemption("FOIA-s40")
    ncnd_question(question, officer)
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(
            question, actor=officer, exemption=s40, data=ncnd("s40(5B)(a)(i)"), pit=pit()
        )
    assert "absolute here: it must not have a public interest test" in errors_of(excinfo)

    citation = workflow.apply_exemption(
        question, actor=officer, exemption=s40, data=ncnd("s40(5B)(a)(i)")
    )

    citation.refresh_from_db()
    assert citation.is_absolute and not citation.needs_pit
    assert workflow.readiness_problems(question.case) == [
        "Question 2: record whether the information is held."
    ]
    assert CaseEvent.objects.filter(case=question.case, verb="decision_recorded").count() == 2


@pytest.mark.django_db
def test_other_s40_5b_limbs_need_a_public_interest_test(officer, question):
    s40 = factories.catalogue_exemption("FOIA-s40")
    ncnd_question(question, officer)
    with pytest.raises(ValidationError, match="record a public interest test on confirming"):
        workflow.apply_exemption(question, actor=officer, exemption=s40, data=ncnd("s40(5B)(b)"))
    citation = workflow.apply_exemption(
        question, actor=officer, exemption=s40, data=ncnd("s40(5B)(b)"), pit=pit()
    )
    assert citation.needs_pit and citation.pit.conclusion == "maintain"


@pytest.mark.django_db
def test_the_old_undivided_s40_5b_is_no_longer_citable(officer, question):
    s40 = factories.catalogue_exemption("FOIA-s40")
    ncnd_question(question, officer)
    with pytest.raises(ValidationError, match="not an NCND provision of s40"):
        workflow.apply_exemption(
            question, actor=officer, exemption=s40, data=ncnd("s40(5B)"), pit=pit()
        )


@pytest.mark.django_db
def test_s37_2_is_absolute_only_as_relating_to_s37_1_a_to_ab(officer, case):
    s37 = factories.catalogue_exemption("FOIA-s37")
    first, second = (ncnd_question(q, officer) for q in case.questions.order_by("number"))
    sovereign = workflow.apply_exemption(
        first, actor=officer, exemption=s37, data=ncnd("s37(2)/s37(1)(a)")
    )
    assert sovereign.is_absolute
    with pytest.raises(ValidationError, match="record a public interest test"):
        workflow.apply_exemption(
            second, actor=officer, exemption=s37, data=ncnd("s37(2)/s37(1)(b)")
        )
    with pytest.raises(ValidationError, match="absolute and the qualified subsections"):
        workflow.apply_exemption(
            second,
            actor=officer,
            exemption=s37,
            data=ncnd("s37(2)/s37(1)(a)", limbs=("s37(2)/s37(1)(a)", "s37(2)/s37(1)(b)")),
        )


@pytest.mark.django_db
def test_eir_reg_13_5a_is_citable_and_absolute_under_13_5b_a(officer, eir_question):
    reg13 = factories.catalogue_exemption("EIR-13")
    ncnd_question(eir_question, officer)

    citation = workflow.apply_exemption(
        eir_question, actor=officer, exemption=reg13, data=ncnd("reg 13(5A)/reg 13(5B)(a)")
    )

    assert citation.provision == "reg 13(5A)/reg 13(5B)(a)" and citation.is_absolute
    with pytest.raises(ValidationError, match="not an NCND provision"):
        workflow.apply_exemption(
            eir_question, actor=officer, exemption=reg13, data=ncnd("reg 13(5)"), pit=pit()
        )


@pytest.mark.django_db
def test_citation_form_says_which_limbs_take_no_test(db):
    s40 = factories.catalogue_exemption("FOIA-s40")
    s43 = factories.catalogue_exemption("FOIA-s43")
    s40_labels = dict(CitationForm(exemption=s40, topic_slugs=[]).fields["limbs"].choices)
    s43_labels = dict(CitationForm(exemption=s43, topic_slugs=[]).fields["limbs"].choices)
    assert "absolute: no public interest test" in s40_labels["s40(5B)(a)(i)"]
    assert "absolute" not in s40_labels["s40(5B)(b)"]
    assert "class-based: no harm test" in s43_labels["s43(1)"]
    assert "class-based" not in s43_labels["s43(2)"]


# --- Test type per limb -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "limb"), [("FOIA-s43", "s43(1)"), ("FOIA-s27", "s27(2)")])
def test_class_based_limbs_demand_no_harm_test(officer, question, code, limb):
    exemption = factories.catalogue_exemption(code)
    with pytest.raises(ValidationError, match="not a prejudice-based exemption"):
        workflow.apply_exemption(
            question, actor=officer, exemption=exemption, data=harm(limbs=(limb,)), pit=pit()
        )

    citation = workflow.apply_exemption(
        question, actor=officer, exemption=exemption, data=class_based(limbs=(limb,)), pit=pit()
    )

    citation.refresh_from_db()
    assert citation.likelihood == "" and citation.harm_evidence == ""


@pytest.mark.django_db
def test_s43_2_still_needs_its_harm_test_and_goes_apart_from_s43_1(officer, question):
    s43 = factories.catalogue_exemption("FOIA-s43")
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(
            question, actor=officer, exemption=s43, data=class_based(limbs=("s43(2)",)), pit=pit()
        )
    assert "likelihood" in excinfo.value.message_dict
    with pytest.raises(ValidationError, match="class-based and the harm-based subsections"):
        workflow.apply_exemption(
            question, actor=officer, exemption=s43, data=harm(limbs=("s43(1)", "s43(2)")), pit=pit()
        )


# --- NCND on cost (s12(2)) --------------------------------------------------------------------


@pytest.mark.django_db
def test_ncnd_on_cost_accepts_s12_2_and_refuses_s12_1(officer, case, question):
    s12 = factories.catalogue_exemption("FOIA-s12")
    ncnd_question(question, officer)
    with pytest.raises(ValidationError, match="s12\\(1\\) does not lift the duty to confirm"):
        workflow.apply_exemption(
            question, actor=officer, exemption=s12, data=class_based(limbs=("s12(1)",))
        )

    workflow.apply_exemption(
        question, actor=officer, exemption=s12, data=class_based(limbs=("s12(2)",))
    )

    workflow.record_answer(
        case.questions.get(number=2), actor=officer, held_status="not_held", outcome="not_held"
    )
    assert workflow.readiness_problems(case) == []


@pytest.mark.django_db
def test_s12_2_cannot_sit_on_a_question_that_says_whether_it_is_held(officer, question):
    s12 = factories.catalogue_exemption("FOIA-s12")
    workflow.record_answer(question, actor=officer, held_status="held", outcome="procedural")
    question.refresh_from_db()
    with pytest.raises(ValidationError, match="s12\\(2\\) neither confirms nor denies"):
        workflow.apply_exemption(
            question, actor=officer, exemption=s12, data=class_based(limbs=("s12(2)",))
        )
    workflow.apply_exemption(
        question, actor=officer, exemption=s12, data=class_based(limbs=("s12(1)",))
    )


@pytest.mark.django_db
def test_ncnd_answer_on_s12_1_found_at_readiness_too(officer, case, question):
    """A question switched to NCND after s12(1) was cited is refused at save."""
    s12 = factories.catalogue_exemption("FOIA-s12")
    workflow.record_answer(question, actor=officer, held_status="held", outcome="procedural")
    question.refresh_from_db()
    workflow.apply_exemption(
        question, actor=officer, exemption=s12, data=class_based(limbs=("s12(1)",))
    )
    with pytest.raises(ValidationError, match="cite s12\\(2\\)"):
        workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="")
    question.refresh_from_db()
    assert question.held_status == "held"


# --- Inconsistent decisions refused at save ---------------------------------------------------


@pytest.mark.django_db
def test_not_held_cannot_be_disclosed(officer, question):
    with pytest.raises(ValidationError) as excinfo:
        workflow.record_answer(question, actor=officer, held_status="not_held", outcome="disclosed")
    assert (
        "Information that is not held cannot be disclosed"
        in excinfo.value.message_dict["outcome"][0]
    )
    question.refresh_from_db()
    assert question.held_status == "" and question.outcome == ""
    assert not CaseEvent.objects.filter(verb="decision_recorded").exists()


@pytest.mark.django_db
def test_no_exemption_on_information_not_held(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    workflow.record_answer(question, actor=officer, held_status="not_held", outcome="not_held")
    question.refresh_from_db()
    with pytest.raises(ValidationError, match="not held, so nothing can be exempt"):
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=s31,
            data=harm(limbs=("s31(1)(a)",)),
            pit=pit(),
        )
    assert not ExemptionCitation.objects.exists()


@pytest.mark.django_db
def test_no_exemption_on_information_disclosed_in_full(officer, question):
    s31 = factories.catalogue_exemption("FOIA-s31")
    workflow.apply_exemption(
        question, actor=officer, exemption=s31, data=harm(limbs=("s31(1)(a)",)), pit=pit()
    )
    with pytest.raises(ValidationError, match="disclosed in full, so no exemption"):
        workflow.record_answer(
            question, actor=officer, held_status="held", outcome="disclosed", answer_text="All."
        )
    question.refresh_from_db()
    assert question.outcome == ""


@pytest.mark.django_db
def test_s31_cannot_be_cited_with_s30_on_the_same_information(officer, case, question):
    s30, s31 = (factories.catalogue_exemption(c) for c in ("FOIA-s30", "FOIA-s31"))
    workflow.apply_exemption(
        question, actor=officer, exemption=s30, data=class_based(limbs=("s30(1)",)), pit=pit()
    )
    with pytest.raises(ValidationError, match="s31 applies only to information that s30"):
        workflow.apply_exemption(
            question, actor=officer, exemption=s31, data=harm(limbs=("s31(1)(a)",)), pit=pit()
        )
    other = case.questions.get(number=2)
    workflow.apply_exemption(
        other, actor=officer, exemption=s31, data=harm(limbs=("s31(1)(a)",)), pit=pit()
    )
    assert ExemptionCitation.objects.count() == 2


@pytest.mark.django_db
def test_s36_cannot_be_cited_with_s35_on_the_same_information(officer, question, settings):
    settings.FOI_AUTHORITY_IS_GOVERNMENT_DEPARTMENT = True
    settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT = False
    s35, s36 = (factories.catalogue_exemption(c) for c in ("FOIA-s35", "FOIA-s36"))
    workflow.apply_exemption(
        question, actor=officer, exemption=s35, data=class_based(limbs=("s35(1)(a)",)), pit=pit()
    )
    s36_data = harm(
        limbs=("s36(2)(b)(i)",),
        qp_name="The Permanent Secretary",
        qp_opinion_on=dt.date(2026, 3, 9),
    )
    with pytest.raises(ValidationError, match="s36 applies only to information that s35"):
        workflow.apply_exemption(question, actor=officer, exemption=s36, data=s36_data, pit=pit())


@pytest.mark.django_db
def test_public_interest_test_after_the_time_for_compliance_needs_a_reason(officer, case):
    question = case.questions.get(number=1)
    case.due_on = dt.date(2026, 3, 5)
    case.save(update_fields=["due_on"])
    s31 = factories.catalogue_exemption("FOIA-s31")
    data = harm(limbs=("s31(1)(a)",))
    with pytest.raises(ValidationError, match="after the time for compliance ended on 5 March"):
        workflow.apply_exemption(question, actor=officer, exemption=s31, data=data, pit=pit())

    reason = "The police threat assessment arrived on 10 March."
    citation = workflow.apply_exemption(
        question, actor=officer, exemption=s31, data=data, pit=pit(late_reason=reason)
    )

    assert citation.pit.late_reason == reason
    event = CaseEvent.objects.get(case=case, verb="decision_recorded")
    assert event.data["pit"]["late"] is True and event.data["pit"]["late_reason"] == reason


@pytest.mark.django_db
def test_late_public_interest_test_warns_on_the_page(officer_client, officer, case):
    case.due_on = dt.date(2026, 3, 5)
    case.save(update_fields=["due_on"])
    s31 = factories.catalogue_exemption("FOIA-s31")
    url = reverse("exemption_citation_new", args=[case.reference, 1])
    data = {
        "action": "save",
        "limbs": ["s31(1)(a)"],
        "likelihood": "would",
        "harm_interest": "Crime prevention.",
        "harm_mechanism": "It shows the gaps.",
        "harm_evidence": "Threat assessment.",
        "reasoning": "Prejudice to crime prevention.",
        "pit_as_at_0": 10,
        "pit_as_at_1": 3,
        "pit_as_at_2": 2026,
        "pit_conclusion": "maintain",
        "pit_summary": "On balance, maintain.",
        "pit_late_reason": "The assessment arrived late.",
        "factor-TOTAL_FORMS": 2,
        "factor-INITIAL_FORMS": 0,
        "factor-MIN_NUM_FORMS": 0,
        "factor-MAX_NUM_FORMS": 40,
        "factor-0-side": "maintain",
        "factor-0-text": "Safety.",
        "factor-0-weight": 4,
        "factor-1-side": "disclosure",
        "factor-1-text": "Openness.",
        "factor-1-weight": 2,
    }
    response = officer_client.post(f"{url}?exemption={s31.pk}", data, follow=True)
    assert response.status_code == 200
    assert "after the time for compliance" in response.content.decode()
    assert ExemptionCitation.objects.get().pit.late_reason == "The assessment arrived late."


# --- NCND is its own outcome ------------------------------------------------------------------


@pytest.mark.django_db
def test_ncnd_answer_is_its_own_outcome(officer, question):
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="withheld_in_full")
    question.refresh_from_db()
    assert question.outcome == "ncnd"
    event = CaseEvent.objects.get(verb="decision_recorded")
    assert event.data["outcome"] == "ncnd"
    with pytest.raises(ValidationError, match="Neither confirm nor deny is an answer on its own"):
        workflow.record_answer(question, actor=officer, held_status="held", outcome="ncnd")


def test_answer_form_does_not_ask_what_happens_to_an_ncnd_answer() -> None:
    form = AnswerForm({"held_status": "ncnd"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["outcome"] == "ncnd"
    held = AnswerForm({"held_status": "held"})
    assert not held.is_valid()
    assert "Choose what happens to the information" in held.errors["outcome"][0]
    assert "ncnd" not in dict(AnswerForm().fields["outcome"].choices)


@pytest.mark.django_db
def test_ncnd_answer_through_the_page_is_counted_as_ncnd(officer_client, officer, case):
    s38 = factories.catalogue_exemption("FOIA-s38")
    for number in (1, 2):
        response = officer_client.post(
            reverse("exemption_answer", args=[case.reference, number]),
            {f"q{number}-held_status": "ncnd", f"q{number}-answer_text": ""},
        )
        assert response.status_code == 302
        question = case.questions.get(number=number)
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=s38,
            data=harm(role="ncnd", limbs=("s38(2)",)),
            pit=pit(),
        )
    assert set(case.questions.values_list("outcome", flat=True)) == {"ncnd"}
    assert workflow.readiness_problems(case) == []
    # Sent, as the final response's send would record it (without composing the letter).
    case.status = "responded"
    case.save(update_fields=["status"])
    workflow.core.record(case, CaseEvent.Verb.RESPONSE_SENT, actor=officer)
    case.refresh_from_db()
    assert case.reporting_outcome == ReportingOutcome.NCND


# --- Statutory variations ---------------------------------------------------------------------


def _due(variation, **kwargs):
    return deadlines.compute_deadline(
        received=RECEIVED,
        regime=kwargs.pop("regime", "FOIA"),
        calendar=calendar_for("FOIA"),
        variation=variation,
        **kwargs,
    )


@pytest.mark.django_db
def test_school_variation_takes_the_earlier_of_20_school_days_and_60_working_days() -> None:
    calendar = calendar_for("FOIA")
    sixtieth = calendar.add_working_days(RECEIVED, 60)
    school_day = dt.date(2026, 4, 24)  # the Easter holidays make it later than day 20

    earlier = _due(deadlines.Variation(kind="school", twentieth_school_day=school_day))
    assert earlier.statutory_due == school_day
    assert any("20th school day" in line for line in earlier.explanation)

    later = _due(deadlines.Variation(kind="school", twentieth_school_day=dt.date(2026, 7, 20)))
    assert later.statutory_due == sixtieth

    unknown = _due(deadlines.Variation(kind="school"))
    assert unknown.statutory_due == sixtieth
    assert any("Record the date of the 20th school day" in w for w in unknown.warnings)


@pytest.mark.django_db
def test_ico_specified_variations_are_capped_at_60_working_days() -> None:
    calendar = calendar_for("FOIA")
    outside = _due(deadlines.Variation(kind="outside_uk", working_days=45, reference="ICO-1"))
    assert outside.statutory_due == calendar.add_working_days(RECEIVED, 45)
    assert any("ICO-1" in line for line in outside.explanation)
    with pytest.raises(ValueError, match="no later than the 60th"):
        _due(deadlines.Variation(kind="armed_forces", working_days=61, reference="ICO-2"))
    archives = _due(deadlines.Variation(kind="archives"))
    assert archives.statutory_due == calendar.add_working_days(RECEIVED, 30)
    with pytest.raises(ValueError, match="vary FOIA only"):
        _due(deadlines.Variation(kind="archives"), regime="EIR")


@pytest.mark.django_db
def test_case_carries_a_variation_and_its_due_date_follows(officer, manager):
    case = factories.case_in_progress(officer)
    school_day = dt.date(2026, 4, 24)

    warnings = workflow.set_variation(
        case, actor=officer, kind="school", twentieth_school_day=school_day
    )

    case.refresh_from_db()
    assert warnings == []
    assert case.variation == "school" and case.due_on == school_day
    event = CaseEvent.objects.get(case=case, verb="variation_set")
    assert event.actor == officer and event.data["due_on"] == school_day.isoformat()
    with pytest.raises(ValidationError) as excinfo:
        workflow.set_variation(case, actor=officer, kind="outside_uk", working_days=70)
    assert set(excinfo.value.message_dict) == {"working_days", "reference"}

    workflow.set_variation(case, actor=officer, kind="")
    case.refresh_from_db()
    assert case.variation == "" and case.due_on == calendar_for("FOIA").add_working_days(
        RECEIVED, 20
    )


# --- EIR --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_eir_reg_7_extends_to_40_working_days_with_the_notice(officer):
    case = factories.case_in_progress(officer, regime="EIR")
    workflow.recompute_deadline(case, reason="test set-up")
    case.refresh_from_db()
    twentieth = case.due_on
    with pytest.raises(ValidationError, match="Say why"):
        workflow.extend_for_complexity(case, actor=officer, notice_on=AS_AT, reason=" ")

    workflow.extend_for_complexity(
        case, actor=officer, notice_on=AS_AT, reason="Thousands of monitoring records."
    )

    case.refresh_from_db()
    assert twentieth == calendar_for("EIR").add_working_days(RECEIVED, 20)
    assert case.due_on == calendar_for("EIR").add_working_days(RECEIVED, 40)
    event = CaseEvent.objects.get(case=case, verb="eir_extended")
    assert event.data["notice_on"] == AS_AT.isoformat()
    foia = factories.case_in_progress(officer)
    with pytest.raises(ValidationError, match="Only EIR requests"):
        workflow.extend_for_complexity(foia, actor=officer, notice_on=AS_AT, reason="Big.")


@pytest.mark.django_db
def test_reg_7_notice_after_the_20_working_days_does_not_extend() -> None:
    calendar = calendar_for("EIR")
    late = calendar.add_working_days(RECEIVED, 21)
    deadline = deadlines.compute_deadline(
        received=RECEIVED, regime="EIR", calendar=calendar, eir_extensions=[late]
    )
    assert deadline.statutory_due == calendar.add_working_days(RECEIVED, 20)
    assert any("does not extend the time" in w for w in deadline.warnings)
    with pytest.raises(ValueError, match="EIR requests only"):
        deadlines.compute_deadline(
            received=RECEIVED, regime="FOIA", calendar=calendar, eir_extensions=[late]
        )


@pytest.mark.django_db
def test_eir_public_interest_test_records_the_presumption_in_favour_of_disclosure(
    officer, eir_question
):
    reg12_5_a = factories.catalogue_exemption("EIR-12(5)(a)")
    data = harm(limbs=("reg 12(5)(a)",), likelihood="would")
    with pytest.raises(ValidationError, match="presumption in favour of disclosure"):
        workflow.apply_exemption(
            eir_question, actor=officer, exemption=reg12_5_a, data=data, pit=pit()
        )

    citation = workflow.apply_exemption(
        eir_question,
        actor=officer,
        exemption=reg12_5_a,
        data=data,
        pit=pit(presumption_applied=True),
    )

    assert citation.pit.presumption_applied
    content = workflow.canonical_decisions(eir_question.case)["questions"][0]
    assert content["citations"][0]["pit"]["presumption_applied"] is True


@pytest.mark.django_db
def test_emissions_cannot_be_withheld_under_reg_12_5_d_to_g(officer, eir_question):
    reg12_5_e = factories.catalogue_exemption("EIR-12(5)(e)")
    data = harm(limbs=("reg 12(5)(e)",), likelihood="would")
    presumption = pit(presumption_applied=True)
    with pytest.raises(ValidationError) as excinfo:
        workflow.apply_exemption(
            eir_question, actor=officer, exemption=reg12_5_e, data=data, pit=presumption
        )
    assert (
        "Say whether the information is on emissions"
        in excinfo.value.message_dict["on_emissions"][0]
    )
    with pytest.raises(ValidationError, match="on emissions cannot be withheld"):
        workflow.apply_exemption(
            eir_question,
            actor=officer,
            exemption=reg12_5_e,
            data=harm(limbs=("reg 12(5)(e)",), likelihood="would", on_emissions=True),
            pit=presumption,
        )

    citation = workflow.apply_exemption(
        eir_question,
        actor=officer,
        exemption=reg12_5_e,
        data=harm(limbs=("reg 12(5)(e)",), likelihood="would", on_emissions=False),
        pit=presumption,
    )

    citation.refresh_from_db()
    assert citation.on_emissions is False


# --- The data migration -----------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_gives_existing_rows_their_per_limb_status(db):
    migration = importlib.import_module("exemptions.migrations.0005_limb_status")
    s40 = factories.catalogue_exemption("FOIA-s40")
    s31 = factories.catalogue_exemption("FOIA-s31")
    Exemption.objects.filter(pk=s40.pk).update(ncnd_provisions=["s40(5A)", "s40(5B)"])
    Exemption.objects.filter(pk=s31.pk).update(ncnd_provisions=["s31(3)"])

    migration.per_limb_status(apps, None)

    s40.refresh_from_db()
    s31.refresh_from_db()
    assert s40.ncnd_codes()[:2] == ["s40(5A)", "s40(5B)(a)(i)"]
    assert s40.is_absolute(["s40(5B)(a)(i)"]) and not s40.is_absolute(["s40(5B)(b)"])
    assert s31.ncnd_limbs() == [
        {"code": "s31(3)", "label": "neither confirm nor deny", "absolute": None, "test_type": None}
    ]
    assert factories.catalogue_exemption("FOIA-s43").test_types(["s43(1)"]) == {"class"}


# --- From the case page -----------------------------------------------------------------------


def _date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.mark.django_db
def test_school_variation_from_the_case_page_moves_the_due_date(officer_client, officer):
    case = factories.case_in_progress(officer)
    url = reverse("case_action", args=[case.reference, "variation"])
    school_day = dt.date(2026, 4, 24)

    response = officer_client.post(
        url, {"kind": "school", **_date_fields("twentieth_school_day", school_day)}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.variation == "school" and case.due_on == school_day
    page = officer_client.get(case.get_absolute_url()).content.decode()
    assert "Friday 24 April 2026" in page and "Statutory variation" in page
    refused = officer_client.post(url, {"kind": "outside_uk", "working_days": "45"})
    assert refused.status_code == 200
    assert "give its reference" in refused.content.decode()
    assert CaseEvent.objects.filter(case=case, verb="variation_set").count() == 1


@pytest.mark.django_db
def test_reg_7_extension_from_the_case_page(officer_client, officer):
    case = factories.case_in_progress(officer, regime="EIR")
    url = reverse("case_action", args=[case.reference, "eir-extension"])

    response = officer_client.post(
        url, {**_date_fields("notice_on", AS_AT), "reason": "Ten years of monitoring data."}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.due_on == calendar_for("EIR").add_working_days(RECEIVED, 40)
    assert case.clock_events.get().kind == "eir_extension"


@pytest.mark.django_db
def test_late_aggregate_public_interest_test_needs_a_reason_too(officer, case):
    question = case.questions.get(number=1)
    case.due_on = dt.date(2026, 3, 5)
    case.save(update_fields=["due_on"])
    late = pit(late_reason="The assessment arrived late.")
    cited = [
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=factories.catalogue_exemption(code),
            data=harm(limbs=(limb,)),
            pit=late,
        )
        for code, limb in (("FOIA-s31", "s31(1)(a)"), ("FOIA-s38", "s38(1)(b)"))
    ]
    with pytest.raises(ValidationError, match="after the time for compliance"):
        workflow.record_aggregate_pit(question, actor=officer, citations=cited, pit=pit())

    test = workflow.record_aggregate_pit(question, actor=officer, citations=cited, pit=late)

    assert test.late_reason == "The assessment arrived late."


@pytest.mark.django_db
def test_citation_page_asks_for_a_test_per_limb(officer_client, officer, case):
    s40 = factories.catalogue_exemption("FOIA-s40")
    first, second = (ncnd_question(q, officer) for q in case.questions.order_by("number"))
    absolute = workflow.apply_exemption(
        first, actor=officer, exemption=s40, data=ncnd("s40(5B)(a)(i)")
    )
    qualified = workflow.apply_exemption(
        second, actor=officer, exemption=s40, data=ncnd("s40(5B)(b)"), pit=pit()
    )

    def factors_step(citation):
        url = reverse("exemption_citation_step", args=[case.reference, citation.pk, "factors"])
        return url, officer_client.get(url)

    def check_page(citation):
        url = reverse("exemption_citation_edit", args=[case.reference, citation.pk])
        return officer_client.get(url).content.decode()

    # The absolute limb has no public interest step at all; the qualified one asks for it.
    absolute_url, absolute_page = factors_step(absolute)
    assert absolute_page.status_code == 404
    assert absolute_url not in check_page(absolute)
    qualified_url, qualified_page = factors_step(qualified)
    assert qualified_url in check_page(qualified)
    assert "a tie means disclosure" in qualified_page.content.decode()
