"""Statutory precision of letters: each regime's own law, s40(2) and s12(2) cited as written,
the harm test as applied, reasoning written once, and the wording around the text."""

from __future__ import annotations

import dataclasses

import pytest

from exemptions.models import Exemption
from exemptions.validation import CitationData
from foi_cases import letters, workflow
from foi_cases.demo import seed_citation, seed_pit
from foi_cases.letters.citations import is_ncnd_provision, is_precise
from foi_cases.letters.text import plain_text
from foi_cases.models import Case, Letter, LetterSettings
from tests import factories
from tests.letter_helpers import (
    S38_NCND_REASONS,
    SEED_000_QUESTION,
    SEED_001_QUESTIONS,
    complete_letter_settings,
    ipsa_letter_settings,
    log_case,
    pdf_reader,
    pdf_text,
    record_seed_000_decisions,
    record_seed_001_decisions,
)

Kind = Letter.Kind

S40_REASONS = (
    "The names of the caseworkers are their personal data. Disclosing them would be unfair and "
    "so would contravene the first data protection principle."
)
S12_REASONS = (
    "Security costs are not recorded against individual constituency offices. To establish "
    "whether any record mentions a panic room we would have to read about 4,000 claim files, "
    "which would take well over 24 hours at five minutes a file."
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letterhead(db):
    return complete_letter_settings()


def decide(case, reviewer, record) -> Case:
    """Record one question's decision, then submit and approve the case's decisions."""
    officer = case.assigned_to
    record(case.questions.get(number=1), officer)
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()
    return case


def final_response(case) -> Letter:
    return workflow.compose_letter(case, actor=case.assigned_to, kind=Kind.FINAL_RESPONSE)


def approved_pdf_text(letter: Letter, reviewer) -> str:
    workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    return pdf_text(letters.render_letter_pdf(Letter.objects.get(pk=letter.pk)))


def withhold(exemption_code: str, pit_summary: str = "", **citation):
    def record(question, officer):
        workflow.record_answer(
            question, actor=officer, held_status="held", outcome="withheld_in_full"
        )
        pit = None
        if pit_summary:
            pit = seed_pit(
                question.case.received_at.date(),
                pit_summary,
                "There is a public interest in how Members' security is paid for.",
                "There is a strong public interest in protecting Members from attack.",
            )
            if "presumption_applied" in {field.name for field in dataclasses.fields(pit)}:
                # Where the rules record it, an EIR test says the reg 12(2) presumption applied.
                pit = dataclasses.replace(pit, presumption_applied=True)
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=Exemption.objects.get(code=exemption_code),
            data=CitationData(**citation)
            if "harm_interest" in citation
            else seed_citation(**citation),
            pit=pit,
        )

    return record


# --- s40(2) as catalogued ---------------------------------------------------------------------


@pytest.fixture
def s40_case(officer, reviewer, letterhead):
    case = log_case(officer, questions=["Who are the caseworkers?"], assignee=officer)
    return decide(
        case,
        reviewer,
        withhold(
            "FOIA-s40",
            limbs=("s40(2)/s40(3A)(a)",),
            reasoning=S40_REASONS,
            harm_interest="",
            harm_mechanism="",
            harm_evidence="",
        ),
    )


def test_s40_2_is_cited_as_the_law_is_written_and_passes_the_check(s40_case):
    letter = final_response(s40_case)

    assert (
        "in accordance with section 40(2) by virtue of section 40(3A)(a) of the Freedom of "
        "Information Act 2000 (FOIA)" in letter.body
    )
    assert "## Section 40(2) by virtue of section 40(3A)(a) – Personal information" in letter.body
    assert "/s40" not in letter.body and "section 40(2)/" not in letter.body
    assert letters.check_letter(letter) == []


def test_the_precision_check_reads_the_catalogue_not_a_list():
    assert is_precise("s40(2)/s40(3A)(a)") and is_precise("reg 12(5)(a)")
    assert not is_precise("s31") and not is_precise("section 38")
    # The NCND provisions of every regime come from the catalogue.
    assert is_ncnd_provision("reg 12(6)") and is_ncnd_provision("s40(5A)")
    assert not is_ncnd_provision("reg 12(5)(a)")


# --- NCND on cost (s12(2)) --------------------------------------------------------------------


def _s12_2(question, officer):
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="procedural")
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s12"),
        data=CitationData(role="procedural", limbs=("s12(2)",), reasoning=S12_REASONS),
    )


@pytest.fixture
def s12_2_case(officer, reviewer, letterhead):
    case = log_case(officer, questions=[SEED_000_QUESTION], assignee=officer)
    return decide(case, reviewer, _s12_2)


def test_ncnd_on_cost_cites_s12_2_gives_the_limit_the_reasons_and_advice(s12_2_case, reviewer):
    letter = final_response(s12_2_case)
    text = plain_text(letter.body)

    assert (
        "The House of Commons neither confirms nor denies whether it holds this information. "
        "Section 12(2) of the Freedom of Information Act 2000 (FOIA)" in text
    )
    assert "appropriate limit of £600, which represents 24 hours of work at £25 an hour" in text
    assert S12_REASONS in text
    assert "## Advice and assistance" in letter.body
    assert "Under section 16 of the Freedom of Information Act 2000" in text
    assert "absolute exemption" not in text.lower()
    assert "refusal notice under section 17 of the FOIA" in text
    assert letters.check_letter(letter) == []
    assert letters.case_outcome(letters.answers_for(s12_2_case)) == Case.Outcome.PROCEDURAL_REFUSAL

    pdf = approved_pdf_text(letter, factories.UserFactory(username="ravi", roles=["Reviewer"]))
    assert "section 12(2)" in pdf.lower() and "£600" in pdf and "section 16" in pdf


def test_the_cost_limit_follows_the_setting(s12_2_case, settings):
    settings.FOI_COST_LIMIT_POUNDS = 450

    letter = final_response(s12_2_case)

    assert "appropriate limit of £450, which represents 18 hours of work" in letter.body
    assert letters.check_letter(letter) == []


def test_the_check_refuses_a_cost_letter_without_advice_or_calling_s12_absolute(s12_2_case):
    letter = final_response(s12_2_case)
    advice = next(p for p in letter.body.split("\n\n") if p.startswith("Under section 16"))
    letter.body = letter.body.replace(advice, "Section 12 is an absolute exemption.")

    problems = letters.check_letter(letter)

    assert (
        "Question 1: the letter gives no advice and assistance under section 16 on narrowing "
        "the request."
    ) in problems
    assert "Question 1: section 12 is a limit on cost, not an absolute exemption." in problems


def test_a_vexatious_request_is_refused_as_such_even_when_nothing_is_confirmed(
    officer, reviewer, letterhead
):
    def record(question, officer):
        workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="procedural")
        workflow.apply_exemption(
            question,
            actor=officer,
            exemption=Exemption.objects.get(code="FOIA-s14(1)"),
            data=CitationData(role="procedural", limbs=("s14(1)",), reasoning="The burden."),
        )

    case = log_case(officer, questions=["Everything about every MP?"], assignee=officer)
    letter = final_response(decide(case, reviewer, record))

    assert "considers this request to be vexatious. Section 14(1) of the FOIA" in letter.body
    assert "neither confirms nor denies" not in letter.body
    assert letters.check_letter(letter) == []


# --- Each regime's own law, in the PDF --------------------------------------------------------


def _eir_decision(question, officer):
    withhold(
        "EIR-12(5)(a)",
        "The public interest in protecting Members' safety outweighs that in disclosure.",
        limbs=("reg 12(5)(a)",),
        likelihood="would",
        reasoning="The survey shows where protective barriers were not installed.",
    )(question, officer)


def _foisa_decision(question, officer):
    withhold(
        "FOISA-s35",
        "The public interest in preventing crime outweighs that in disclosure.",
        limbs=("s35(1)(a)",),
        likelihood="would_be_likely",
        reasoning="The list shows which offices have no alarm.",
    )(question, officer)


def test_foia_refusal_pdf_cites_s17_s16_and_s50(officer, reviewer, letterhead):
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    letter = final_response(case)
    assert letters.check_letter(letter) == []

    text = approved_pdf_text(letter, factories.UserFactory(username="ravi", roles=["Reviewer"]))

    for expected in (
        "refusal notice under section 17 of the FOIA",
        "sections 31(1)(a) and (b) and 38(1)(a) and (b) of the Freedom of Information Act 2000",
        "Internal review and your right to complain",
        "section 50 of the Freedom of Information Act 2000",
        "Wycliffe House",
        "Re-use of the information",
    ):
        assert expected in text, expected
    assert "regulation 14" not in text and "Scottish Information Commissioner" not in text


def test_eir_refusal_pdf_cites_reg_14_reg_11_and_s50_as_applied_by_reg_18(
    officer, reviewer, letterhead
):
    case = log_case(
        officer, questions=["Where are the barriers?"], assignee=officer, regime=Case.Regime.EIR
    )
    letter = final_response(decide(case, reviewer, _eir_decision))
    assert letters.check_letter(letter) == []

    text = approved_pdf_text(letter, factories.UserFactory(username="ravi", roles=["Reviewer"]))

    for expected in (
        "regulation 12(5)(a) of the Environmental Information Regulations 2004 (EIR)",
        "refusal notice under regulation 14 of the EIR",
        "This is a qualified exception",
        "would adversely affect the safety of Members",
        "presumption in favour of disclosure in regulation 12(2)",
        "In favour of maintaining the exception:",
        "representations to us under regulation 11",
        "no later than 40 working days",
        "section 50 of the Freedom of Information Act 2000, as applied by regulation 18 of the "
        "Environmental Information Regulations 2004",
        "Wycliffe House",
    ):
        assert expected in text, expected
    assert "section 17" not in text


def test_foisa_refusal_pdf_cites_s16_s20_and_s47_with_the_commissioners_address(
    officer, reviewer, letterhead
):
    case = log_case(
        officer, questions=["Which offices lack alarms?"], assignee=officer, regime="FOISA"
    )
    letter = final_response(decide(case, reviewer, _foisa_decision))
    assert letters.check_letter(letter) == []

    text = approved_pdf_text(letter, factories.UserFactory(username="ravi", roles=["Reviewer"]))

    for expected in (
        "section 35(1)(a) of the Freedom of Information (Scotland) Act 2002 (FOISA)",
        "refusal notice under section 16 of FOISA",
        "would be likely to prejudice substantially the safety of Members",
        "review our actions and decisions under section 20",
        "within 40 working days",
        "section 47 of the Freedom of Information (Scotland) Act 2002",
        "Scottish Information Commissioner",
        "Kinburn Castle",
        "Doubledykes Road",
        "St Andrews",
        "KY16 9DS",
    ):
        assert expected in text, expected
    assert "section 50" not in text and "Wycliffe House" not in text


def test_review_outcome_letters_use_each_regimes_law(officer, letterhead):
    eir = log_case(officer, questions=["Q?"], assignee=officer, regime=Case.Regime.EIR)
    foisa = log_case(officer, questions=["Q?"], assignee=officer, regime="FOISA")

    eir_text = plain_text(
        workflow.compose_letter(eir, actor=officer, kind=Kind.INTERNAL_REVIEW).body
    )
    foisa_text = plain_text(
        workflow.compose_letter(foisa, actor=officer, kind=Kind.INTERNAL_REVIEW).body
    )

    eir_html = " ".join(letters.render_letter_html(eir.letters.get()).split())
    assert "<h1> Reconsideration: Members security (2019) </h1>" in eir_html
    assert "representations under regulation 11" in eir_text
    assert "as applied by regulation 18" in eir_text
    assert "requirement for review under section 20" in foisa_text
    assert "section 47 of the Freedom of Information (Scotland) Act 2002" in foisa_text
    assert "KY16 9DS" in foisa_text and "section 50" not in foisa_text


def test_acknowledgement_and_extension_follow_the_regime(officer, letterhead):
    case = log_case(officer, questions=["Q?"], assignee=officer, regime=Case.Regime.EIR)

    acknowledgement = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    extension = workflow.compose_letter(case, actor=officer, kind=Kind.PIT_EXTENSION)

    assert "(regulation 5(2) EIR)" in acknowledgement.body
    assert "section 10(1)" not in acknowledgement.body
    assert (
        "A public interest extension (FOIA s10(3)) is not available under the Environmental "
        "Information Regulations 2004."
    ) in letters.check_letter(extension)


def test_check_wants_the_regimes_own_review_and_regulator(officer, reviewer, letterhead):
    case = log_case(officer, questions=["Q?"], assignee=officer, regime=Case.Regime.EIR)
    letter = final_response(decide(case, reviewer, _eir_decision))
    letter.body = letter.body.replace("regulation 11", "the Code").replace("regulation 18", "")

    problems = letters.check_letter(letter)

    assert (
        "The letter does not explain the right to ask for a review under regulation 11 of the "
        "EIR within 40 working days."
    ) in problems
    assert any("as applied by regulation 18" in problem for problem in problems)


# --- The harm test as applied -----------------------------------------------------------------


def test_the_recorded_likelihood_and_harm_reasoning_reach_the_letter(officer, reviewer, db):
    ipsa_letter_settings()
    case = log_case(officer, questions=[SEED_000_QUESTION], assignee=officer)
    record_seed_000_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()

    body = final_response(case).body

    assert (
        "IPSA considers that confirming or denying whether the information is held would be "
        "likely to endanger the safety of Members and the people around them (that is, there is "
        "a real and significant risk of the danger, even if it is not more probable than not). "
        "Figures show how monitoring is prioritised and could be circumvented."
    ) in body


def test_would_is_worded_as_more_probable_than_not(officer, reviewer, letterhead):
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()

    body = final_response(case).body

    assert (
        "The House of Commons considers that disclosure of this information would prejudice the "
        "safety of Members and the people around them (that is, the prejudice is more probable "
        "than not)." in body
    )
    assert "would endanger the safety of Members" in body


# --- Reasoning written once -------------------------------------------------------------------


def _ncnd(question, officer):
    workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="withheld_in_full")
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s38"),
        data=seed_citation(
            role="ncnd", limbs=("s38(2)",), likelihood="would_be_likely", reasoning=S38_NCND_REASONS
        ),
        pit=seed_pit(
            question.case.received_at.date(),
            "Protecting Members' safety outweighs confirming or denying.",
            "Transparency about security spending.",
            "The safety of Members.",
        ),
    )


def test_the_same_ncnd_reasoning_for_several_questions_is_written_once(
    officer, reviewer, letterhead
):
    case = log_case(
        officer,
        questions=["Has Ms A a panic room?", "Has Mr B a panic room?", "Has Ms C one?"],
        assignee=officer,
    )
    for question in case.questions.all():
        _ncnd(question, officer)
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()

    letter = final_response(case)
    body = letter.body

    assert body.count(S38_NCND_REASONS) == 1
    assert body.count("Protecting Members' safety outweighs confirming or denying.") == 1
    assert "## Section 38(2) – Health and safety (questions 1, 2 and 3)" in body
    assert (
        "For the reasons given in answer to question 1, the House of Commons neither confirms "
        "nor denies whether it holds the information asked for in question 3 (section 38(2) of "
        "the FOIA)." in body
    )
    assert letters.check_letter(letter) == []


def test_the_same_exemption_reasoning_for_several_questions_is_written_once(
    officer, reviewer, letterhead
):
    case = log_case(
        officer, questions=["Where is Ms A's alarm?", "Where is Mr B's alarm?"], assignee=officer
    )
    record = withhold(
        "FOIA-s38",
        "Protecting Members' safety outweighs disclosure.",
        limbs=("s38(1)(b)",),
        likelihood="would",
        reasoning="Knowing where an alarm is helps an attacker avoid it.",
    )
    for question in case.questions.all():
        record(question, officer)
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()

    letter = final_response(case)

    assert letter.body.count("Knowing where an alarm is helps an attacker avoid it.") == 1
    assert "## Section 38(1)(b) – Health and safety (questions 1 and 2)" in letter.body
    assert (
        "For the reasons given in answer to question 1, the House of Commons is withholding the "
        "information asked for in question 2 in accordance with section 38(1)(b) of the FOIA."
    ) in letter.body
    assert letters.check_letter(letter) == []


# --- No sentence twice ------------------------------------------------------------------------


def test_an_answer_that_says_it_is_held_is_not_prefixed_again(officer, reviewer, letterhead):
    case = log_case(officer, questions=["What is the budget?"], assignee=officer)

    def record(question, officer):
        workflow.record_answer(
            question,
            actor=officer,
            held_status="held",
            outcome="disclosed",
            answer_text="This information is held by the House of Commons. It is £2.2 million.",
        )

    letter = final_response(decide(case, reviewer, record))

    assert letter.body.count("This information is held by the House of Commons.") == 1
    assert letters.check_letter(letter) == []


def test_the_check_flags_a_repeated_sentence(officer, reviewer, letterhead):
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    letter = final_response(case)
    said_twice = "The budget was agreed by the Commission. The budget was agreed by the Commission."
    repeated_reasoning = (
        "Disclosure would show how referrals are prioritised and help someone avoid detection."
    )
    letter.body += f"\n\n{said_twice}\n\n{repeated_reasoning}\n\n{repeated_reasoning}"

    problems = letters.check_letter(letter)

    assert 'The letter repeats a sentence: "The budget was agreed by the Commission."' in problems
    assert f'The letter repeats a sentence: "{repeated_reasoning}"' in problems


# --- Wording around the text ------------------------------------------------------------------


def test_the_authoritys_name_and_contact_details_come_from_settings(settings, db):
    LetterSettings.objects.all().delete()
    settings.AUTHORITY_NAME = "Greater London Authority"
    settings.AUTHORITY_NAME_IN_TEXT = "the Greater London Authority"
    settings.AUTHORITY_ADDRESS = ["City Hall", "London", "E16 1ZE"]
    settings.AUTHORITY_CONTACT_EMAIL = "mayor@london.gov.uk"

    row = LetterSettings.load()

    assert row.authority_name == "Greater London Authority"
    assert row.name_in_text == "the Greater London Authority"
    assert row.address == "City Hall\nLondon\nE16 1ZE"
    assert row.contact_email == "mayor@london.gov.uk"


def test_reasoning_templates_name_the_authority_with_its_article(officer, letterhead):
    from exemptions import reasoning

    case = log_case(officer, questions=["Q?"], assignee=officer)
    values = reasoning.values_for(case.questions.get())

    text = reasoning.render(
        "[[authority_name]] considers this. The police and [[authority_name]] agree.", values
    )

    assert text == "The House of Commons considers this. The police and the House of Commons agree."


def test_the_check_refuses_an_example_address(officer, letterhead):
    letterhead.contact_email = "foi@example.org"
    letterhead.save()
    case = log_case(officer, questions=["Q?"], assignee=officer)
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)

    assert (
        "The letter shows an example address (foi@example.org): put the authority's real "
        "contact details in Letter settings."
    ) in letters.check_letter(letter)


def test_the_approving_reviewer_signs_when_settings_say_so(officer, letterhead):
    letterhead.signed_by = LetterSettings.SignedBy.APPROVER
    letterhead.signatory_title = "Information Rights Manager"
    letterhead.save()
    case = log_case(officer, questions=["Q?"], assignee=officer)
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    assert "Alex Example" not in letters.render_letter_html(letter)
    assert letters.check_letter(letter) == []
    approver = factories.UserFactory(
        username="ravi", first_name="Ravi", last_name="Shah", roles=["Reviewer"]
    )

    text = approved_pdf_text(letter, approver)

    assert "Yours sincerely, Ravi Shah Information Rights Manager House of Commons" in text


def test_reuse_paragraph_only_where_information_is_disclosed(officer, reviewer, db):
    ipsa_letter_settings()
    ncnd = log_case(officer, questions=[SEED_000_QUESTION], assignee=officer)
    record_seed_000_decisions(ncnd, officer=officer, reviewer=reviewer)
    ncnd.refresh_from_db()
    disclosed = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    record_seed_001_decisions(disclosed, officer=officer, reviewer=reviewer)
    disclosed.refresh_from_db()

    assert "## Re-use of the information" not in final_response(ncnd).body
    body = final_response(disclosed).body
    assert "## Re-use of the information" in body
    assert LetterSettings.load().reuse_text in body


def test_the_signature_never_stands_alone_on_a_page(officer, letterhead):
    """Whatever the length, the page with the signature also has the letter's last words."""
    case = log_case(officer, questions=["Q?"], assignee=officer)
    letter = workflow.compose_letter(case, actor=officer, kind=Kind.ACKNOWLEDGEMENT)
    base = letter.body
    last_words = "Please quote the reference"
    for extra_lines in range(30, 40):
        filler = "\n\n".join(f"Line {n} of the letter." for n in range(extra_lines))
        head, _, tail = base.rpartition("\n\n")
        letter.body = f"{head}\n\n{filler}\n\n{tail}"

        reader = pdf_reader(letters.render_letter_pdf(letter))

        page = next(p.extract_text() for p in reader.pages if "Yours sincerely" in p.extract_text())
        assert last_words in " ".join(page.split()), extra_lines
