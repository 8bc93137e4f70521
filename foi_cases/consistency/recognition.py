"""Recognising protected people, places and security attributes in a question's text.

Pure: no Django. The register comes in as plain entries (`build_register`), the text as a
string. Matching is token by token after normalisation (accents, case, possessives, "&"):
a token matches its register counterpart when equal, or, for tokens of four letters or
more, one typing slip away (two for eight letters or more), counting a swap of neighbours
as one slip. A short token that merely extends the other ("Janet" for "Jane", "Ramani" for
"Raman") is another name, not a slip; a long one ("Ashcomb" for "Ashcombe") is a slip.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Tokens = tuple[str, ...]

TITLES = frozenset(
    "rt right hon honourable the sir dame dr mr mrs ms miss mx lord lady baroness baron "
    "cllr councillor prof professor rev mp mps".split()
)
PERSON_TITLES = frozenset("sir dame dr mr mrs ms miss mx lord lady baroness prof".split())
FIRST_NAME_TITLES = frozenset("sir dame lord lady".split())
CONSTITUENCY_CUES_BEFORE = frozenset(
    "member members mp mps constituency representing represents seat".split()
)
CONSTITUENCY_CUES_AFTER = frozenset("mp mps member constituency".split())
STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "ln": "lane",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
    "pl": "place",
    "sq": "square",
    "cres": "crescent",
    "gdns": "gardens",
}
PLACE_CUES = {
    "constituency_office": (("constituency", "office"), ("constituency", "offices")),
    "other_office": (("office",), ("offices",)),
    "home": (("home",), ("homes",), ("house",), ("residence",), ("lives",), ("live",)),
    "secure_location": (("secure", "location"),),
}
WORD = re.compile(r"[a-z0-9]+")
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")
POSSESSIVE = re.compile(r"(?<=[a-z])['’]s?\b")


@dataclass(frozen=True)
class PersonEntry:
    id: int
    names: tuple[Tokens, ...]
    surname: str
    first_name: str
    constituency: Tokens


@dataclass(frozen=True)
class PlaceEntry:
    id: int
    person_id: int | None
    kind: str
    name: Tokens
    street: Tokens
    postcode: str


@dataclass(frozen=True)
class AttributeEntry:
    id: int
    phrases: tuple[Tokens, ...]


@dataclass(frozen=True)
class Register:
    people: tuple[PersonEntry, ...]
    places: tuple[PlaceEntry, ...]
    attributes: tuple[AttributeEntry, ...]


@dataclass(frozen=True)
class Recognised:
    people: frozenset[int]
    places: frozenset[int]
    attributes: frozenset[int]


def tokens(text: str) -> Tokens:
    """Lower-case words without accents, possessives or punctuation."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    plain = POSSESSIVE.sub("", plain.replace("&", " and "))
    return tuple(WORD.findall(plain))


def without_titles(words: Tokens) -> Tokens:
    return tuple(w for w in words if w not in TITLES)


def postcode_key(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def slips(a: str, b: str) -> int:
    """Edits from a to b (insert, delete, substitute, swap neighbours): optimal string alignment."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def token_matches(text_word: str, register_word: str) -> bool:
    if text_word == register_word:
        return True
    shorter = min(len(text_word), len(register_word))
    if shorter < 4 or text_word.isdigit() or register_word.isdigit():
        return False
    extends = text_word.startswith(register_word) or register_word.startswith(text_word)
    if extends and shorter < 7:
        return False
    allowed = 2 if shorter >= 8 else 1
    return abs(len(text_word) - len(register_word)) <= allowed and (
        slips(text_word, register_word) <= allowed
    )


def find(words: Tokens, phrase: Tokens) -> list[int]:
    """Where the phrase starts in the words, each word matching as `token_matches` allows."""
    if not phrase:
        return []
    size = len(phrase)
    return [
        i
        for i in range(len(words) - size + 1)
        if all(token_matches(words[i + k], phrase[k]) for k in range(size))
    ]


def street_of(address: str) -> Tokens:
    """The first line of an address, with the usual abbreviations written out."""
    first_line = address.split(",")[0]
    return tuple(STREET_WORDS.get(w, w) for w in tokens(first_line))


def stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def build_register(
    people: Iterable[tuple[int, str, Sequence[str], str]],
    places: Iterable[tuple[int, int | None, str, str, str, str]],
    attributes: Iterable[tuple[int, Sequence[str]]],
) -> Register:
    """Normalise the register once: people (id, name, aliases, constituency), places (id,
    person id, kind, name, address, postcode) and attributes (id, phrases)."""
    person_entries = []
    for pk, name, aliases, constituency in people:
        bare = without_titles(tokens(name))
        names = {bare} | {without_titles(tokens(alias)) for alias in aliases}
        person_entries.append(
            PersonEntry(
                id=pk,
                names=tuple(sorted(n for n in names if n)),
                surname=bare[-1] if bare else "",
                first_name=bare[0] if len(bare) > 1 else "",
                constituency=tokens(constituency),
            )
        )
    place_entries = [
        PlaceEntry(
            id=pk,
            person_id=person_id,
            kind=kind,
            name=tokens(name),
            street=street_of(address),
            postcode=postcode_key(postcode),
        )
        for pk, person_id, kind, name, address, postcode in places
    ]
    attribute_entries = [
        AttributeEntry(
            id=pk, phrases=tuple(tuple(stem(w) for w in tokens(p)) for p in phrases if tokens(p))
        )
        for pk, phrases in attributes
    ]
    return Register(tuple(person_entries), tuple(place_entries), tuple(attribute_entries))


def _constituency_named(words: Tokens, constituency: Tokens) -> bool:
    for start in find(words, constituency):
        before = set(words[max(0, start - 4) : start])
        after = set(words[start + len(constituency) : start + len(constituency) + 2])
        if before & CONSTITUENCY_CUES_BEFORE or after & CONSTITUENCY_CUES_AFTER:
            return True
    return False


def _person_named(words: Tokens, person: PersonEntry) -> bool:
    for name in person.names:
        # A one-word alias is matched exactly: a lone fuzzy word matches too much.
        if len(name) == 1 and name[0] in words:
            return True
        if len(name) > 1 and find(words, name):
            return True
    for i, word in enumerate(words[:-1]):
        following = words[i + 1]
        if word in PERSON_TITLES and person.surname and token_matches(following, person.surname):
            return True
        if (
            word in FIRST_NAME_TITLES
            and person.first_name
            and token_matches(following, person.first_name)
        ):
            return True
    return bool(person.constituency) and _constituency_named(words, person.constituency)


def recognise(text: str, register: Register) -> Recognised:
    """The people, places and attributes the text mentions."""
    words = tokens(text)
    postcodes = {a + b for a, b in POSTCODE.findall(text.upper())}
    people = {p.id for p in register.people if _person_named(words, p)}
    street_words = tuple(STREET_WORDS.get(w, w) for w in words)
    places = set()
    for place in register.places:
        if place.postcode and place.postcode in postcodes:
            places.add(place.id)
        elif len(place.street) > 1 and find(street_words, place.street):
            places.add(place.id)
        elif len(place.name) > 1 and find(words, place.name):
            places.add(place.id)
        elif place.person_id in people and any(
            find(words, cue) for cue in PLACE_CUES.get(place.kind, ())
        ):
            places.add(place.id)
    stems = tuple(stem(w) for w in words)
    attributes = {
        a.id for a in register.attributes if any(find(stems, phrase) for phrase in a.phrases)
    }
    return Recognised(frozenset(people), frozenset(places), frozenset(attributes))
