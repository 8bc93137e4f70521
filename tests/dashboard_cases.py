"""A small, hand-counted set of cases for the dashboard and statistics tests.

Today is Monday 20 April 2026; the period is Q1 2026 (1 January to 31 March). Dates were
counted by hand against the FOIA calendar (UK-wide bank holidays: St Patrick's Day on
Tuesday 17 March, Good Friday 3 April and Easter Monday 6 April 2026).

| case | received | due | what happened | outcome |
|---|---|---|---|---|
| A | Mon 12 Jan | Mon 9 Feb | answered Fri 30 Jan (14 working days) | granted in full |
| B | Mon 2 Feb | Mon 2 Mar | answered Wed 4 Mar, 2 days late (22 days), s31 | part withheld |
| C | Mon 2 Feb | Mon 2 Mar | PIT extension to Mon 30 Mar, answered Wed 25 Mar | withheld in full |
|  |  |  | (36 days, in time), s31 |  |
| D | Mon 2 Feb | Mon 16 Mar | clarified: asked 3 Feb, answer Mon 16 Feb, so | part not held |
|  |  |  | due 16 Mar; answered Fri 13 Mar (19 days) | (granted) |
| E | Mon 2 Feb | Mon 2 Mar | NCND under s38, answered Fri 27 Feb (19 days) | withheld in full |
| F | Mon 2 Mar | Tue 31 Mar | open, in progress: 12 working days late today | not processed |
| G | Mon 23 Mar | Wed 22 Apr | open, restricted, oscar's, 2 working days left | not processed |
| H | Mon 9 Mar | (stopped) | awaiting clarification | on hold |
| I | Mon 2 Feb | Mon 2 Mar | refused under s12, answered Fri 20 Feb (14 days) | procedural s12 |
| J | Mon 2 Feb | Mon 2 Mar | withdrawn | lapsed/withdrawn |
| K | Mon 1 Dec | Wed 31 Dec | 2025, outside the period; open, in review, | (not in period) |
|  | 2025 |  | extended to Wed 28 Jan (18 working days), oscar |  |

A has topic Security, B Costs, G Security. Internal reviews, all requested in Q1: of B (10 March,
decided upheld on 1 April, target 10 April), of C (27 March, open, target 28 April) and of A
(5 February, open, past its target of 5 March and its latest date of 2 April).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from foi_cases.models import Case, ClockEvent, InternalReview, Question
from tests import factories

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 4, 20)
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), LONDON)


def _case(ref: str, officer, received: dt.date, **fields) -> Case:
    values = {
        "reference": ref,
        "title": f"Request {ref}",
        "received_at": at(received),
        "assigned_to": officer,
        "status": Case.Status.RESPONDED,
    }
    values.update(fields)
    return factories.CaseFactory(**values)


def _question(case: Case, number: int, held: str, outcome: str) -> Question:
    return factories.QuestionFactory(
        case=case, number=number, text=f"Question {number}?", held_status=held, outcome=outcome
    )


def build(officer, other_officer) -> dict[str, Case]:
    from tests.factories import ExemptionCitationFactory, _catalogue

    security = factories.TopicFactory(name="Security", slug="security")
    costs = factories.TopicFactory(name="Costs", slug="costs")
    d = dt.date
    cases: dict[str, Case] = {}

    cases["A"] = a = _case(
        "A",
        officer,
        d(2026, 1, 12),
        due_on=d(2026, 2, 9),
        responded_at=at(d(2026, 1, 30), 15),
        topics=[security],
    )
    _question(a, 1, Question.Held.HELD, Question.Outcome.DISCLOSED)

    cases["B"] = b = _case(
        "B",
        officer,
        d(2026, 2, 2),
        due_on=d(2026, 3, 2),
        responded_at=at(d(2026, 3, 4), 16),
        topics=[costs],
    )
    q = _question(b, 1, Question.Held.HELD, Question.Outcome.WITHHELD_IN_PART)
    ExemptionCitationFactory(question=q, created_by=officer)
    InternalReview.objects.create(
        case=b,
        requested_on=d(2026, 3, 10),
        target_due_on=d(2026, 4, 10),
        due_on=d(2026, 5, 11),
        outcome=InternalReview.Outcome.UPHELD,
        decided_at=at(d(2026, 4, 1)),
        created_by=officer,
    )

    cases["C"] = c = _case(
        "C",
        officer,
        d(2026, 2, 2),
        due_on=d(2026, 3, 2),
        extended_due_on=d(2026, 3, 30),
        responded_at=at(d(2026, 3, 25)),
    )
    q = _question(c, 1, Question.Held.HELD, Question.Outcome.WITHHELD_IN_FULL)
    ExemptionCitationFactory(question=q, created_by=officer)
    ClockEvent.objects.create(
        case=c,
        kind=ClockEvent.Kind.PIT_EXTENSION,
        on=d(2026, 2, 20),
        estimated_decision_on=d(2026, 3, 30),
        exemptions_cited="s31",
    )

    InternalReview.objects.create(
        case=c,
        requested_on=d(2026, 3, 27),
        target_due_on=d(2026, 4, 28),
        due_on=d(2026, 5, 27),
        created_by=officer,
    )
    InternalReview.objects.create(
        case=a,
        requested_on=d(2026, 2, 5),
        target_due_on=d(2026, 3, 5),
        due_on=d(2026, 4, 2),
        created_by=officer,
    )

    cases["D"] = dd = _case(
        "D", officer, d(2026, 2, 2), due_on=d(2026, 3, 16), responded_at=at(d(2026, 3, 13))
    )
    kinds = ClockEvent.Kind
    ClockEvent.objects.create(case=dd, kind=kinds.CLARIFICATION_REQUESTED, on=d(2026, 2, 3))
    ClockEvent.objects.create(case=dd, kind=kinds.CLARIFICATION_RECEIVED, on=d(2026, 2, 16))
    _question(dd, 1, Question.Held.NOT_HELD, Question.Outcome.NOT_HELD)
    _question(dd, 2, Question.Held.HELD, Question.Outcome.DISCLOSED)

    cases["E"] = e = _case(
        "E", officer, d(2026, 2, 2), due_on=d(2026, 3, 2), responded_at=at(d(2026, 2, 27))
    )
    q = _question(e, 1, Question.Held.NCND, Question.Outcome.WITHHELD_IN_FULL)
    ExemptionCitationFactory(
        question=q,
        exemption=_catalogue("FOIA-s38"),
        role="ncnd",
        limbs=["s38(2)"],
        provision="s38(2)",
        created_by=officer,
    )

    cases["F"] = _case(
        "F", officer, d(2026, 3, 2), due_on=d(2026, 3, 31), status=Case.Status.IN_PROGRESS
    )
    cases["G"] = _case(
        "G",
        other_officer,
        d(2026, 3, 23),
        due_on=d(2026, 4, 22),
        status=Case.Status.IN_PROGRESS,
        restricted=True,
        topics=[security],
    )
    cases["H"] = _case(
        "H", officer, d(2026, 3, 9), due_on=None, status=Case.Status.AWAITING_CLARIFICATION
    )

    cases["I"] = i = _case(
        "I", officer, d(2026, 2, 2), due_on=d(2026, 3, 2), responded_at=at(d(2026, 2, 20))
    )
    q = _question(i, 1, Question.Held.HELD, Question.Outcome.PROCEDURAL)
    ExemptionCitationFactory(
        question=q,
        exemption=_catalogue("FOIA-s12"),
        role="procedural",
        limbs=["s12(1)"],
        provision="s12(1)",
        created_by=officer,
    )

    cases["J"] = _case(
        "J",
        officer,
        d(2026, 2, 2),
        due_on=d(2026, 3, 2),
        status=Case.Status.CLOSED,
        outcome=Case.Outcome.WITHDRAWN,
    )
    cases["K"] = _case(
        "K",
        other_officer,
        d(2025, 12, 1),
        due_on=d(2025, 12, 31),
        extended_due_on=d(2026, 1, 28),
        status=Case.Status.IN_REVIEW,
    )
    return cases
