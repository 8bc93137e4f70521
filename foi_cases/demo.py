"""The seed documents as demonstration cases, recorded through the real workflow.

Used by `load_demo` (so `make run` shows realistic cases), by the benchmark harness (the
seed-001 final response) and by the tests.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

SEED_001_QUESTIONS = [
    "What is the annual budget of the Members' Security Support Service for 2019-20?",
    "How many people work within the unit?",
    "How many MPs as of today's date have opted into the social media monitoring service?",
    "How many alerts have been sent to MPs regarding threats or abuse on social media since "
    "April 1st 2019?",
    "And how many referrals have been made to police?",
]

SEED_000_QUESTION = (
    "I would like to make a Freedom of Information Request with regards to the summary costs "
    "of installing the panic room in Labour MP Jess Phillips' Constituency Office. "
    "Additionally I request if there are any associated reports or information that "
    "recommended the need for a panic room (or lack of need)."
)


SEED_001_ANSWERS = {
    1: "The annual budget for the MSSS for 2019-20 was £2.2 million.",
    2: "There are 10 Members of staff that work within the MSSS.",
    3: "There are 237 Members who have opted into the social media monitoring service.",
    4: "The social media monitoring service involves forwarding threatening or abusive social "
    "media communications directed at Members to the Police. Whilst it may be the case in "
    "practice that Members are notified, there is no requirement to inform them under the "
    "scheme and so no official record of notifying Members is held by the House.",
    5: "The House considers this information to be sensitive because it provides information "
    "about the effectiveness of the MSSS and the seriousness with which instances of online "
    "threats, harassment and abuse towards Members are treated.",
}

S31_REASONS = (
    "The information you have requested could be highly useful to a person wishing to "
    "circumvent or compromise Members' security arrangements. Disclosure would prejudice the "
    "prevention or detection of crime and the apprehension or prosecution of offenders."
)
S31_SUMMARY = (
    "It is our view that the greater public interest in maintaining the exemption outweighs "
    "the minor public interest in disclosing the information."
)
S38_REASONS = (
    "Any exposed vulnerabilities or failures in our monitoring or security arrangements would "
    "endanger the physical and mental health and the safety of Members, their staff, family "
    "members, constituents or the public at large."
)
S38_SUMMARY = (
    "In this instance, therefore, the House believes that the public interest in exemption on "
    "health and safety concerns outweighs the public interest in disclosure."
)
S38_NCND_REASONS = (
    "Disclosure of the specific information that you have requested, if held, would be likely "
    "to undermine the effectiveness of any security measures recommended by the police, "
    "thereby putting the MP and their staff members at further risk. Section 38(1)(b) of the "
    "FOIA provides that information is exempt if its disclosure would, or would be likely to, "
    "endanger the safety of any individual."
)
S38_NCND_SUMMARY = (
    "In our opinion the public interest in protecting the personal safety of MPs significantly "
    "outweighs the public interest in confirming or denying whether the information is held."
)


def seed_pit(received: dt.date, summary: str, for_disclosure: str, for_maintaining: str):
    from exemptions.validation import FactorData, PitData

    return PitData(
        as_at=received,
        conclusion="maintain",
        summary=summary,
        factors=(
            FactorData(side="disclosure", text=for_disclosure, weight=2),
            FactorData(side="maintain", text=for_maintaining, weight=4),
        ),
    )


def seed_citation(**fields):
    from exemptions.validation import CitationData

    return CitationData(
        harm_interest="The safety of Members and the people around them.",
        harm_mechanism="Figures show how monitoring is prioritised and could be circumvented.",
        harm_evidence="Threat assessments from the parliamentary security services.",
        **fields,
    )


def record_seed_001_decisions(case, *, officer, reviewer) -> None:
    """Seed 001: Q1-3 disclosed, Q4 not held, Q5 withheld under s31(1)(a),(b) and s38(1)(a),(b)."""
    from exemptions.models import Exemption
    from foi_cases import workflow

    questions = {q.number: q for q in case.questions.all()}
    received = case.received_at.date()
    for number in (1, 2, 3):
        workflow.record_answer(
            questions[number],
            actor=officer,
            held_status="held",
            outcome="disclosed",
            answer_text=SEED_001_ANSWERS[number],
        )
    workflow.record_answer(
        questions[4],
        actor=officer,
        held_status="not_held",
        outcome="not_held",
        answer_text=SEED_001_ANSWERS[4],
    )
    workflow.record_answer(
        questions[5],
        actor=officer,
        held_status="held",
        outcome="withheld_in_full",
        answer_text=SEED_001_ANSWERS[5],
    )
    workflow.apply_exemption(
        questions[5],
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s31"),
        data=seed_citation(
            limbs=("s31(1)(a)", "s31(1)(b)"), likelihood="would", reasoning=S31_REASONS
        ),
        pit=seed_pit(
            received,
            S31_SUMMARY,
            "There is a public interest in knowing how many referrals have been made to the "
            "police under the social media monitoring service.",
            "Disclosure would increase the risk of criminal activity against Members.",
        ),
    )
    workflow.apply_exemption(
        questions[5],
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s38"),
        data=seed_citation(
            limbs=("s38(1)(a)", "s38(1)(b)"), likelihood="would", reasoning=S38_REASONS
        ),
        pit=seed_pit(
            received,
            S38_SUMMARY,
            "There is a legitimate interest in knowing the effectiveness of measures in place to "
            "protect the health and safety of elected Members of Parliament.",
            "Disclosure may allow motivated individuals to avoid detection by the social media "
            "monitoring scheme.",
        ),
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)


def record_seed_000_decisions(case, *, officer, reviewer, held: str = "held") -> None:
    """Seed 000: neither confirm nor deny under s38(2), with the test on confirming or denying."""
    from exemptions.models import Exemption
    from foi_cases import workflow

    question = case.questions.get(number=1)
    question = workflow.record_answer(question, actor=officer, held_status="ncnd", outcome="ncnd")
    workflow.record_internal_held_status(question, actor=officer, held=held)
    workflow.apply_exemption(
        question,
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s38"),
        data=seed_citation(
            role="ncnd", limbs=("s38(2)",), likelihood="would_be_likely", reasoning=S38_NCND_REASONS
        ),
        pit=seed_pit(
            case.received_at.date(),
            S38_NCND_SUMMARY,
            "There is a public interest in transparency about the publishing of MPs' expenditure.",
            "There is a strong public interest in protecting MPs and their staff from threats to "
            "their safety.",
        ),
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)


# --- The consistency guard's register: fictional people and places only -----------------------

DEMO_PEOPLE = (
    ("Jane Smith", "Ashcombe and Wyre", "Rt Hon Jane Smith MP\nJane Doe"),
    ("Robert Okafor", "Northfleet East", "Sir Robert Okafor\nBob Okafor"),
    ("Priya Raman", "Harrowgate Vale", "Dame Priya Raman"),
)
DEMO_PLACES = (
    ("Ashcombe constituency office", "constituency_office", "14 Mill Lane, Ashcombe", "ZA1 2BC", 0),
    ("Smith home", "home", "3 Orchard Close, Wyre", "ZA2 7QP", 0),
    ("Northfleet East office", "constituency_office", "221 High Street, Northfleet", "ZB4 1HS", 1),
)


def seed_register() -> None:
    """The security attribute vocabulary and a register of fictional Members (idempotent)."""
    from foi_cases.consistency.ledger import seed_vocabulary
    from foi_cases.models import ProtectedPerson, ProtectedPlace

    seed_vocabulary()
    people = [
        ProtectedPerson.objects.get_or_create(
            name=name, defaults={"constituency": constituency, "aliases": aliases}
        )[0]
        for name, constituency, aliases in DEMO_PEOPLE
    ]
    for name, kind, address, postcode, owner in DEMO_PLACES:
        ProtectedPlace.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "address": address,
                "postcode": postcode,
                "person": people[owner],
            },
        )
