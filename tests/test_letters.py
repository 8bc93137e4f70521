"""Letters: the text syntax, composition of each kind, the s17 check and rendering."""

from __future__ import annotations

import datetime as dt
import socket
from decimal import Decimal

import pytest
from django.utils import timezone

from foi_cases import letters, workflow
from foi_cases.letters.check import decision_problems
from foi_cases.letters.citations import format_provisions, has_subsection, is_ncnd_provision
from foi_cases.letters.render import LETTER_BASE_URL, StaticFileFetcher
from foi_cases.letters.text import plain_text, render_body_html
from foi_cases.models import CaseEvent, Letter, LetterSettings
from tests.letter_helpers import (
    SEED_001_QUESTIONS,
    complete_letter_settings,
    log_case,
    pdf_reader,
    pdf_text,
)

Kind = Letter.Kind
CSS_URL = LETTER_BASE_URL + "static/letters/letter.css"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letterhead(db):
    return complete_letter_settings()


@pytest.fixture
def case(officer, letterhead):
    return log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)


def compose(case, officer, kind) -> Letter:
    return workflow.compose_letter(case, actor=officer, kind=kind)


# --- The text syntax ---------------------------------------------------------------------------


def test_body_syntax_gives_headings_quotes_bullets_and_paragraphs():
    html = render_body_html(
        "Dear Sam,\n\n## Heading\n> 1. A question?\n> continued\n"
        "An answer\nline two\n\n- one\n- two"
    )
    assert "<p>Dear Sam,</p>" in html
    assert "<h2>Heading</h2>" in html
    assert '<blockquote class="question"><p>1. A question?<br>continued</p></blockquote>' in html
    assert "<p>An answer<br>line two</p>" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html


def test_typed_html_is_escaped_and_inert():
    html = render_body_html(
        '<script>alert(1)</script>\n\n<img src="file:///etc/passwd">\n\n## <b>x</b>'
    )
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html


def test_body_normalisation_drops_control_characters_and_trailing_space():
    assert letters.normalise_body("a \r\nb\x00\x07\t \r\n\r\n") == "a\nb"


@pytest.mark.parametrize(
    ("provisions", "expected"),
    [
        (["s31(1)(a)", "s31(1)(b)"], "section 31(1)(a) and (b)"),
        (["s31(1)(a)", "s31(1)(b)", "s38(1)(a)", "s38(1)(b)"],
         "sections 31(1)(a) and (b) and 38(1)(a) and (b)"),
        (["s38(2)"], "section 38(2)"),
        (["s24(2)", "s38(2)", "s40(5B)"], "sections 24(2), 38(2) and 40(5B)"),
        (["31"], "section 31"),
    ],
)  # fmt: skip
def test_provisions_are_cited_as_a_letter_would(provisions, expected):
    assert format_provisions(provisions) == expected


def test_subsection_and_ncnd_provision_recognition():
    assert has_subsection("s31(1)(a)") and has_subsection("40(5B)")
    assert not has_subsection("s31") and not has_subsection("section 38")
    assert is_ncnd_provision("s38(2)") and is_ncnd_provision("s40(5B)")
    assert not is_ncnd_provision("s38(1)(b)")


# --- Composition of the letters that need no decisions ----------------------------------------


def test_acknowledgement_gives_the_date_received_and_the_due_date(case, officer):
    letter = compose(case, officer, Kind.ACKNOWLEDGEMENT)

    letter.refresh_from_db()
    assert case.due_on == dt.date(2019, 10, 29)
    assert "we received on 1 October 2019" in letter.body
    assert "in any event by 29 October 2019" in letter.body
    assert "> 5. And how many referrals have been made to police?" in letter.body
    assert letter.version == 1 and letter.status == Letter.Status.DRAFT
    assert letter.frame["reference"] == case.reference
    assert letter.frame["signatory_name"] == "Alex Example"
    event = case.events.get(verb=CaseEvent.Verb.LETTER_COMPOSED)
    assert event.actor == officer and event.data["letter"] == letter.pk
    assert letters.check_letter(letter) == []


def test_composing_again_makes_a_new_version(case, officer):
    first = compose(case, officer, Kind.ACKNOWLEDGEMENT)
    second = compose(case, officer, Kind.ACKNOWLEDGEMENT)
    assert (first.version, second.version) == (1, 2)


def test_clarification_uses_the_recorded_note_else_a_placeholder_blocks_it(case, officer):
    blank = compose(case, officer, Kind.CLARIFICATION)
    assert "[[" in blank.body
    assert any("double brackets" in problem for problem in letters.check_letter(blank))

    workflow.request_clarification(
        case, actor=officer, on=dt.date(2019, 10, 3), note="Which financial year do you mean?"
    )
    letter = compose(case, officer, Kind.CLARIFICATION)
    assert "Which financial year do you mean?" in letter.body
    assert "section 1(3)" in letter.body and "section 10(6)(b)" in letter.body
    assert letters.check_letter(letter) == []


def test_fees_notice_states_the_fee_and_the_three_months(case, officer):
    workflow.give_fee_notice(case, actor=officer, on=dt.date(2019, 10, 3), amount=Decimal("12.50"))
    letter = compose(case, officer, Kind.FEES_NOTICE)
    assert "a fee of £12.50 is payable" in letter.body
    assert "three months from the date of this notice, 3 October 2019" in letter.body
    assert "section 10(2)" in letter.body


def test_public_interest_extension_names_the_exemption_and_estimated_date(case, officer):
    workflow.extend_for_public_interest(
        case,
        actor=officer,
        notice_on=dt.date(2019, 10, 25),
        estimated_on=dt.date(2019, 11, 26),
        exemptions_cited="sections 31(1)(a) and 38(1)(b)",
    )
    letter = compose(case, officer, Kind.PIT_EXTENSION)
    text = plain_text(letter.body)
    assert "sections 31(1)(a) and 38(1)(b) of the FOIA" in text
    assert "We estimate that we will reach a decision by 26 November 2019" in text
    assert "section 17(2)" in text
    assert "section 50 of the Freedom of Information Act 2000" in text
    assert "Wycliffe House" in text and "0303 123 1113" in text
    assert letters.check_letter(letter) == []


def test_extension_naming_a_section_without_subsection_is_incomplete(case, officer):
    workflow.extend_for_public_interest(
        case,
        actor=officer,
        notice_on=dt.date(2019, 10, 25),
        estimated_on=dt.date(2019, 11, 26),
        exemptions_cited="section 31",
    )
    letter = compose(case, officer, Kind.PIT_EXTENSION)
    assert "The extension names an exemption without its subsection (s17(2))." in (
        letters.check_letter(letter)
    )


def test_missing_internal_review_and_ico_details_are_listed(case, officer, letterhead):
    letterhead.internal_review_text = ""
    letterhead.ico_email = letterhead.ico_telephone = letterhead.ico_address = ""
    letterhead.save()
    workflow.extend_for_public_interest(
        case,
        actor=officer,
        notice_on=dt.date(2019, 10, 25),
        estimated_on=dt.date(2019, 11, 26),
        exemptions_cited="section 38(1)(b)",
    )
    letter = compose(case, officer, Kind.PIT_EXTENSION)
    letter.body = letter.body.replace("section 50", "the Act")

    problems = letters.check_letter(letter)

    assert "There is no internal review procedure in Letter settings (s17(7)(a))." in problems
    assert not any("does not give the internal review procedure" in p for p in problems)
    assert any("section 50 (s17(7)(b))" in p for p in problems)
    assert "There are no Information Commissioner contact details in Letter settings." in problems


def test_internal_review_procedure_edited_out_of_the_letter_is_listed(case, officer):
    letter = compose(case, officer, Kind.INTERNAL_REVIEW)
    letter.kind = Kind.PIT_EXTENSION
    assert (
        "The letter does not give the internal review procedure from Letter settings (s17(7)(a))."
    ) in letters.check_letter(letter)


def test_missing_letterhead_and_signatory_are_listed(case, officer, letterhead):
    letterhead.address = ""
    letterhead.signatory_name = ""
    letterhead.save()
    letter = compose(case, officer, Kind.ACKNOWLEDGEMENT)
    problems = letters.check_letter(letter)
    assert "The letterhead has no authority name or address (Letter settings)." in problems
    assert "The letter has no signatory name or title (Letter settings)." in problems


def test_internal_review_outcome_explains_the_right_to_complain_only(case, officer):
    letter = compose(case, officer, Kind.INTERNAL_REVIEW)
    text = plain_text(letter.body)
    assert "section 50" in text and "icocasework@ico.org.uk" in text
    assert "ask for an internal review" not in text


def test_letter_settings_is_a_single_row(db):
    first = LetterSettings.load()
    LetterSettings(authority_name="Another").save()
    assert LetterSettings.objects.count() == 1 and first.pk == 1
    assert LetterSettings.load().authority_name == "Another"


# --- Rendering ---------------------------------------------------------------------------------


def test_html_has_letterhead_reference_dates_and_signatory(case, officer):
    letter = compose(case, officer, Kind.ACKNOWLEDGEMENT)
    html = letters.render_letter_html(letter)
    assert '<html lang="en-GB">' in html
    assert "Freedom of Information Team" in html and "SW1A 0AA" in html
    assert f'<dd class="reference-value">{case.reference}</dd>' in html
    assert "Alex Example" in html and "Freedom of Information Officer" in html
    assert 'href="/static/letters/letter.css"' in html
    assert "1 October 2019" in html


def test_pdf_is_a4_tagged_with_page_numbers_and_system_fonts(case, officer):
    letter = compose(case, officer, Kind.ACKNOWLEDGEMENT)

    rendered = letters.render_letter_document(letter)

    assert rendered.data.startswith(b"%PDF")
    reader = pdf_reader(rendered.data)
    assert len(reader.pages) == rendered.pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Liberation-Sans" in font for font in fonts), fonts
    text = pdf_text(rendered.data)
    assert f"Page 1 of {rendered.pages}" in text
    assert case.reference in text and "29 October 2019" in text


def test_long_letter_numbers_every_page_and_repeats_the_reference(case, officer):
    letter = compose(case, officer, Kind.ACKNOWLEDGEMENT)
    letter.body += "\n\n" + "\n\n".join(f"Paragraph {n} " + "text " * 60 for n in range(40))

    rendered = letters.render_letter_document(letter)

    text = pdf_text(rendered.data)
    assert rendered.pages >= 3
    assert f"Page {rendered.pages} of {rendered.pages}" in text
    assert f"Our reference: {case.reference}" in text


def test_html_typed_into_the_letter_fetches_nothing_and_still_renders(case, officer):
    """User text with file:// and http:// images neither reads a file nor opens a connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    letter = compose(case, officer, Kind.ACKNOWLEDGEMENT)
    letter.body += (
        '\n\n<img src="file:///etc/passwd">'
        '\n\n<img src="http://127.0.0.1:9/x.png">'
        f'\n\n<img src="http://127.0.0.1:{port}/x.png"><link rel=stylesheet href="/etc/passwd">'
        "\n\n<style>@import url(file:///etc/passwd);</style>"
    )
    fetcher = StaticFileFetcher()

    rendered = letters.render_letter_document(letter, fetcher=fetcher)

    assert fetcher.requested == [CSS_URL] and fetcher.refused == []
    with pytest.raises(BlockingIOError):
        listener.accept()
    listener.close()
    text = pdf_text(rendered.data)
    assert "root:x:0:0" not in text
    assert '<img src="file:///etc/passwd">' in text
    assert "Page 1 of" in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/static/letters/letter.css",
        "data:text/css,body{}",
        "https://letter.invalid/etc/passwd",
        "https://letter.invalid/static/../../../etc/passwd",
        "https://letter.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://letter.invalid/static/letters/../letters/letter.css",
        "https://letter.invalid/static//etc/passwd",
        "https://letter.invalid/static/letters/missing.css",
        "https://letter.invalid/static/js/app.js",
        "https://letter.invalid/static/letters/letter.css?x=1",
        "ftp://letter.invalid/static/letters/letter.css",
    ],
)
def test_fetcher_refuses_anything_but_the_projects_static_files(url):
    fetcher = StaticFileFetcher()
    with pytest.raises(ValueError, match="only the project's own static files"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_letter_stylesheet():
    response = StaticFileFetcher().fetch(CSS_URL)
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_weasyprint_refusals_do_not_stop_the_render(case, officer):
    """A refused resource is logged and skipped; the letter still renders."""
    from weasyprint import HTML

    fetcher = StaticFileFetcher()
    html = '<p>x</p><img src="file:///etc/passwd"><img src="/static/../../etc/passwd">'
    data = HTML(string=html, base_url=LETTER_BASE_URL, url_fetcher=fetcher).write_pdf()
    assert data.startswith(b"%PDF")
    assert fetcher.refused == fetcher.requested
    assert "file:///etc/passwd" in fetcher.refused


# --- Final responses from approved decisions (seeds 000 and 001) ------------------------------

from foi_cases.letters.answers import Answer, Citation, Position, PublicInterest  # noqa: E402
from tests.letter_helpers import (  # noqa: E402
    S31_REASONS,
    S31_SUMMARY,
    S38_NCND_REASONS,
    S38_NCND_SUMMARY,
    S38_SUMMARY,
    SEED_000_QUESTION,
    SEED_001_ANSWERS,
    ipsa_letter_settings,
    record_seed_000_decisions,
    record_seed_001_decisions,
)


@pytest.fixture
def seed_001(officer, reviewer, letterhead):
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    return case


@pytest.fixture
def seed_000(officer, reviewer, db):
    ipsa_letter_settings()
    case = log_case(
        officer,
        questions=[SEED_000_QUESTION],
        title="Details of Security Assistance claimed by Jess Phillips",
        received_at=dt.datetime(2016, 8, 17, 9, 30, tzinfo=dt.UTC),
        assignee=officer,
    )
    record_seed_000_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    return case


def approved_pdf_text(letter: Letter, reviewer) -> tuple[str, letters.RenderedPdf]:
    """Approve through the workflow, then render as the task does."""
    workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    rendered = letters.render_letter_document(Letter.objects.get(pk=letter.pk))
    return pdf_text(rendered.data), rendered


def test_seed_001_final_response_answers_each_question_like_the_house(seed_001, officer):
    letter = compose(seed_001, officer, Kind.FINAL_RESPONSE)
    body = letter.body

    for number, question in enumerate(SEED_001_QUESTIONS, start=1):
        assert f"> {number}. {question}" in body
    assert (
        "This information is held by the House of Commons. The annual budget for the MSSS for "
        "2019-20 was £2.2 million." in body
    )
    assert f"This information is not held by the House of Commons. {SEED_001_ANSWERS[4]}" in body
    assert (
        "Therefore, the House of Commons is withholding this information in accordance with "
        "sections 31(1)(a) and (b) and 38(1)(a) and (b) of the Freedom of Information Act 2000 "
        "(FOIA). These are qualified exemptions and require public interest tests" in body
    )
    assert "## Section 31(1)(a) and (b) – Law enforcement" in body
    assert "## Section 38(1)(a) and (b) – Health and safety" in body
    assert body.count("### The public interest test") == 2
    assert S31_REASONS in body and S31_SUMMARY in body and S38_SUMMARY in body
    assert letter.decisions_hash == workflow.approved_hash(seed_001)
    assert letters.check_letter(letter) == []


def test_seed_001_final_response_pdf_contains_every_required_element(seed_001, officer, reviewer):
    letter = compose(seed_001, officer, Kind.FINAL_RESPONSE)

    text, rendered = approved_pdf_text(letter, reviewer)

    required = [
        # letterhead, reference, dates, signatory
        "House of Commons", "SW1A 0AA", seed_001.reference, "Request received",
        "1 October 2019", "Alex Example", "Freedom of Information Officer",
        # each question restated with its answer
        *(" ".join(q.split()[:6]) for q in SEED_001_QUESTIONS),
        "£2.2 million", "10 Members of staff", "237 Members",
        "This information is not held by the House of Commons",
        # s17(1): held, the exemptions with subsections, and why they apply
        "This information is held by the House of Commons",
        "sections 31(1)(a) and (b) and 38(1)(a) and (b)",
        "Section 31(1)(a) and (b) – Law enforcement",
        "Section 38(1)(a) and (b) – Health and safety",
        "circumvent or compromise Members' security arrangements",
        # s17(3): the public interest reasoning
        "The public interest test", "In favour of disclosure:",
        "In favour of maintaining the exemption:", "greater public interest in maintaining",
        # s17(7): internal review and the Information Commissioner under s50
        "Internal review and your right to complain", "within 40 working days",
        "section 50 of the Freedom of Information Act 2000", "Information Commissioner's Office",
        "Wycliffe House", "Water Lane", "Wilmslow", "SK9 5AF", "icocasework@ico.org.uk",
        "0303 123 1113", "ico.org.uk/make-a-complaint",
        # page numbers
        f"Page 1 of {rendered.pages}", f"Page {rendered.pages} of {rendered.pages}",
    ]  # fmt: skip
    missing = [item for item in required if item not in text]
    assert missing == []
    assert rendered.pages >= 2


def test_seed_000_ncnd_response_pdf_contains_every_required_element(seed_000, officer, reviewer):
    letter = compose(seed_000, officer, Kind.FINAL_RESPONSE)
    assert letters.check_letter(letter) == []

    text, rendered = approved_pdf_text(letter, reviewer)

    required = [
        "Independent Parliamentary Standards Authority", "WC2R 0DW", seed_000.reference,
        "17 August 2016", "panic room",
        "In accordance with section 38(2) of the Freedom of Information Act 2000 (FOIA), IPSA "
        "neither confirms nor denies whether it holds the information you have requested",
        "Section 38(2) – Health and safety", "if held, would be likely to undermine",
        "The public interest in confirming or denying",
        "In favour of confirming or denying whether the information is held:",
        "In favour of neither confirming nor denying:", "significantly outweighs",
        "section 50 of the Freedom of Information Act 2000", "icocasework@ico.org.uk",
        "0303 123 1113", "SK9 5AF", "internal review", f"Page 1 of {rendered.pages}",
    ]  # fmt: skip
    assert [item for item in required if item not in text] == []
    assert "This information is held" not in text and "not held" not in text
    assert S38_NCND_REASONS.split(".")[0] in letter.body and S38_NCND_SUMMARY in letter.body


def test_ncnd_wording_is_byte_identical_whether_or_not_the_information_is_held(seed_000, officer):
    question = seed_000.questions.get()
    held = compose(seed_000, officer, Kind.FINAL_RESPONSE)
    workflow.record_internal_held_status(question, actor=officer, held="not_held")
    not_held = compose(seed_000, officer, Kind.FINAL_RESPONSE)

    assert question.internal_held_status.held == "not_held"
    assert held.body.encode() == not_held.body.encode()
    assert held.frame == not_held.frame
    assert letters.render_letter_html(held) == letters.render_letter_html(not_held)


def test_s17_4_omits_the_reasons_but_still_names_the_exemption(officer, reviewer, letterhead):
    from exemptions.models import Exemption
    from foi_cases.demo import seed_citation, seed_pit

    case = log_case(officer, questions=["Which MPs have panic rooms?"], assignee=officer)
    question = case.questions.get()
    workflow.record_answer(question, actor=officer, held_status="held", outcome="withheld_in_full")
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s38"),
        data=seed_citation(
            limbs=("s38(1)(b)",),
            likelihood="would",
            reasoning="A secret reason naming the MPs concerned.",
            omit_reasons=True,
            omit_reasons_justification="Explaining would identify the MPs.",
        ),
        pit=seed_pit(case.received_at.date(), "A secret balance.", "Transparency.", "Safety."),
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)

    letter = compose(case, officer, Kind.FINAL_RESPONSE)

    assert "section 38(1)(b) of the Freedom of Information Act 2000" in letter.body
    assert "section 17(4) FOIA" in letter.body
    assert "secret" not in letter.body.lower()
    assert letters.check_letter(letter) == []


def _citation(**changes) -> Citation:
    values = {
        "provisions": ("s31(1)(a)",),
        "title": "Law enforcement",
        "qualified": True,
        "reasons": "Because.",
        "pit": PublicInterest(("For.",), ("Against.",), "Maintained."),
        **changes,
    }
    return Citation(**values)


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (Answer(1, "Q?", Position.WITHHELD, citations=(_citation(provisions=("s31",)),)),
         "Question 1: section 31 is named without its subsection"),
        (Answer(1, "Q?", Position.WITHHELD, citations=(_citation(reasons=""),)),
         "Question 1: no reasons are given for section 31(1)(a) and the reasons are not marked "
         "as omitted under s17(4)"),
        (Answer(1, "Q?", Position.WITHHELD, citations=(_citation(pit=None),)),
         "Question 1: section 31(1)(a) is a qualified exemption but the public interest reasons "
         "are missing (s17(3))."),
        (Answer(1, "Q?", Position.NCND, citations=(_citation(provisions=("s31(1)(a)",)),)),
         "Question 1 neither confirms nor denies but cites no NCND provision"),
        (Answer(1, "Q?", Position.WITHHELD, citations=()),
         "Question 1 is refused but names no exemption (s17(1)(b))."),
        (Answer(1, "Q?", None), "Question 1 has no decision recorded."),
        (Answer(1, "Q?", Position.WITHHELD, citations=(_citation(provisions=("s38(1)(b)",)),)),
         "Question 1: the letter text no longer names section 38(1)(b) (s17(1)(b))."),
    ],
)  # fmt: skip
def test_completeness_check_names_each_missing_s17_element(answer, problem):
    problems = decision_problems([answer], "section 31(1)(a) of the foia")
    assert any(p.startswith(problem) for p in problems), problems


def test_complete_decisions_have_no_problems():
    answer = Answer(1, "Q?", Position.WITHHELD, citations=(_citation(),))
    assert decision_problems([answer], "section 31(1)(a) applies") == []
    omitted = _citation(reasons="", pit=None, omit_reasons=True)
    assert decision_problems([Answer(1, "Q?", Position.WITHHELD, citations=(omitted,))],
                                     "section 31(1)(a)") == []  # fmt: skip


def test_final_response_cannot_be_composed_before_decisions_are_approved(case, officer):
    with pytest.raises(workflow.InvalidTransition, match="decisions are approved"):
        compose(case, officer, Kind.FINAL_RESPONSE)


def test_letter_cannot_be_approved_once_its_decisions_change(seed_001, officer, reviewer):
    letter = compose(seed_001, officer, Kind.FINAL_RESPONSE)
    workflow.withdraw_approval(seed_001, actor=officer, reason="New police advice.")

    assert "not approved" in letters.stale_reason(letter)
    with pytest.raises(workflow.InvalidTransition, match="not approved"):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.DRAFT


def test_refused_approval_says_which_decisions_changed_since_composing(seed_001, officer, reviewer):
    letter = compose(seed_001, officer, Kind.FINAL_RESPONSE)
    question = seed_001.questions.get(number=4)
    workflow.record_answer(
        question, actor=officer, held_status="held", outcome="disclosed", answer_text="Found: 3."
    )

    reason = letters.stale_reason(letter)

    assert "not approved" in reason
    assert "question 4: the held status, outcome and answer changed" in reason
    with pytest.raises(workflow.InvalidTransition, match="question 4"):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)


def test_a_clarification_letter_goes_stale_when_a_new_clarification_is_asked(case, officer):
    today = timezone.localdate()
    workflow.request_clarification(case, actor=officer, on=today, note="Which year?")
    letter = compose(case, officer, Kind.CLARIFICATION)
    assert letters.stale_reason(letter) == ""
    workflow.receive_clarification(case, actor=officer, on=today)
    workflow.request_clarification(case, actor=officer, on=today, note="Which office?")

    assert "the clarification request on the case changed" in letters.stale_reason(letter)


def test_an_internal_review_letter_states_no_case_facts_so_never_goes_stale(case, officer):
    letter = compose(case, officer, Kind.INTERNAL_REVIEW)
    workflow.replace_questions(case, actor=officer, texts=["A different question?"])

    assert letter.composed_from == {} and letters.stale_reason(letter) == ""
