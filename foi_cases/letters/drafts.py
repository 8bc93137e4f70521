"""Composing the first draft of each kind of letter from the case as it stands.

The final response is composed in final_response, from the answers `compose` reads once.
"""

from __future__ import annotations

import re

from foi_cases.date_words import long_date
from foi_cases.letters.answers import answers_for, decisions_hash_for
from foi_cases.letters.citations import act_name, law_for
from foi_cases.letters.final_response import compose_final_response
from foi_cases.letters.parts import (
    Composition,
    latest_clock_event,
    received_on,
    rights_section,
    salutation,
)
from foi_cases.letters.text import paragraphs, quoted
from foi_cases.models import Case, ClockEvent, Letter, LetterSettings

Kind = Letter.Kind


def compose(case: Case, kind: str) -> Composition:
    """The first draft of a letter of this kind, from the case as it stands."""
    letter_settings = LetterSettings.load()
    if kind == Kind.FINAL_RESPONSE:
        return compose_final_response(
            case, letter_settings, answers_for(case), decisions_hash=decisions_hash_for(case)
        )
    composer = COMPOSERS[Kind(kind)]
    return composer(case, letter_settings)


def _request_paragraph(case: Case) -> str:
    act, short = act_name(case)
    return (
        f"Thank you for your request for information, which we received on "
        f"{long_date(received_on(case))}. We are dealing with it under the {act} ({short})."
    )


def _questions_quoted(case: Case) -> list[str]:
    return [quoted(f"{q.number}. {q.text}") for q in case.questions.order_by("number")]


def compose_acknowledgement(case: Case, s: LetterSettings) -> Composition:
    law = law_for(case)
    due = long_date(case.current_due_on, "[[date]]")
    return Composition(
        paragraphs(
            salutation(case),
            _request_paragraph(case),
            "You asked for the following information:",
            _questions_quoted(case),
            f"We will respond promptly and in any event by {due}, the twentieth "
            f"working day following the date we received your request ({law.time_limit} "
            f"{law.short}).",
            "If we need more information to identify what you are asking for, or if a fee is "
            "payable, we will write to you; the date by which we must respond may then change.",
            f"Please quote the reference {case.reference} in any correspondence about this "
            "request.",
        )
    )


def compose_clarification(case: Case, s: LetterSettings) -> Composition:
    _, short = act_name(case)
    event = latest_clock_event(case, ClockEvent.Kind.CLARIFICATION_REQUESTED)
    what = (event.note.strip() if event else "") or (
        "[[Say exactly what you need the requester to clarify, and suggest how they might "
        "describe the information (section 16 advice and assistance).]]"
    )
    return Composition(
        paragraphs(
            salutation(case),
            _request_paragraph(case),
            "You asked for the following information:",
            _questions_quoted(case),
            "## What we need from you",
            f"Under section 1(3) of the {short}, we need further information from you in order "
            "to identify and locate the information you have asked for:",
            what,
            "We will not be able to deal with your request until we receive your reply. When we "
            "do, the 20 working days we have to respond will start again from the day we receive "
            f"it (section 10(6)(b) {short}).",
            f"Please quote the reference {case.reference} when you reply.",
        )
    )


def _fee_amount(event: ClockEvent | None) -> str:
    match = re.search(r"£\s?([\d,]+(?:\.\d{2})?)", event.note) if event else None
    return f"£{match.group(1)}" if match else "[[amount]]"


def compose_fees_notice(case: Case, s: LetterSettings) -> Composition:
    _, short = act_name(case)
    event = latest_clock_event(case, ClockEvent.Kind.FEE_NOTICE_GIVEN)
    notice_day = long_date(event.on if event else None, "[[date]]")
    return Composition(
        paragraphs(
            salutation(case),
            _request_paragraph(case),
            "## Fees notice",
            f"Under section 9 of the {short}, a fee of {_fee_amount(event)} is payable before we "
            "can provide the information you have asked for. The fee covers:",
            "- [[Itemise the disbursements, e.g. photocopying and postage.]]",
            f"You have three months from the date of this notice, {notice_day}, to "
            f"pay the fee (section 9(2) {short}). If it is not paid in that time, we are not "
            "obliged to provide the information.",
            "The working days from the day this notice is given to the day we receive the fee "
            f"do not count towards the 20 working days we have to respond (section 10(2) {short}).",
            "[[Explain how to pay, quoting the reference.]]",
        )
    )


def compose_pit_extension(case: Case, s: LetterSettings) -> Composition:
    act, short = act_name(case)
    event = latest_clock_event(case, ClockEvent.Kind.PIT_EXTENSION)
    cited = (event.exemptions_cited if event else "") or "[[the exemptions relied on]]"
    estimate = long_date(event.estimated_decision_on if event else None, "[[date]]")
    return Composition(
        paragraphs(
            salutation(case),
            _request_paragraph(case),
            "## Extension of time to consider the public interest",
            f"We are considering the application of {cited} of the {short} to your request. "
            "These are qualified exemptions: we must decide whether, in all the circumstances of "
            "the case, the public interest in maintaining the exemption outweighs the public "
            "interest in disclosure.",
            "We have not yet reached a decision on the balance of the public interest. Section "
            f"10(3) of the {short} allows us such time as is reasonable in the circumstances to "
            f"do so. We estimate that we will reach a decision by {estimate} (section 17(2) "
            f"{short}), and we will write to you again by then.",
            rights_section(s, law=law_for(case), internal_review=True),
        )
    )


def compose_internal_review(case: Case, s: LetterSettings) -> Composition:
    law = law_for(case)
    if law.short == "EIR":
        opening = (
            f"Thank you for your representations under {law.review} of the {law.act} about our "
            f"response to your request {case.reference}. We have reconsidered our response; "
            "the reconsideration was carried out by someone who was not involved in the "
            "original decision."
        )
    elif law.short == "FOISA":
        opening = (
            f"Thank you for your requirement for review under {law.review} of the {law.act} of "
            f"our response to your request {case.reference}. The review was carried out under "
            "section 21 by someone who was not involved in the original decision."
        )
    else:
        opening = (
            f"Thank you for asking for an internal review of our response to your request "
            f"{case.reference}. The review was carried out by someone who was not involved in "
            "the original decision."
        )
    return Composition(
        paragraphs(
            salutation(case),
            opening,
            "## Outcome of the review",
            "[[State whether the original decision is upheld, upheld in part or overturned.]]",
            "[[Explain the reasons, addressing each point the requester raised.]]",
            rights_section(s, law=law, internal_review=False),
        )
    )


#: The kinds composed from the case alone; the final response is also given the answers.
COMPOSERS = {
    Kind.ACKNOWLEDGEMENT: compose_acknowledgement,
    Kind.CLARIFICATION: compose_clarification,
    Kind.FEES_NOTICE: compose_fees_notice,
    Kind.PIT_EXTENSION: compose_pit_extension,
    Kind.INTERNAL_REVIEW: compose_internal_review,
}
