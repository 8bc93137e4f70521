from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from foi_cases.intake import (
    looks_like_subject_access,
    normalise_request_text,
    split_questions,
    subject_access_reasons,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

THREE = ["What is the budget?", "How many staff are there?", "Who approves claims?"]


def _listed(markers: list[str]) -> str:
    pairs = zip(markers, THREE, strict=True)
    items = "\n".join(f"{marker} {question}" for marker, question in pairs)
    return f"Dear Sir or Madam,\n\nPlease answer the following:\n\n{items}\n\nYours faithfully,\nJo"


# --- Seeds -----------------------------------------------------------------------------


def test_published_page_keeps_request_and_drops_restated_response():
    text = (SEEDS / "001_2c337ac142043556.txt").read_text(encoding="utf-8")

    questions = split_questions(text)

    assert len(questions) == 5
    assert questions[0] == (
        "What is the annual budget of the Members' Security Support Service for 2019-20?"
    )
    assert questions[4] == "And how many referrals have been made to police?"
    assert not any("This information is held" in question for question in questions)


def test_unnumbered_seed_is_one_question():
    text = (SEEDS / "000_0e3c0c63b778d97c.txt").read_text(encoding="utf-8")

    questions = split_questions(text)

    assert len(questions) == 1
    assert questions[0].startswith("Details of Security Assistance claimed by Jess Phillips")
    assert "\n\n\n" not in questions[0]


# --- Marker styles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "markers",
    [
        ["1.", "2.", "3."],
        ["1)", "2)", "3)"],
        ["(1)", "(2)", "(3)"],
        ["(a)", "(b)", "(c)"],
        ["a)", "b)", "c)"],
        ["a.", "b.", "c."],
        ["A.", "B.", "C."],
        ["Q1", "Q2", "Q3"],
        ["Q1.", "Q2.", "Q3."],
        ["Q1:", "Q2:", "Q3:"],
        ["Question 1", "Question 2", "Question 3"],
        ["Question 1:", "Question 2:", "Question 3:"],
        ["(i)", "(ii)", "(iii)"],
        ["i.", "ii.", "iii."],
        ["I.", "II.", "III."],
        ["-", "-", "-"],
        ["*", "*", "*"],
        ["•", "•", "•"],
        ["–", "–", "–"],
        ["·", "·", "·"],
    ],
)
def test_each_marker_style_splits_into_questions(markers):
    assert split_questions(_listed(markers)) == THREE


def test_marker_on_its_own_line_takes_the_next_line():
    text = "Question 1\nWhat is the budget?\n\nQuestion 2\nHow many staff are there?"

    assert split_questions(text) == THREE[:2]


def test_lettered_list_running_past_h_reads_i_as_a_letter():
    letters = "abcdefghij"
    text = "\n".join(f"({letter}) Item {letter}" for letter in letters)

    assert split_questions(text) == [f"Item {letter}" for letter in letters]


def test_roman_list_reads_v_and_x_as_numerals():
    numerals = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
    text = "\n".join(f"({numeral}) Item {n}" for n, numeral in enumerate(numerals, 1))

    assert split_questions(text) == [f"Item {n}" for n in range(1, 11)]


def test_one_skipped_number_still_splits():
    text = "1. What is the budget?\n2. How many staff are there?\n4. Who approves claims?"

    assert split_questions(text) == THREE


def test_single_numbered_question_opening_the_text_loses_its_marker():
    assert split_questions("\n  1. What is the budget?\n") == ["What is the budget?"]


def test_single_numbered_line_after_prose_is_not_a_list():
    text = "Please send the budget to:\n\n1. Parliament Street"

    assert split_questions(text) == [text]


def test_quarter_is_not_a_question_marker():
    text = "Q1 2019 spending on security was reported late.\nPlease explain why."

    assert split_questions(text) == [
        "Q1 2019 spending on security was reported late.\nPlease explain why."
    ]


def test_initial_in_a_signature_is_not_a_list():
    text = "Please send the security budget for 2019.\n\nA. Smith"

    assert split_questions(text) == ["Please send the security budget for 2019.\n\nA. Smith"]


def test_decimals_and_abbreviations_at_line_start_are_not_markers():
    text = "How much was spent?\n1.5 million was reported.\ni.e. the total\ne.g. panic alarms"

    assert split_questions(text) == [text]


# --- Line endings, whitespace, continuation --------------------------------------------


def test_mixed_crlf_tabs_and_nbsp_are_normalised():
    text = (
        "1.\tWhat\xa0is  the\r\n   budget?\r\n"
        "2. How many staff\rare there?\n"
        "3.\xa0Who approves claims?"
    )

    assert split_questions(text) == THREE


def test_wrapped_and_indented_continuation_lines_join_their_item():
    text = (
        "1. What is the annual budget of the Members' Security\n"
        "Support Service for 2019-20?\n"
        "2. How many people work within\n"
        "   the unit?\n"
        "\n"
        "   Please include contractors.\n"
        "3. And how many referrals have been made to police?"
    )

    assert split_questions(text) == [
        "What is the annual budget of the Members' Security Support Service for 2019-20?",
        "How many people work within the unit?\n\nPlease include contractors.",
        "And how many referrals have been made to police?",
    ]


def test_unindented_paragraph_between_items_stays_with_the_item_before():
    text = "1. What is the budget?\n\nBy budget I mean capital and revenue.\n\n2. Who approves?"

    assert split_questions(text) == [
        "What is the budget?\n\nBy budget I mean capital and revenue.",
        "Who approves?",
    ]


def test_preamble_and_sign_off_are_not_questions():
    text = (
        "Request\n\nDear Sir,\n\nUnder the Freedom of Information Act 2000 please tell me:\n\n"
        "1. What is the budget?\n2. How many staff are there?\n3. Who approves claims?\n"
        "Thank you for your help.\n\nYours faithfully,\n\nJo Bloggs\n07700 900123"
    )

    assert split_questions(text) == THREE


def test_outro_paragraph_after_the_last_item_is_dropped():
    text = (
        "- What is the budget?\n- How many staff are there?\n- Who approves claims?\n\n"
        "I would like to receive the information by e-mail."
    )

    assert split_questions(text) == THREE


def test_sign_off_straight_after_the_last_item_is_dropped():
    text = "1. What is the budget?\n2. How many staff are there?\nKind regards\nJo Bloggs"

    assert split_questions(text) == THREE[:2]


# --- Nesting and restarts --------------------------------------------------------------


def test_lettered_sub_items_stay_inside_their_numbered_item():
    text = (
        "1. What is the budget?\n"
        "2. How many staff are there?\n"
        "3. For each of the last three years, please provide:\n"
        "   (a) the number of alarms fitted; and\n"
        "   (b) their cost.\n"
        "4. Who approves claims?"
    )

    assert split_questions(text) == [
        "What is the budget?",
        "How many staff are there?",
        "For each of the last three years, please provide:\n"
        "(a) the number of alarms fitted; and\n(b) their cost.",
        "Who approves claims?",
    ]


def test_unindented_sub_items_after_a_blank_line_stay_inside_their_item():
    text = (
        "1. What is the budget?\n\n2. Please provide:\n\n(a) the number of alarms\n\n"
        "(b) their cost\n\nThank you"
    )

    assert split_questions(text) == [
        "What is the budget?",
        "Please provide:\n\n(a) the number of alarms\n\n(b) their cost",
    ]


def test_lettered_top_level_keeps_roman_sub_items_inside():
    text = "(a) Please provide:\n  (i) the budget\n  (ii) the spend\n(b) Who approves claims?"

    assert split_questions(text) == [
        "Please provide:\n(i) the budget\n(ii) the spend",
        "Who approves claims?",
    ]


def test_indented_numbered_sub_list_stays_inside_its_item():
    text = "1. Please provide:\n    1. the budget\n    2. the spend\n2. Who approves claims?"

    assert split_questions(text) == [
        "Please provide:\n1. the budget\n2. the spend",
        "Who approves claims?",
    ]


def test_restarted_list_of_different_questions_is_kept():
    """A second list of new questions is a further request, so both lists are kept."""
    text = (
        "About staffing:\n1. How many staff are there?\n2. What grades are they?\n\n"
        "About spending:\n1. What is the budget?\n2. Who approves claims?"
    )

    assert split_questions(text) == [
        "How many staff are there?",
        "What grades are they?",
        "What is the budget?",
        "Who approves claims?",
    ]


def test_restarted_list_restating_questions_with_answers_is_dropped():
    text = (
        "1. What is the budget?\n2. How many staff are there?\n\nResponse\n\n"
        "1. What is the budget? It was £2.2 million.\n2. How many staff are there? Ten."
    )

    assert split_questions(text) == THREE[:2]


def test_bullet_list_repeated_under_a_heading_is_dropped():
    text = (
        "Request\n\n- What is the budget?\n- Who approves?\n\nResponse\n\n- What is the budget?\n"
    )

    assert split_questions(text) == ["What is the budget?", "Who approves?"]


# --- Plain and blank input -------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\r\n", "\t\xa0\n \x00\x07"])
def test_blank_input_gives_no_questions(text):
    assert split_questions(text) == []


def test_unnumbered_text_is_one_stripped_question_with_blank_runs_collapsed():
    text = "\n\n  Please send   the budget.\n\n\n\n\nAnd the\tstaff list.  \n\n"

    assert split_questions(text) == ["Please send the budget.\n\nAnd the staff list."]


@pytest.mark.parametrize(
    "text",
    [
        "1. What is the budget for 2019-20 and how was it spent?\n" * 20_000,
        "".join(f"{n % 900 + 1}. Question number {n} about security?\n" for n in range(22_000)),
        "(" * 1_000_000,
        "1" * 1_000_000,
        "\r\n" * 500_000,
        ("- " + "a" * 60 + "\n\n" + "b " * 40 + "\n") * 6_000,
        "Dear Sir, " + "please provide information about budgets " * 24_000,
    ],
    ids=["same-line", "numbered", "parens", "digits", "crlf", "bullets", "prose"],
)
def test_one_megabyte_of_text_gives_well_formed_result(text):
    questions = split_questions(text)

    assert isinstance(questions, list)
    assert all(isinstance(question, str) and question for question in questions)
    assert bool(questions) == bool(text.strip())


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"ab1iv.)(-•Q \t\n\r\xa0\x00:", "2", "Question ", "Thanks", "\n\n"]),
        max_size=80,
    ).map("".join)
)
def test_any_text_gives_questions_exactly_when_not_blank(text):
    questions = split_questions(text)

    assert all(question and question == question.strip() for question in questions)
    assert bool(questions) == bool(normalise_request_text(text).strip())


# --- Pasted from e-mails and web pages: any indentation, any marker -----------------------

MARKER_STYLES = [
    ["1.", "2.", "3."],
    ["1)", "2)", "3)"],
    ["(1)", "(2)", "(3)"],
    ["(a)", "(b)", "(c)"],
    ["a)", "b)", "c)"],
    ["(i)", "(ii)", "(iii)"],
    ["•", "•", "•"],
    ["-", "-", "-"],
    ["*", "*", "*"],
]
# What pasting leaves before a list item: nothing, spaces, a tab, non-breaking spaces.
LEADS = ["", " ", "  ", "   ", "    ", "\t", "\t ", "\xa0\xa0"]
QUESTIONS = st.lists(
    st.sampled_from(
        [
            "How many parking permits were issued in 2024?",
            "What was spent on agency staff in 2023-24?",
            "Please provide the policy on home working.",
            "How many complaints about noise were received?",
            "Who approved the contract with Acme Ltd?",
        ]
    ),
    min_size=2,
    max_size=3,
    unique=True,
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    questions=QUESTIONS,
    style=st.sampled_from(MARKER_STYLES),
    leads=st.lists(st.sampled_from(LEADS), min_size=3, max_size=3),
    gap=st.sampled_from(["\n", "\r\n", "\n\n"]),
    marker_gap=st.sampled_from([" ", "  ", "\t", "\xa0"]),
)
def test_a_list_pasted_with_any_indentation_splits_into_its_questions(
    questions, style, leads, gap, marker_gap
):
    if style[0] in "•-*":
        # Bullets carry no numbers: only indentation tells a sub-bullet, so keep it even.
        leads = [leads[0]] * len(leads)
    items = gap.join(
        f"{lead}{marker}{marker_gap}{question}"
        for lead, marker, question in zip(leads, style, questions, strict=False)
    )
    text = f"Dear FOI team,{gap}{gap}Please tell me:{gap}{items}{gap}{gap}Kind regards,{gap}Sam"

    assert split_questions(text) == questions


def test_numbered_items_indented_with_a_tab_and_spaces_are_one_list():
    text = (
        "Dear Sir,\n\nPlease provide:\n\n  1) the budget for 2024;\n\t2) the number of "
        "staff;\n   3) the number of complaints.\n\nThanks,\nJo"
    )
    assert split_questions(text) == [
        "the budget for 2024;",
        "the number of staff;",
        "the number of complaints.",
    ]


def test_a_same_style_list_nested_in_an_item_stays_inside_it():
    text = "1. Parking\n   1. permits\n   2. fines\n2. Waste\n   1. bins\n   2. tips"
    assert split_questions(text) == ["Parking\n1. permits\n2. fines", "Waste\n1. bins\n2. tips"]


def test_a_request_quoted_in_an_email_reply_splits():
    text = "On 3 March Jo wrote:\n> Please tell me:\n> 1. How many cars?\n> 2. How many vans?"
    assert split_questions(text) == ["How many cars?", "How many vans?"]


def test_lettered_and_roman_sub_items_from_a_web_page_stay_with_their_question():
    text = (
        "1.\xa0Contracts:\n\t(a) how many were let;\n\t(b) their total value.\n"
        "2.\xa0Staff:\n        (i) headcount;\n        (ii) vacancies."
    )
    assert split_questions(text) == [
        "Contracts:\n(a) how many were let;\n(b) their total value.",
        "Staff:\n(i) headcount;\n(ii) vacancies.",
    ]


def test_a_deeper_bullet_is_a_sub_point_of_the_one_before():
    text = "Please send:\n• the policy\n    • its annexes\n• the budget"
    assert split_questions(text) == ["the policy\n• its annexes", "the budget"]


def test_word_symbol_font_bullets_split():
    text = "I would like:\n\uf0b7\tthe policy on parking\n\uf0b7\tthe number of permits issued"
    assert split_questions(text) == ["the policy on parking", "the number of permits issued"]


# --- Normalisation ---------------------------------------------------------------------


def test_normalise_request_text():
    text = "\ufeffDear\xa0Sir,\r\nline\x00two\x07 \t\r\n\tindented\rold mac   \n\x0c"

    assert normalise_request_text(text) == "Dear Sir,\nlinetwo\n\tindented\nold mac\n"


# --- Subject access --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Please send me a copy of all my personal data.", "copy of all my personal data"),
        ("I am asking for my personal data.", "my personal data"),
        ("I want all the information you hold about me.", "information you hold about me"),
        ("Please send all data held on me by your office.", "data held on me"),
        ("This is a subject access request under UK GDPR.", "subject access request"),
        ("Please treat this as a SAR.", "SAR"),
        ("As the data subject, I ask for a copy.", "As the data subject"),
        ("Please send me a copy of my file.", "copy of my file"),
        ("I would like my HR records.", "my HR records"),
        ("Please provide all emails that mention me by name.", "emails that mention me"),
        (
            "Under the Data Protection Act 2018 I would like to see what was written about me.",
            "Data Protection Act 2018 I would like to see what was written about me",
        ),
        ("Please send documents\ncontaining my name.", "documents containing my name"),
    ],
)
def test_own_data_requests_are_flagged_with_the_phrase(text, reason):
    assert looks_like_subject_access(text)
    assert reason in subject_access_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Please send me the personal data of MPs who claimed security costs.",
        "How much data do you hold on MPs?",
        "Please send me the number of panic alarms fitted in MPs' offices.",
        "How many subject access requests did the House receive in 2023?",
        "Please send me your subject access request policy.",
        "For my records, please confirm when you received this request.",
        "According to my records you have not replied.",
        "Under the Data Protection Act you may redact staff names; please send me the rest.",
        "What information do you hold about the security of Jess Phillips' office?",
        "Please e-mail me copies of correspondence about the Security Support Service.",
        "How many search and rescue (SAR) call-outs involved MPs?",
        "How many MPs visited Hong Kong SAR in 2019?",
    ],
)
def test_ordinary_foi_requests_are_not_flagged(text):
    assert not looks_like_subject_access(text)
    assert subject_access_reasons(text) == []


def test_seeds_are_not_subject_access():
    for name in ("000_0e3c0c63b778d97c.txt", "001_2c337ac142043556.txt"):
        assert not looks_like_subject_access((SEEDS / name).read_text(encoding="utf-8"))


def test_reasons_are_listed_once_in_text_order():
    text = "This is a SAR.\nPlease send my personal data, my personal data and my file."

    assert subject_access_reasons(text) == ["SAR", "my personal data", "my file"]
