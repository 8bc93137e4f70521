"""Whether a letter may be approved: still true to the case (staleness), and complete (s17)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from foi_cases.date_words import long_date
from foi_cases.letters.answers import (
    COST_POSITIONS,
    PROCEDURAL_POSITIONS,
    REFUSALS,
    Answer,
    Position,
    answers_for,
    decisions_approved,
    decisions_as_recorded,
    decisions_hash_for,
)
from foi_cases.letters.citations import (
    REGIME_LAW,
    RegimeLaw,
    has_subsection,
    is_ncnd_provision,
    is_precise,
    join_and,
    law_for,
    names_provision,
)
from foi_cases.letters.parts import latest_clock_event
from foi_cases.letters.text import PLACEHOLDER, SENTENCE_END, nonblank_lines, parse_body, plain_text
from foi_cases.models import Case, ClockEvent, Letter, LetterSettings

Kind = Letter.Kind

# --- Staleness: has the case changed since the letter was composed? ---------------------------

#: The clock event each kind of letter states the details of, and what to call it.
CLOCK_EVENT_FOR = {
    Kind.CLARIFICATION: (ClockEvent.Kind.CLARIFICATION_REQUESTED, "clarification request"),
    Kind.FEES_NOTICE: (ClockEvent.Kind.FEE_NOTICE_GIVEN, "fees notice"),
    Kind.PIT_EXTENSION: (ClockEvent.Kind.PIT_EXTENSION, "public interest extension"),
}
#: The letter quotes the questions; a final response also states each one's decisions.
QUOTES_QUESTIONS = {Kind.ACKNOWLEDGEMENT, Kind.CLARIFICATION}
DECISION_LABELS = {
    "text": "wording",
    "regime": "regime",
    "held_status": "held status",
    "outcome": "outcome",
    "answer_text": "answer",
    "citations": "exemptions or their reasons",
    "aggregate_pit": "combined public interest test",
}


def _as_json(value: dict[str, Any]) -> dict[str, Any]:
    """The value as a JSONField returns it, so a fresh snapshot compares equal to a stored one."""
    stored: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return stored


def composed_from(case: Case, kind: str) -> dict[str, Any]:
    """The facts of the case a letter of this kind states, frozen when it is composed.

    An internal review outcome states none (the reviewer writes the outcome and reasons into
    it), so it has nothing to go stale against and this is empty.
    """
    facts: dict[str, Any] = {}
    if kind == Kind.FINAL_RESPONSE:
        facts["questions"] = {str(q.pop("number")): q for q in decisions_as_recorded(case)}
    elif kind in QUOTES_QUESTIONS:
        facts["questions"] = {
            str(number): {"text": text}
            for number, text in case.questions.order_by("number").values_list("number", "text")
        }
    if kind == Kind.ACKNOWLEDGEMENT:
        facts["due_on"] = case.current_due_on
    if kind in CLOCK_EVENT_FOR:
        event = latest_clock_event(case, CLOCK_EVENT_FOR[Kind(kind)][0])
        facts["clock_event"] = (
            {
                "id": event.pk,
                "on": event.on,
                "estimated_decision_on": event.estimated_decision_on,
                "exemptions_cited": event.exemptions_cited,
                "note": event.note,
            }
            if event
            else None
        )
    return _as_json(facts)


def _question_changes(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    changes = []
    for number in sorted(set(before) | set(now), key=int):
        if number not in now:
            changes.append(f"question {number} was removed")
        elif number not in before:
            changes.append(f"question {number} was added")
        else:
            fields = [
                DECISION_LABELS.get(name, name.replace("_", " "))
                for name in dict.fromkeys([*before[number], *now[number]])
                if before[number].get(name) != now[number].get(name)
            ]
            if fields:
                changes.append(f"question {number}: the {join_and(fields)} changed")
    return changes


def changes_since_composed(letter: Letter) -> list[str]:
    """What the case says now that differs from what the letter was composed from."""
    before = letter.composed_from
    if not before:  # composed before snapshots were kept, or a kind that states no facts
        return []
    now = composed_from(letter.case, letter.kind)
    changes = _question_changes(before.get("questions", {}), now.get("questions", {}))
    if before.get("due_on") != now.get("due_on"):
        due = dt.date.fromisoformat(now["due_on"]) if now.get("due_on") else None
        changes.append(f"the due date is now {long_date(due, 'not set')}")
    if before.get("clock_event") != now.get("clock_event"):
        changes.append(f"the {CLOCK_EVENT_FOR[Kind(letter.kind)][1]} on the case changed")
    return changes


def stale_reason(letter: Letter) -> str:
    """Why this letter can no longer be approved or sent as composed, or "" (not overridable).

    A final response must match the decisions' standing approval; every kind must still state
    what the case says (see composed_from). The reason names what changed.
    """
    changes = changes_since_composed(letter)
    detail = f" ({'; '.join(changes)})" if changes else ""
    if letter.kind == Kind.FINAL_RESPONSE:
        if not decisions_approved(letter.case):
            return (
                "The exemption decisions are not approved. A reviewer must approve them first."
                + (f" Since this letter was composed: {'; '.join(changes)}." if changes else "")
            )
        if changes or letter.decisions_hash != decisions_hash_for(letter.case):
            return (
                f"The decisions changed after this letter was composed{detail}. Compose a new "
                "version so the letter says what was approved."
            )
        return ""
    if changes:
        return (
            f"The case changed after this letter was composed{detail}. Compose a new version so "
            "the letter says what is now true."
        )
    return ""


# --- The completeness check (s17) -------------------------------------------------------------

RIGHTS_KINDS = {Kind.FINAL_RESPONSE, Kind.PIT_EXTENSION, Kind.INTERNAL_REVIEW}


def check_letter(letter: Letter) -> list[str]:
    """Every s17 element (and letterhead detail) the letter lacks, in words an officer can act on.

    Approval is blocked while this list is not empty, unless the reviewer overrides it with a
    recorded reason.
    """
    problems: list[str] = []
    frame = letter.frame
    text = plain_text(letter.body)
    lowered = text.lower()
    s = LetterSettings.load()
    law = law_for(letter.case)
    if not frame.get("authority_name") or not frame.get("address_lines"):
        problems.append("The letterhead has no authority name or address (Letter settings).")
    if frame.get("signed_by") == LetterSettings.SignedBy.APPROVER:
        if not frame.get("signatory_title"):
            problems.append("The letter has no signatory title (Letter settings).")
    elif not frame.get("signatory_name") or not frame.get("signatory_title"):
        problems.append("The letter has no signatory name or title (Letter settings).")
    if examples := example_addresses(frame, letter.body):
        problems.append(
            f"The letter shows an example address ({', '.join(examples)}): put the authority's "
            "real contact details in Letter settings."
        )
    if PLACEHOLDER.search(letter.body):
        problems.append("The letter still has text in [[double brackets]] to replace.")
    problems += [
        f'The letter repeats a sentence: "{sentence}"'
        for sentence in repeated_sentences(letter.body)
    ]
    if letter.kind in RIGHTS_KINDS:
        problems += _rights_problems(letter, s, law, lowered)
    if letter.kind == Kind.FINAL_RESPONSE:
        answers = answers_for(letter.case)
        problems += decision_problems(answers, lowered, law=law)
        if any(a.position in REFUSALS | PROCEDURAL_POSITIONS for a in answers) and (
            f"{law.refusal} of {law.cited}".lower() not in lowered
        ):
            problems.append(
                f"The letter does not say it is a refusal notice under {law.refusal} of "
                f"{law.cited}."
            )
    if letter.kind == Kind.PIT_EXTENSION:
        problems += _extension_problems(letter.case)
    if letter.kind == Kind.ACKNOWLEDGEMENT and not letter.case.current_due_on:
        problems.append("The case has no due date to give in the acknowledgement.")
    return problems


#: Domains reserved for examples (RFC 2606 and RFC 6761): never a real authority's address.
EXAMPLE_DOMAIN = re.compile(
    r"(?<![\w.-])(?:[\w.+-]+@)?(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:example|test|invalid))\b",
    re.IGNORECASE,
)


def example_addresses(frame: dict[str, Any], body: str) -> list[str]:
    """Example e-mail addresses or domains in the letterhead or the text (not the addressee's)."""
    authority = [frame.get("contact_email", ""), *frame.get("address_lines", []), body]
    found = [match.group(0) for text in authority for match in EXAMPLE_DOMAIN.finditer(text or "")]
    return list(dict.fromkeys(found))


#: A sentence this long said twice anywhere is repeated reasoning; shorter stock sentences
#: ("This information is held by the House of Commons.") may recur under different questions.
REPEATED_SENTENCE_WORDS = 12


def repeated_sentences(body: str) -> list[str]:
    """Sentences said twice in one paragraph, or long sentences said twice anywhere."""
    seen: set[str] = set()
    repeated: list[str] = []
    for block in parse_body(body):
        if block.kind not in ("p", "ul"):
            continue
        in_block: set[str] = set()
        for line in block.lines:
            for sentence in SENTENCE_END.split(line):
                key = " ".join(sentence.lower().split())
                if not key:
                    continue
                long = len(key.split()) >= REPEATED_SENTENCE_WORDS
                if key in in_block or (long and key in seen):
                    repeated.append(" ".join(sentence.split()))
                in_block.add(key)
                if long:
                    seen.add(key)
    return list(dict.fromkeys(repeated))


def _rights_problems(letter: Letter, s: LetterSettings, law: RegimeLaw, lowered: str) -> list[str]:
    problems = []
    first_response = letter.kind != Kind.INTERNAL_REVIEW
    if first_response and law.review:
        if law.review not in lowered or "40 working days" not in lowered:
            problems.append(
                f"The letter does not explain the right to ask for a review under {law.review} "
                f"of {law.cited} within 40 working days."
            )
    elif first_response:
        if not s.internal_review_text.strip():
            problems.append("There is no internal review procedure in Letter settings (s17(7)(a)).")
        procedure = _squash(s.internal_review_text)
        if procedure and procedure not in _squash(lowered):
            problems.append(
                "The letter does not give the internal review procedure from Letter settings "
                "(s17(7)(a))."
            )
    if law.short == "FOISA":
        regulator = "Scottish Information Commissioner"
        details = [s.sic_email, s.sic_telephone, *(nonblank_lines(s.sic_address)[-1:])]
    else:
        regulator = "Information Commissioner"
        details = [s.ico_email, s.ico_telephone, *(nonblank_lines(s.ico_address)[-1:])]
    if regulator.lower() not in lowered or _squash(law.appeal) not in _squash(lowered):
        problems.append(
            "The letter does not explain the right to complain to the Information Commissioner "
            "under section 50 (s17(7)(b))."
            if law.short == "FOIA"
            else f"The letter does not explain the right to apply to the {regulator} under "
            f"{law.appeal}."
        )
    if not any(details):
        problems.append(f"There are no {regulator} contact details in Letter settings.")
    elif not all(detail.lower() in lowered for detail in details if detail):
        problems.append(
            f"The letter lacks some of the {regulator}'s contact details (address, e-mail, "
            "telephone)."
        )
    return problems


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def decision_problems(
    answers: Sequence[Answer], lowered: str, *, law: RegimeLaw | None = None
) -> list[str]:
    law = law or REGIME_LAW[Case.Regime.FOIA]
    problems = []
    if not answers:
        problems.append("The case has no questions to answer.")
    for answer in answers:
        q = f"Question {answer.number}"
        if answer.position is None:
            problems.append(f"{q} has no decision recorded.")
            continue
        if answer.position in REFUSALS and not answer.citations:
            problems.append(f"{q} is refused but names no exemption (s17(1)(b)).")
        if answer.position == Position.NCND and not any(
            is_ncnd_provision(p, c.catalogued) for c in answer.citations for p in c.provisions
        ):
            problems.append(
                f"{q} neither confirms nor denies but cites no NCND provision (e.g. s38(2), "
                "s24(2), s31(3), s40(5B))."
            )
        if answer.position in COST_POSITIONS:
            problems += _cost_problems(answer, lowered, law)
        if answer.position in PROCEDURAL_POSITIONS:
            continue  # s17(5): stating the ground is enough
        for citation in answer.citations:
            name = citation.cited_as
            missing = [p for p in citation.provisions if not is_precise(p, citation.catalogued)]
            if missing or not citation.provisions:
                problems.append(
                    f"{q}: section {citation.section or '?'} is named without its subsection "
                    "(e.g. 31(1)(a)) (s17(1)(b))."
                )
            if not citation.omit_reasons and not citation.reasons.strip():
                problems.append(
                    f"{q}: no reasons are given for {name} and the reasons are not marked as "
                    "omitted under s17(4) (s17(1)(c))."
                )
            pit = citation.pit or (
                answer.aggregate_pit if answer.covered_by_aggregate(citation) else None
            )
            if citation.qualified and not citation.omit_reasons and not (pit and pit.has_reasons):
                problems.append(
                    f"{q}: {name} is a qualified exemption but the public interest reasons are "
                    "missing (s17(3))."
                )
            if citation.qualified and pit and not pit.maintained:
                problems.append(
                    f"{q}: the public interest test on {name} favours "
                    + ("confirming or denying" if citation.ncnd else "disclosure")
                    + ", so the exemption cannot be relied on."
                )
            if (
                citation.provisions
                and not missing
                and not all(names_provision(p, lowered) for p in citation.provisions)
            ):
                problems.append(f"{q}: the letter text no longer names {name} (s17(1)(b)).")
    return problems


def _cost_problems(answer: Answer, lowered: str, law: RegimeLaw) -> list[str]:
    """s12: the limit stated, s16 advice given, and never called an absolute exemption."""
    q = f"Question {answer.number}"
    problems = []
    if f"£{settings.FOI_COST_LIMIT_POUNDS}" not in lowered and law.short != "FOISA":
        problems.append(f"{q}: the letter does not give the cost limit (section 12).")
    if answer.position == Position.COST_NCND and not names_provision("s12(2)", lowered):
        problems.append(
            f"{q}: the letter does not cite section 12(2) for not confirming or denying."
        )
    if answer.position == Position.COST_NCND and not (
        answer.answer_text.strip() or any(c.reasons.strip() for c in answer.citations)
    ):
        problems.append(
            f"{q}: explain why establishing whether the information is held would exceed the "
            "cost limit."
        )
    if f"{law.advice} of the {law.act}".lower() not in lowered:
        problems.append(
            f"{q}: the letter gives no advice and assistance under {law.advice} on narrowing "
            "the request."
        )
    if any(
        "absolute exemption" in sentence and re.search(r"\b(?:section|s)\s?12\b", sentence)
        for sentence in SENTENCE_END.split(lowered)
    ):
        problems.append(f"{q}: section 12 is a limit on cost, not an absolute exemption.")
    return problems


def _extension_problems(case: Case) -> list[str]:
    if case.regime != Case.Regime.FOIA:
        # The EIR extend for complexity and volume (reg 7); FOISA has no extension at all.
        return [
            "A public interest extension (FOIA s10(3)) is not available under the "
            f"{law_for(case).act}."
        ]
    event = latest_clock_event(case, ClockEvent.Kind.PIT_EXTENSION)
    if event is None:
        return ["No public interest extension is recorded on the case (s10(3))."]
    problems = []
    cited = re.findall(r"\d+[A-Z]?(?:\(\w+\))*", event.exemptions_cited)
    if not cited or not all(has_subsection(c) for c in cited):
        problems.append("The extension names an exemption without its subsection (s17(2)).")
    if not event.estimated_decision_on:
        problems.append("The extension has no estimated decision date (s17(2)).")
    return problems
