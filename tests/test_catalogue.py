"""Pure tests of the exemption catalogue and the seed reasoning templates (no database)."""

from __future__ import annotations

import re

import pytest

from exemptions.catalogue import (
    CATALOGUE,
    MP_SECURITY_NCND_BUNDLE,
    S23_NCND,
    TEST_TYPES,
    CatalogueEntry,
    Limb,
    by_code,
    for_regime,
)
from exemptions.reasoning_seed import (
    PLACEHOLDERS,
    REASONING_TEMPLATES,
    TEMPLATE_KINDS,
    TOPIC_SLUGS,
    as_dicts,
)

PLACEHOLDER_RE = re.compile(r"\[\[\s*([^\[\]]*?)\s*\]\]")


def entry(code: str) -> CatalogueEntry:
    return by_code()[code]


def absolute_citations(regime: str) -> set[str]:
    """Every citation that needs no public interest test outside Parliament."""
    found: set[str] = set()
    for item in for_regime(regime):
        if item.kind == "absolute":
            found.add(item.section)
        for limb in item.limbs:
            if limb.absolute:
                found.add(limb.code)
    return found


# --- catalogue --------------------------------------------------------------------------------


def test_codes_are_unique_and_by_code_covers_everything() -> None:
    codes = [item.code for item in CATALOGUE]
    assert len(codes) == len(set(codes))
    assert set(by_code()) == set(codes)


def test_every_foia_part_ii_section_present_except_s25() -> None:
    expected = {f"FOIA-s{n}" for n in range(21, 45) if n != 25} | {"FOIA-s22A"}
    part_ii = {item.code for item in for_regime("FOIA") if item.kind != "procedural"}
    assert part_ii == expected
    assert "FOIA-s25" not in by_code()


def test_foia_procedural_grounds_present() -> None:
    for code in ("FOIA-s12", "FOIA-s14(1)", "FOIA-s14(2)", "FOIA-s1(3)", "FOIA-s8"):
        item = entry(code)
        assert item.kind == "procedural"
        assert item.test_type == "procedural"
        assert not item.needs_public_interest_test


def test_foia_absolute_set_matches_s2_3() -> None:
    assert absolute_citations("FOIA") == {
        "s21",
        "s23",
        "s32",
        "s34",
        "s41",
        "s44",
        "s37(1)(a)",
        "s37(1)(aa)",
        "s37(1)(ab)",
        "s40(1)",
        "s40(2)/s40(3A)(a)",
    }
    # s36 is absolute only for information held by a House of Parliament.
    assert [i.code for i in CATALOGUE if i.absolute_for_parliament] == ["FOIA-s36"]


def test_s37_and_s40_qualified_limbs() -> None:
    s37 = entry("FOIA-s37")
    for code in ("s37(1)(ac)", "s37(1)(ad)", "s37(1)(b)"):
        assert not s37.limb_is_absolute(code)
    s40 = entry("FOIA-s40")
    assert s40.limb_is_absolute("s40(1)")
    assert s40.limb_is_absolute("s40(2)/s40(3A)(a)")
    assert not s40.limb_is_absolute("s40(2)/s40(3B)")
    assert not s40.limb_is_absolute("s40(2)/s40(4A)")


def test_s36_absolute_only_for_parliament() -> None:
    s36 = entry("FOIA-s36")
    assert s36.kind == "qualified"
    assert s36.absolute_for_parliament
    assert s36.needs_public_interest_test
    assert not s36.limb_is_absolute("s36(2)(c)")
    assert s36.limb_is_absolute("s36(2)(c)", held_by_parliament=True)
    assert {limb.code for limb in s36.limbs} == {
        "s36(2)(a)",
        "s36(2)(b)(i)",
        "s36(2)(b)(ii)",
        "s36(2)(c)",
    }
    assert "qualified person" in s36.guidance


def test_limb_is_absolute_rejects_unknown_limb() -> None:
    with pytest.raises(KeyError):
        entry("FOIA-s31").limb_is_absolute("s31(9)")


def test_s35_government_only() -> None:
    assert [i.code for i in CATALOGUE if i.government_only] == ["FOIA-s35"]


@pytest.mark.parametrize(
    ("code", "ncnd"),
    [
        ("FOIA-s23", ("s23(5)",)),
        ("FOIA-s24", ("s24(2)",)),
        ("FOIA-s31", ("s31(3)",)),
        ("FOIA-s38", ("s38(2)",)),
        ("FOIA-s40", ("s40(5A)", "s40(5B)")),
        ("FOIA-s43", ("s43(3)",)),
        ("FOIA-s21", ()),
    ],
)
def test_ncnd_provisions(code: str, ncnd: tuple[str, ...]) -> None:
    item = entry(code)
    assert item.ncnd_provisions == ncnd
    assert item.ncnd_provision == (ncnd[-1] if ncnd else "")


def test_mp_security_bundle_provisions_exist() -> None:
    assert MP_SECURITY_NCND_BUNDLE == ("s24(2)", "s31(3)", "s38(2)", "s40(5B)")
    assert S23_NCND == "s23(5)"
    foia_ncnd = {p for item in for_regime("FOIA") for p in item.ncnd_provisions}
    assert set(MP_SECURITY_NCND_BUNDLE) | {S23_NCND} <= foia_ncnd


def test_the_named_member_security_template_cites_the_whole_bundle() -> None:
    named_member = [
        template
        for template in REASONING_TEMPLATES
        if template.kind == "ncnd" and "named Member's security" in template.title
    ]
    assert [template.provisions for template in named_member] == [MP_SECURITY_NCND_BUNDLE]
    for code in ("FOIA-s23", "FOIA-s24", "FOIA-s31", "FOIA-s38", "FOIA-s40", "FOIA-s43"):
        assert entry(code).mp_security_relevant


def test_core_limbs() -> None:
    s31 = {limb.code: limb.label for limb in entry("FOIA-s31").limbs}
    assert s31["s31(1)(a)"] == "the prevention or detection of crime"
    assert "apprehension or prosecution" in s31["s31(1)(b)"]
    assert [limb.code for limb in entry("FOIA-s38").limbs] == ["s38(1)(a)", "s38(1)(b)"]
    assert entry("FOIA-s38").test_type == "endanger"
    assert entry("FOIA-s24").test_type == "required"
    assert entry("FOIA-s23").test_type == "class"


def test_s23_s24_guidance_mentions_mutual_exclusivity() -> None:
    assert "mutually exclusive" in entry("FOIA-s23").guidance
    assert "s23(5)" in entry("FOIA-s24").guidance


def test_eir_exceptions_present_and_qualified() -> None:
    expected = {f"EIR-12(4)({c})" for c in "abcde"} | {f"EIR-12(5)({c})" for c in "abcdefg"}
    expected.add("EIR-13")
    eir = {item.code: item for item in for_regime("EIR")}
    assert set(eir) == expected
    for code, item in eir.items():
        assert item.kind == "qualified", code
        assert item.needs_public_interest_test, code
        if code.startswith("EIR-12(5)"):
            assert item.test_type == "adverse_effect", code
        if code != "EIR-13":
            assert not any(limb.absolute for limb in item.limbs), code
    # reg 13 follows the s40 logic: first condition absolute, other conditions qualified.
    reg13 = eir["EIR-13"]
    assert [limb.absolute for limb in reg13.limbs] == [True, False]
    assert reg13.ncnd_provisions == ("reg 13(5A)",)
    assert eir["EIR-12(5)(a)"].ncnd_provisions == ("reg 12(6)",)
    assert all(
        not item.ncnd_provisions
        for code, item in eir.items()
        if code not in {"EIR-12(5)(a)", "EIR-13"}
    )


def test_foisa_exemptions() -> None:
    foisa = {item.code: item for item in for_regime("FOISA")}
    assert set(foisa) == {f"FOISA-s{n}" for n in range(25, 42)}
    assert "FOISA-s24" not in by_code()
    assert {c for c, i in foisa.items() if i.kind == "absolute"} == {
        "FOISA-s25",
        "FOISA-s26",
        "FOISA-s37",
    }
    assert foisa["FOISA-s36"].limb_is_absolute("s36(2)")
    assert not foisa["FOISA-s36"].limb_is_absolute("s36(1)")
    assert any(limb.absolute for limb in foisa["FOISA-s38"].limbs)
    assert any(limb.absolute is False for limb in foisa["FOISA-s38"].limbs)
    # The FOISA harm test is "prejudice substantially", never the FOIA "prejudice".
    assert all(item.test_type != "prejudice" for item in foisa.values())
    for code in ("FOISA-s28", "FOISA-s30", "FOISA-s32", "FOISA-s33", "FOISA-s35", "FOISA-s40"):
        assert foisa[code].test_type == "prejudice_substantially", code
    # s18 NCND list is unverified in DOMAIN.md and must say so.
    for code in ("FOISA-s28", "FOISA-s35", "FOISA-s38", "FOISA-s41"):
        assert foisa[code].ncnd_provision == "s18"
        assert "(check)" in foisa[code].guidance
    for code in ("FOISA-s25", "FOISA-s26", "FOISA-s36", "FOISA-s37", "FOISA-s40"):
        assert foisa[code].ncnd_provision == ""


def test_entries_are_well_formed() -> None:
    for item in CATALOGUE:
        assert item.test_type in TEST_TYPES
        assert item.short_name and item.section
        assert item.limbs and all(isinstance(limb, Limb) for limb in item.limbs)
        limb_codes = [limb.code for limb in item.limbs]
        assert len(limb_codes) == len(set(limb_codes)), item.code
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", item.guidance.strip()) if s]
        assert 2 <= len(sentences) <= 5, item.code
        assert "{" not in item.guidance and "}" not in item.guidance


def test_guidance_marks_unverified_points() -> None:
    assert "(check)" in entry("FOIA-s12").guidance  # IPSA's cost limit
    assert "(check)" in entry("FOIA-s23").guidance  # s23(1)/s24(1) in the alternative
    assert "£600" in entry("FOIA-s12").guidance and "£450" in entry("FOIA-s12").guidance


def test_entry_validation() -> None:
    with pytest.raises(ValueError):
        CatalogueEntry(
            regime="FOIA",
            code="EIR-x",
            section="x",
            short_name="x",
            kind="qualified",
            test_type="class",
            limbs=(Limb("x", "x"),),
            guidance="x",
        )
    with pytest.raises(ValueError):
        CatalogueEntry(
            regime="FOIA",
            code="FOIA-x",
            section="x",
            short_name="x",
            kind="procedural",
            test_type="class",
            limbs=(Limb("x", "x"),),
            guidance="x",
        )


# --- reasoning templates --------------------------------------------------------------------


def test_templates_use_only_whitelisted_placeholders() -> None:
    for template in REASONING_TEMPLATES:
        names = PLACEHOLDER_RE.findall(template.text)
        assert set(names) <= set(PLACEHOLDERS), (template.title, names)
        # Every "[[" opens a well-formed placeholder (nothing half-written).
        assert template.text.count("[[") == len(names) == template.text.count("]]")


@pytest.mark.parametrize("marker", ["{{", "{%", "{#", "${", "{", "}"])
def test_templates_contain_no_template_code(marker: str) -> None:
    for template in REASONING_TEMPLATES:
        assert marker not in template.text, template.title
        assert marker not in template.title, template.title


def test_templates_reference_catalogue() -> None:
    codes = by_code()
    for template in REASONING_TEMPLATES:
        assert template.exemption_code in codes, template.title
        assert template.kind in TEMPLATE_KINDS
        assert template.topic_slug == "" or template.topic_slug in TOPIC_SLUGS
        regime = codes[template.exemption_code].regime
        citable = {
            p
            for item in for_regime(regime)
            for p in (*item.ncnd_provisions, *(limb.code for limb in item.limbs))
        }
        assert set(template.provisions) <= citable, template.title
        if template.kind == "ncnd":
            ncnd = {p for item in for_regime(regime) for p in item.ncnd_provisions}
            assert template.provisions and set(template.provisions) <= ncnd


def test_template_titles_unique_and_dicts_exported() -> None:
    titles = [template.title for template in REASONING_TEMPLATES]
    assert len(titles) == len(set(titles))
    rows = as_dicts()
    assert len(rows) == len(REASONING_TEMPLATES)
    assert set(rows[0]) == {"exemption_code", "topic_slug", "title", "kind", "text", "provisions"}


def test_required_templates_present() -> None:
    have = {(t.exemption_code, t.topic_slug, t.kind) for t in REASONING_TEMPLATES}
    for topic in (
        "security-assistance-and-expenses",
        "members-security-support-service",
        "police-liaison-operation-bridger",
    ):
        for kind in ("harm", "pit_for_disclosure", "pit_for_maintaining"):
            assert ("FOIA-s31", topic, kind) in have, (topic, kind)
    for kind in ("harm", "pit_for_disclosure", "pit_for_maintaining", "ncnd"):
        assert ("FOIA-s38", "", kind) in have, kind
    provisions = {p for t in REASONING_TEMPLATES for p in t.provisions}
    for p in ("s24(1)", "s24(2)", "s23(5)", "s31(3)", "s38(2)", "s21(1)", "s12(1)", "s14(1)"):
        assert p in provisions, p
    joint = [t for t in REASONING_TEMPLATES if {"s23(5)", "s24(2)"} <= set(t.provisions)]
    assert joint
    s12 = [t for t in REASONING_TEMPLATES if t.exemption_code == "FOIA-s12"]
    assert s12 and all("section 16" in t.text for t in s12)
    assert any(t.exemption_code == "FOIA-s40" and "staff" in t.title for t in REASONING_TEMPLATES)


def test_ncnd_templates_do_not_reveal_holding() -> None:
    for template in REASONING_TEMPLATES:
        if template.kind != "ncnd":
            continue
        assert "whether or not information is held" in template.text, template.title
        lowered = template.text.lower()
        for leak in ("we hold", "we do not hold", "is not held by", "the information held"):
            assert leak not in lowered, (template.title, leak)
