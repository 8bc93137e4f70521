"""How letters cite the law: each regime's provisions, and a cited provision's wording.

Pure functions of text and of the exemptions catalogue: nothing here queries the database.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from exemptions import catalogue
from foi_cases.models import Case

#: "31(1)(a)": a section number and at least one subsection.
PROVISION_WITH_SUBSECTION = re.compile(r"^(?P<section>\d+[A-Z]?)(?P<rest>(?:\(\w+\))+)$")
#: "s40(2)/s40(3A)(a)", "reg 12(5)(a)", "s38(1)(b) (first condition)": how the catalogue writes
#: a limb. The part after "/" is the provision the first one applies by virtue of.
PROVISION = re.compile(
    r"^(?P<word>regulations?\s+|regs?\s+|sections?\s+|s(?=\d))?"
    r"(?P<number>\d+[A-Z]*)(?P<first>\(\w+\))?(?P<rest>(?:\(\w+\))*)(?P<note>\s+\(.*\))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RegimeLaw:
    """Where each duty a letter mentions sits in one regime's law (DOMAIN 1.9, 1.11, 2.3, 6)."""

    act: str
    short: str
    refusal: str  # the refusal notice
    advice: str  # the duty to give advice and assistance
    review: str  # the statutory review ("": FOIA's internal review is the s45 Code's)
    appeal: str  # the right to apply to the regulator
    ground: str  # what the regime calls a ground for withholding
    time_limit: str  # the 20 working days

    @property
    def cited(self) -> str:
        """The short name as a citation uses it: "the FOIA", "the EIR", but "FOISA"."""
        return self.short if self.short == "FOISA" else f"the {self.short}"


REGIME_LAW: dict[str, RegimeLaw] = {
    Case.Regime.FOIA: RegimeLaw(
        act="Freedom of Information Act 2000",
        short="FOIA",
        refusal="section 17",
        advice="section 16",
        review="",
        appeal="section 50 of the Freedom of Information Act 2000",
        ground="exemption",
        time_limit="section 10(1)",
    ),
    Case.Regime.EIR: RegimeLaw(
        act="Environmental Information Regulations 2004",
        short="EIR",
        refusal="regulation 14",
        advice="regulation 9",
        review="regulation 11",
        appeal="section 50 of the Freedom of Information Act 2000, as applied by regulation 18 "
        "of the Environmental Information Regulations 2004",
        ground="exception",
        time_limit="regulation 5(2)",
    ),
    Case.Regime.FOISA: RegimeLaw(
        act="Freedom of Information (Scotland) Act 2002",
        short="FOISA",
        refusal="section 16",
        advice="section 15",
        review="section 20",
        appeal="section 47 of the Freedom of Information (Scotland) Act 2002",
        ground="exemption",
        time_limit="section 10(1)",
    ),
}


def law_for(case: Case) -> RegimeLaw:
    return REGIME_LAW.get(case.regime, REGIME_LAW[Case.Regime.FOIA])


def act_name(case: Case) -> tuple[str, str]:
    """The Act's full name and its short form, for the case's regime."""
    law = law_for(case)
    return law.act, law.short


@dataclass(frozen=True)
class Provision:
    """One cited provision, parsed: "regulation" 12 "(5)" "(a)"."""

    word: str  # "section" or "regulation"
    number: str
    first: str = ""  # the first bracket, e.g. "(1)"
    rest: str = ""  # the further brackets, e.g. "(a)"
    note: str = ""  # e.g. " (first condition)"
    by_virtue_of: Provision | None = None

    @property
    def stem(self) -> str:
        """What the letter text must mention: "31(1)", "12(5)", "26"."""
        return f"{self.number}{self.first}"

    @property
    def words(self) -> str:
        text = f"{self.word} {self.stem}{self.rest}{self.note}"
        return f"{text} by virtue of {self.by_virtue_of.words}" if self.by_virtue_of else text


def parse_provision(raw: str) -> Provision | None:
    """ "s40(2)/s40(3A)(a)" -> section 40(2) by virtue of section 40(3A)(a); None if unreadable."""
    main, _, virtue = " ".join(raw.split()).partition("/")
    match = PROVISION.match(main.strip())
    if not match:
        return None
    word = "regulation" if (match["word"] or "").lower().startswith("reg") else "section"
    by_virtue_of = parse_provision(virtue) if virtue else None
    if virtue and by_virtue_of is None:
        return None
    return Provision(
        word,
        match["number"],
        match["first"] or "",
        match["rest"],
        match["note"] or "",
        by_virtue_of,
    )


def format_provisions(provisions: Iterable[str]) -> str:
    """["31(1)(a)", "31(1)(b)", "38(1)(a)"] -> "sections 31(1)(a) and (b) and 38(1)(a)".

    A provision applied by virtue of another is cited as the law is written, in full:
    "section 40(2) by virtue of section 40(3A)(a)".
    """
    grouped: dict[tuple[str, str], list[str]] = {}
    whole: list[str] = []
    for raw in provisions:
        provision = parse_provision(raw)
        if provision is None:
            whole.append(raw.strip().removeprefix("section ").removeprefix("s").strip())
            continue
        if provision.by_virtue_of or provision.note:
            whole.append(provision.words)
            continue
        limbs = grouped.setdefault((provision.word, provision.stem), [])
        if provision.rest not in limbs:
            limbs.append(provision.rest)
    phrases = [
        (word, stem + join_and([limb for limb in limbs if limb]))
        for (word, stem), limbs in grouped.items()
    ]
    if not whole:
        words = {word for word, _ in phrases}
        word = words.pop() if len(words) == 1 else "section"
        plural = "s" if len(phrases) > 1 else ""
        return f"{word}{plural} {join_and([phrase for _, phrase in phrases])}"
    texts = [f"{word} {phrase}" for word, phrase in phrases]
    texts += [
        text if text.startswith(("section", "regulation")) else f"section {text}" for text in whole
    ]
    return join_and(texts)


def join_and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def provision_key(provision: str) -> str:
    """One spelling for comparing provisions: "s38(2)" and "section 38(2)" -> "38(2)"."""
    parsed = parse_provision(provision)
    if parsed is None:
        return " ".join(provision.lower().split())
    prefix = "reg " if parsed.word == "regulation" else ""
    text = f"{prefix}{parsed.stem}{parsed.rest}{parsed.note}".lower()
    return f"{text}/{_key_of(parsed.by_virtue_of)}" if parsed.by_virtue_of else text


def _key_of(provision: Provision | None) -> str:
    if provision is None:
        return ""
    prefix = "reg " if provision.word == "regulation" else ""
    return f"{prefix}{provision.stem}{provision.rest}".lower()


@functools.cache
def _catalogue_keys() -> tuple[frozenset[str], frozenset[str]]:
    """Every citable limb, and every provision excluding the duty to confirm or deny."""
    entries = catalogue.CATALOGUE
    limbs = frozenset(provision_key(limb.code) for entry in entries for limb in entry.limbs)
    ncnd = frozenset(
        provision_key(code)
        for entry in entries
        for code in (
            *entry.ncnd_provisions,
            *(limb.code for limb in entry.ncnd_limbs),
        )
    )
    return limbs, ncnd


def has_subsection(provision: str) -> bool:
    return bool(PROVISION_WITH_SUBSECTION.match(provision.strip().removeprefix("s")))


def is_precise(provision: str, catalogued: Iterable[str] = ()) -> bool:
    """Whether a citation names the provision as precisely as s17(1)(b) needs.

    The catalogue decides: a limb or NCND provision listed for the exemption cited (or, when
    that is not known, anywhere in the catalogue), in its own spelling such as
    "s40(2)/s40(3A)(a)" or "reg 12(5)(a)"; otherwise the provision needs a subsection.
    """
    key = provision_key(provision)
    known = {provision_key(code) for code in catalogued} or set().union(*_catalogue_keys())
    return key in known or has_subsection(provision)


def is_ncnd_provision(provision: str, catalogued: Iterable[str] = ()) -> bool:
    """Whether the catalogue (or the exemption's own list) makes this an NCND provision."""
    key = provision_key(provision)
    ncnd = _catalogue_keys()[1] | {provision_key(code) for code in catalogued}
    return any(key == code or key.startswith((code + "(", code + "/")) for code in ncnd)


def names_provision(provision: str, lowered: str) -> bool:
    """Whether the letter text mentions the provision's section and subsection ("31(1)")."""
    parsed = parse_provision(provision)
    stem = parsed.stem if parsed else provision.strip().removeprefix("s")
    return bool(re.search(rf"(?<![\w(]){re.escape(stem.lower())}(?!\w)", lowered))
