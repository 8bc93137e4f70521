"""A labelled set of question pairs for the consistency guard, on fictional people only.

Each pair is an earlier question (answered, by one requester) and a current question (by
the same or another requester) with the label a careful officer would give: "contradiction",
"mosaic" or "none". The references to people vary as requests do: full names, titles,
former names, misspellings, "the Member for X", "X's MP", addresses and postcodes; the
negatives include people with similar names who are not on the register and attributes
that are not about security.
"""

from __future__ import annotations

from dataclasses import dataclass

# (id, name, aliases, constituency)
PEOPLE = (
    (1, "Jane Smith", ("Rt Hon Jane Smith MP", "Jane Doe"), "Ashcombe and Wyre"),
    (2, "Robert Okafor", ("Sir Robert Okafor", "Bob Okafor"), "Northfleet East"),
    (3, "Priya Raman", ("Dame Priya Raman",), "Harrowgate Vale"),
    (4, "Thomas Whitlock", ("Tom Whitlock",), "Kelso Moor"),
    (5, "Eleanor Vance", (), "Brindlemoor"),
    (6, "Malcolm Ferris", (), "Tewsbury South"),
)
# (id, person id, kind, name, address, postcode)
PLACES = (
    (
        1,
        1,
        "constituency_office",
        "Ashcombe constituency office",
        "14 Mill Lane, Ashcombe",
        "ZA1 2BC",
    ),
    (2, 1, "home", "Smith home", "3 Orchard Close, Wyre", "ZA2 7QP"),
    (
        3,
        2,
        "constituency_office",
        "Northfleet East office",
        "221 High Street, Northfleet",
        "ZB4 1HS",
    ),
    (4, 3, "home", "Raman home", "9 Kestrel Drive, Harrowgate", "ZC3 9KD"),
    (5, 4, "constituency_office", "Kelso Moor office", "5 Station Road, Kelso", "ZD1 5SR"),
    (6, 5, "home", "Vance home", "77 Beech Avenue, Brindlemoor", "ZE5 5BA"),
)

# How a request may name each person: (text, kind of reference).
NAMED = {
    1: (
        ("Jane Smith MP", "name"),
        ("the Rt Hon Jane Smith", "alias"),
        ("Ms Smith", "title"),
        ("Jane Doe (now Jane Smith)", "former name"),
        ("Jane Smtih", "misspelling"),
        ("the Member for Ashcombe and Wyre", "constituency"),
        ("Ashcombe & Wyre's MP", "constituency"),
        ("the MP for Ashcomb and Wyre", "constituency misspelt"),
    ),
    2: (
        ("Robert Okafor", "name"),
        ("Sir Robert", "title"),
        ("Bob Okafor MP", "alias"),
        ("Robert Okafur", "misspelling"),
        ("the Member of Parliament for Northfleet East", "constituency"),
        ("Mr Okafor", "title"),
    ),
    3: (
        ("Priya Raman", "name"),
        ("Dame Priya", "title"),
        ("Priya Ramen MP", "misspelling"),
        ("Harrowgate Vale's MP", "constituency"),
        ("Mrs Raman", "title"),
    ),
    4: (
        ("Thomas Whitlock", "name"),
        ("Tom Whitlock", "alias"),
        ("Thomas Whitlok", "misspelling"),
        ("the member for Kelso Moor", "constituency"),
        ("Dr Whitlock", "title"),
    ),
    5: (
        ("Eleanor Vance", "name"),
        ("Elenor Vance", "misspelling"),
        ("the Brindlemoor MP", "constituency"),
        ("Ms Vance", "title"),
    ),
    6: (
        ("Malcolm Ferris", "name"),
        ("Malcom Ferris", "misspelling"),
        ("the MP representing Tewsbury South", "constituency"),
    ),
}
# Where each person's place is named in a request: (text, person id).
PLACE_NAMED = (
    ("14 Mill Lane", 1),
    ("the office at postcode ZA1 2BC", 1),
    ("3 Orchard Close, Wyre", 1),
    ("ZA27QP", 1),
    ("221 High St, Northfleet", 2),
    ("ZB4 1HS", 2),
    ("9 Kestrel Drive", 3),
    ("5 Station Rd, Kelso", 4),
    ("77 Beech Avenue", 5),
)
# People who are not on the register, with names like those who are.
LOOKALIKES = (
    ("Janet Smithers", 1),
    ("Jane Smithson", 1),
    ("Robert Okoro", 2),
    ("Priya Ramani", 3),
    ("Thomas Whitlow", 4),
    ("Eleanor Vasquez", 5),
    ("Malcolm Fenwick", 6),
    ("the Member for Ashford", 1),
    ("the MP for Northfield West", 2),
)

SECURITY_ASKS = {
    "panic-room": "whether a panic room has been fitted for {who}",
    "cctv": "the CCTV cameras provided for {who}",
    "alarms": "the alarm system and panic buttons supplied to {who}",
    "protection-officers": "whether {who} has close protection officers",
    "security-costs": "the security costs claimed by {who} last year",
}
UNRELATED_ASKS = (
    "the travel expenses of {who} in 2023",
    "how many staff {who} employs",
    "the opening hours of the surgery held by {who}",
    "the number of written questions tabled by {who}",
    "the stationery budget of {who}",
)


@dataclass(frozen=True)
class Pair:
    earlier: str
    earlier_position: str
    current: str
    current_position: str | None
    same_requester: bool
    label: str
    note: str


def _ask(template: str, who: str) -> str:
    return f"Please tell me {template.format(who=who)}."


def build_pairs() -> list[Pair]:
    pairs: list[Pair] = []
    attributes = list(SECURITY_ASKS)
    for person, names in NAMED.items():
        canonical = names[0][0]
        for index, (who, kind) in enumerate(names):
            attribute = attributes[(person + index) % len(attributes)]
            template = SECURITY_ASKS[attribute]
            # Same person, earlier NCND, now confirmed: a contradiction whatever the name.
            pairs.append(
                Pair(
                    _ask(template, canonical),
                    "ncnd",
                    _ask(template, who),
                    "withheld",
                    False,
                    "contradiction",
                    f"NCND then confirmed; {kind}",
                )
            )
            # Earlier withheld, now disclosed.
            pairs.append(
                Pair(
                    _ask(template, who),
                    "withheld",
                    _ask(template, canonical),
                    "disclosed",
                    False,
                    "contradiction",
                    f"withheld then disclosed; {kind}",
                )
            )
            # Consistent: NCND both times.
            pairs.append(
                Pair(
                    _ask(template, canonical),
                    "ncnd",
                    _ask(template, who),
                    "ncnd",
                    False,
                    "none",
                    f"NCND both times; {kind}",
                )
            )
            # Same person, an unrelated attribute: nothing to say.
            unrelated = UNRELATED_ASKS[(person + index) % len(UNRELATED_ASKS)]
            pairs.append(
                Pair(
                    _ask(template, canonical),
                    "ncnd",
                    _ask(unrelated, who),
                    "disclosed",
                    False,
                    "none",
                    f"unrelated attribute; {kind}",
                )
            )
        # The class position: NCND for one Member, confirmed for another.
        other = names[0][0]
        first = NAMED[(person % len(NAMED)) + 1][0][0]
        pairs.append(
            Pair(
                _ask(SECURITY_ASKS["panic-room"], first),
                "ncnd",
                _ask(SECURITY_ASKS["panic-room"], other),
                "not_held",
                False,
                "contradiction",
                "class NCND, then not held for another Member",
            )
        )
        pairs.append(
            Pair(
                _ask(SECURITY_ASKS["cctv"], first),
                "ncnd",
                _ask(SECURITY_ASKS["cctv"], other),
                "disclosed",
                False,
                "contradiction",
                "class NCND, then disclosed for another Member",
            )
        )
    for who, person in PLACE_NAMED:
        name = NAMED[person][0][0]
        # An address in one request, installation dates in another's: a mosaic.
        pairs.append(
            Pair(
                f"What is the address of the constituency office of {name}?",
                "withheld",
                f"When were security measures installed at {who}?",
                None,
                False,
                "mosaic",
                "address, then installation dates at the address",
            )
        )
        pairs.append(
            Pair(
                f"When was the intruder alarm installed for {name}?",
                "withheld",
                f"Who owns the building at {who}?",
                None,
                False,
                "mosaic",
                "installation dates, then the address",
            )
        )
        # The same requester asking both is one request's business, not a mosaic.
        pairs.append(
            Pair(
                f"What is the address of the constituency office of {name}?",
                "withheld",
                f"When were security measures installed at {who}?",
                None,
                True,
                "none",
                "same requester",
            )
        )
        # An address, then installations for someone else: no mosaic.
        someone_else = NAMED[(person % len(NAMED)) + 1][0][0]
        pairs.append(
            Pair(
                f"What is the office address of {someone_else}?",
                "withheld",
                f"How many visitors came to {who} last year?",
                None,
                False,
                "none",
                "address of one, unrelated question on another's address",
            )
        )
    for names in NAMED.values():
        who = names[0][0]
        pairs.append(
            Pair(
                f"What is the home address of {who}?",
                "withheld",
                f"What security upgrades were fitted at the home of {names[-1][0]}?",
                None,
                False,
                "mosaic",
                "home address, then home security upgrades",
            )
        )
    for lookalike, person in LOOKALIKES:
        who = NAMED[person][0][0]
        for attribute, template in list(SECURITY_ASKS.items())[:3]:
            # Someone not on the register: no subject, so no contradiction and no class.
            pairs.append(
                Pair(
                    _ask(template, who),
                    "ncnd",
                    _ask(template, lookalike),
                    "disclosed",
                    False,
                    "none",
                    f"lookalike {lookalike} ({attribute})",
                )
            )
        pairs.append(
            Pair(
                f"What is the home address of {who}?",
                "withheld",
                f"When was the alarm installed at the office of {lookalike}?",
                None,
                False,
                "none",
                f"lookalike {lookalike}: no mosaic",
            )
        )
    pairs += HARD_CASES
    return pairs


def _hard(current_who: str, label: str, note: str) -> Pair:
    earlier = _ask(SECURITY_ASKS["panic-room"], "Jane Smith MP")
    now = _ask(SECURITY_ASKS["panic-room"], current_who)
    return Pair(earlier, "ncnd", now, "withheld", False, label, note)


# Cases an officer labels by knowing the world, not the words. The guard is expected to get
# four wrong (a nickname not on the register, a street without its number, another Mr
# Smith, a namesake journalist): they are kept so the figures measure its limits too.
HARD_CASES = [
    _hard("Jnae Smtih", "contradiction", "two slips"),
    _hard("the Rt. Hon. Member for Ashcombe & Wyre", "contradiction", "punctuated title"),
    _hard("the constituency office in Ashcombe and Wyre", "contradiction", "office cue"),
    _hard("Ms Smith's family", "contradiction", "possessive after title"),
    Pair(
        _ask(SECURITY_ASKS["cctv"], "Robert Okafor"),
        "ncnd",
        _ask(SECURITY_ASKS["cctv"], "Bobby Okafor"),
        "disclosed",
        False,
        "contradiction",
        "a nickname not on the register",
    ),
    Pair(
        "What is the address of the constituency office of Jane Smith?",
        "withheld",
        "When were security measures installed on Mill Lane, Ashcombe?",
        None,
        False,
        "mosaic",
        "a street without its number",
    ),
    _hard("Mr Smith, the councillor", "none", "another Smith with a title"),
    _hard("Jane Smith, the journalist at the Ashcombe Gazette", "none", "a namesake"),
    _hard("John Smith", "none", "same surname, other first name"),
    _hard("Ms Smithers", "none", "a longer surname with a title"),
]
