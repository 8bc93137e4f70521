"""Pure tests of redaction markers and removal of the requester's identity."""

from foi_cases import redaction

JANE = {
    "name": "Jane Smith",
    "email": "jane.smith@example.com",
    "address": "12 Acacia Avenue\nLeeds\nLS1 4AB",
}


def test_marker_names_the_grounds():
    assert redaction.marker("s31(1)(a)") == "[Redacted: s31(1)(a)]"


def test_marker_is_bare_where_naming_the_exemption_would_disclose_information():
    assert redaction.marker("s23(1)", naming_reveals=True) == "[Redacted]"


def test_redact_passage_replaces_every_occurrence_ignoring_case_and_spacing():
    text = "Referrals: 42 to police.\nAgain, 42  TO police."
    result, count = redaction.redact_passage(text, "42 to police", grounds="s31(1)(a)")
    assert count == 2
    assert result == "Referrals: [Redacted: s31(1)(a)].\nAgain, [Redacted: s31(1)(a)]."
    assert "42" not in result


def test_overlapping_spans_merge_and_cite_both_grounds():
    spans = [redaction.Span(1, 4, "s31"), redaction.Span(3, 6, "s38")]
    assert redaction.apply_redactions("abcdefghij", spans) == "a[Redacted: s31; s38]ghij"


def test_a_merged_span_with_a_hidden_ground_names_nothing():
    spans = [redaction.Span(0, 3, "s31"), redaction.Span(2, 5, "s23", naming_reveals=True)]
    assert redaction.apply_redactions("abcdefgh", spans) == "[Redacted]fgh"


def test_content_hash_is_sha256_and_not_the_content():
    digest = redaction.content_hash("secret")
    assert len(digest) == 64 and "secret" not in digest


def test_remove_identity_removes_name_email_and_address_wherever_they_appear():
    text = (
        "Dear Ms Smith,\nJane Smith (jane.smith@example.com) lives at 12 Acacia Avenue, "
        "Leeds LS1 4AB. J. Smith and JANE wrote as jane.smith on the forum; ls1 4ab."
    )
    result = redaction.remove_identity(text, **JANE)
    lowered = result.text.lower()
    for trace in ("smith", "jane", "acacia", "leeds", "ls1", "4ab", "example.com"):
        assert trace not in lowered, trace
    assert result.removed["email"] == 2
    assert result.removed["name"] >= 4
    assert "Dear [name removed]," in result.text


def test_remove_identity_leaves_lower_case_words_that_match_a_first_name():
    text = "Mark Bell asked whether we will mark the date."
    result = redaction.remove_identity(text, name="Mark Bell")
    assert result.text == "[name removed] asked whether we will mark the date."


def test_identity_remaining_detects_a_pasted_back_name():
    assert redaction.identity_remaining("From jane smith", **JANE)
    assert not redaction.identity_remaining("From [name removed]", **JANE)


def test_find_personal_data_warns_of_other_names_emails_and_uk_phone_numbers():
    text = (
        "Call Mark Rowley on 020 7219 3000 or 07700 900123 or +44 (0)20 7946 0958. "
        "Write to press@parliament.uk. Mr Jones agreed. The House of Commons replied."
    )
    found = {(f.kind, f.value) for f in redaction.find_personal_data(text)}
    assert ("name", "Mark Rowley") in found
    assert ("name", "Mr Jones") in found
    assert ("email", "press@parliament.uk") in found
    assert {("phone", "020 7219 3000"), ("phone", "07700 900123")} <= found
    assert ("phone", "+44 (0)20 7946 0958") in found
    assert not any(value == "House of" or "Commons" in value for _, value in found)


def test_find_personal_data_ignores_money_and_years():
    assert redaction.find_personal_data("The budget was £2.2 million in 2019-20.") == []


def test_find_personal_data_ignores_salutations_to_no_one_in_particular():
    text = "Dear Sir or Madam,\nDear FOI team,\nDear Sir,"
    assert redaction.find_personal_data(text) == []
