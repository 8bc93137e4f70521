"""Finding words and phrases in a review PDF's text layer (no database, no PDF)."""

from foi_cases import record_text as rt

LAYOUT = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title></title></head><body><doc>
<page width="595.0" height="842.0"><flow><block>
  <line><word xMin="60" yMin="70" xMax="100" yMax="82">Call</word>
        <word xMin="104" yMin="70" xMax="130" yMax="82">Jane</word>
        <word xMin="134" yMin="71" xMax="160" yMax="83">Doe,</word>
        <word xMin="164" yMin="70" xMax="200" yMax="82">07700</word>
        <word xMin="204" yMin="70" xMax="250" yMax="82">900123</word></line>
  <line><word xMin="60" yMin="90" xMax="90" yMax="102">jane</word></line>
  <line><word xMin="60" yMin="110" xMax="90" yMax="122">doe</word></line>
</block></flow></page>
<page width="842.0" height="595.0"><flow><block>
  <line><word xMin="10" yMin="20" xMax="50" yMax="32">SW1A</word>
        <word xMin="55" yMin="20" xMax="80" yMax="32">1AA</word>
        <word xMin="90" yMin="20" xMax="200" yMax="32">a&amp;b@example.org</word></line>
</block></flow></page></doc></body></html>"""


def test_pages_lines_and_words_are_read_with_their_boxes():
    pages = rt.parse_bbox_layout(LAYOUT)
    assert [(p.number, p.width, p.height) for p in pages] == [(1, 595, 842), (2, 842, 595)]
    assert [w.text for w in pages[0].lines[0]] == ["Call", "Jane", "Doe,", "07700", "900123"]
    assert pages[1].lines[0][2].text == "a&b@example.org"


def test_a_phrase_matches_across_word_boxes_in_any_case_and_covers_whole_words():
    pages = rt.parse_bbox_layout(LAYOUT)
    matches = rt.find_matches(pages, rt.phrase_pattern("  JANE   doe "))
    assert len(matches) == 1
    match = matches[0]
    assert (match.page, match.text) == (1, "Jane Doe")
    # The union of "Jane" and "Doe," (the comma goes with its word).
    assert match.box == rt.Box(104, 70, 160, 83)
    assert match.context == "Call [Jane Doe], 07700 900123"


def test_a_phrase_split_over_two_lines_is_not_found_and_an_empty_one_is_no_pattern():
    pages = rt.parse_bbox_layout(LAYOUT)
    assert [m.page for m in rt.find_matches(pages, rt.phrase_pattern("jane"))] == [1, 1]
    assert rt.phrase_pattern("   ") is None


def test_presets_find_phone_numbers_postcodes_and_email_addresses_with_their_pages():
    pages = rt.parse_bbox_layout(LAYOUT)
    found = {key: rt.find_matches(pages, regex) for key, (_, regex) in rt.PRESETS.items()}
    assert [(m.page, m.text, m.box) for m in found["phone"]] == [
        (1, "07700 900123", rt.Box(164, 70, 250, 82))
    ]
    assert [(m.page, m.text, m.box) for m in found["postcode"]] == [
        (2, "SW1A 1AA", rt.Box(10, 20, 80, 32))
    ]
    # The pattern stops at "&", but the box covers the whole word it touches.
    assert [(m.page, m.box) for m in found["email"]] == [(2, rt.Box(90, 20, 200, 32))]


def test_regex_special_characters_in_a_phrase_are_literal():
    pages = rt.parse_bbox_layout(LAYOUT)
    assert rt.find_matches(pages, rt.phrase_pattern("J.ne")) == []
    assert rt.find_matches(pages, rt.phrase_pattern("doe,"))[0].box == rt.Box(134, 71, 160, 83)
