"""The workflow functions: intake, clock rules, impossible moves and races.

Dates are worked by hand from the bank-holiday table in DOMAIN.md 7.3. In March-May 2026
the UK-wide non-working weekdays are 17 Mar (St Patrick's Day, NI), 3 Apr (Good Friday),
6 Apr (Easter Monday, not Scotland) and 4 May (Early May bank holiday).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from foi_cases import workflow
from foi_cases.models import Case, CaseEvent, ClockEvent, Requester, SuspensionPeriod
from foi_cases.workflow import ConcurrentUpdate, InvalidTransition, RequesterDetails
from tests.factories import CaseFactory, QuestionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
Status = Case.Status


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


def log(actor, **overrides) -> Case:
    kwargs = {
        "actor": actor,
        "requester": RequesterDetails(name="Alex Example", email="alex@example.com"),
        "channel": Case.Channel.EMAIL,
        "received_at": at(2026, 3, 2),
        "regime": Case.Regime.FOIA,
        "title": "Panic alarms",
        "request_text": "1. How many?\n2. What cost?",
        "questions": ["How many?", "What cost?"],
    }
    kwargs.update(overrides)
    return workflow.log_request(**kwargs)


def verbs(case: Case) -> list[str]:
    return list(case.events.order_by("pk").values_list("verb", flat=True))


@pytest.fixture
def case(officer):
    """Received Mon 2 Mar 2026, in progress with Olivia: statutory due date Tue 31 Mar 2026."""
    case = CaseFactory(received_at=at(2026, 3, 2), assigned_to=officer, status=Status.IN_PROGRESS)
    assert case.due_on == dt.date(2026, 3, 31)
    return case


# --- Intake ---------------------------------------------------------------------------------


def test_log_request_allocates_references_in_sequence(officer):
    first, second = log(officer), log(officer)
    assert (first.reference, second.reference) == ("FOI-2026-00001", "FOI-2026-00002")
    assert first.questions.count() == 2
    assert verbs(first) == [CaseEvent.Verb.LOGGED]


def test_reference_year_is_the_uk_date_of_receipt(officer):
    # 23:30 UTC on 31 Dec 2025 is 23:30 in London (GMT): still 2025.
    case = log(officer, received_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert case.reference == "FOI-2025-00001"


def test_allocation_skips_a_number_typed_by_hand(officer):
    log(officer, reference="FOI-2026-00001")
    assert log(officer).reference == "FOI-2026-00002"


def test_hand_typed_reference_must_be_unique(officer):
    log(officer, reference="HOC-1")
    with pytest.raises(ValidationError) as error:
        log(officer, reference="HOC-1")
    assert "already in use" in str(error.value)
    assert Case.objects.count() == 1


def test_a_matching_email_makes_a_new_requester_unless_the_existing_one_is_chosen(officer):
    first = log(officer)
    typed = RequesterDetails(name="A. Example", email="ALEX@example.com")
    [suggestion] = workflow.requester_suggestions("ALEX@example.com", user=officer)

    second = log(officer, requester=typed)
    third = log(officer, requester=typed, existing_requester_id=suggestion.pk)

    assert second.requester != first.requester and second.requester.name == "A. Example"
    assert suggestion.name == "Alex Example" and third.requester == first.requester
    assert Requester.objects.count() == 2


def test_a_requester_known_only_from_a_restricted_case_is_never_offered_or_used(
    officer, other_officer
):
    hidden = CaseFactory(restricted=True, assigned_to=other_officer)
    email = hidden.requester.email.upper()

    assert workflow.requester_suggestions(email, user=officer) == []
    with pytest.raises(ValidationError, match="Choose one of the requesters offered"):
        log(
            officer,
            requester=RequesterDetails(name="Someone Else", email=email),
            existing_requester_id=hidden.requester_id,
        )
    case = log(officer, requester=RequesterDetails(name="Someone Else", email=email))
    assert case.requester.name == "Someone Else" and case.requester != hidden.requester


@pytest.mark.parametrize(
    ("received_at", "message"),
    [
        (timezone.now() + dt.timedelta(hours=1), "cannot be in the future"),
        (at(2004, 12, 31), "2005 or later"),
        (dt.datetime(2026, 3, 2, 10), "Give the time"),  # noqa: DTZ001 - naive on purpose
    ],
)
def test_log_request_refuses_impossible_receipt(officer, received_at, message):
    with pytest.raises(ValidationError) as error:
        log(officer, received_at=received_at)
    assert message in str(error.value)
    assert not Case.objects.exists()


def test_log_request_needs_a_question(officer):
    with pytest.raises(ValidationError, match="at least one question"):
        log(officer, questions=["  ", ""])
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("received", "regime", "due"),
    [
        # Weekday; St Patrick's Day (NI only) and Easter skipped for FOIA.
        (at(2026, 3, 16), "FOIA", dt.date(2026, 4, 16)),
        # FOISA counts only Scottish holidays: 17 Mar and Easter Monday are working days.
        (at(2026, 3, 16), "FOISA", dt.date(2026, 4, 14)),
        # Saturday and Sunday receipts fall due with the preceding Friday's.
        (at(2026, 3, 13), "FOIA", dt.date(2026, 4, 15)),
        (at(2026, 3, 14), "FOIA", dt.date(2026, 4, 15)),
        (at(2026, 3, 15), "FOIA", dt.date(2026, 4, 15)),
        # 15 Jun 2026 (Scotland only, by proclamation) is skipped for FOIA too.
        (at(2026, 6, 1), "FOIA", dt.date(2026, 6, 30)),
        (at(2026, 6, 1), "EIR", dt.date(2026, 6, 30)),
    ],
)
def test_log_request_computes_the_statutory_due_date(officer, received, regime, due):
    assert log(officer, received_at=received, regime=regime).due_on == due


# --- Clock events ---------------------------------------------------------------------------


def test_clarification_stops_the_clock_and_its_arrival_restarts_all_20_days(case, officer):
    workflow.request_clarification(case, actor=officer, on=dt.date(2026, 3, 5), note="Which MPs?")
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CLARIFICATION
    assert case.clock_stopped and not case.is_overdue

    workflow.receive_clarification(case, actor=officer, on=dt.date(2026, 4, 10))

    case.refresh_from_db()
    # Restart from Fri 10 Apr: day 1 Mon 13 Apr; Early May bank holiday skipped; day 20 11 May.
    assert case.status == Status.IN_PROGRESS
    assert case.due_on == dt.date(2026, 5, 11)
    assert verbs(case)[-2:] == [
        CaseEvent.Verb.CLARIFICATION_REQUESTED,
        CaseEvent.Verb.CLARIFICATION_RECEIVED,
    ]
    received = case.events.get(verb=CaseEvent.Verb.CLARIFICATION_RECEIVED)
    assert received.actor == officer and received.data["due_on"] == "2026-05-11"
    assert list(case.clock_events.values_list("kind", flat=True)) == [
        ClockEvent.Kind.CLARIFICATION_REQUESTED,
        ClockEvent.Kind.CLARIFICATION_RECEIVED,
    ]


def test_clarification_of_an_unassigned_case_returns_it_to_received(officer):
    case = CaseFactory(received_at=at(2026, 3, 2))
    workflow.request_clarification(case, actor=officer, on=dt.date(2026, 3, 3))
    workflow.receive_clarification(case, actor=officer, on=dt.date(2026, 3, 9))
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    # Restart from Mon 9 Mar: day 1 Tue 10 Mar, 17 Mar and Good Friday skipped: Thu 9 Apr.
    assert case.due_on == dt.date(2026, 4, 9)


def test_clarification_cannot_arrive_before_it_was_asked_for(case, officer):
    workflow.request_clarification(case, actor=officer, on=dt.date(2026, 3, 10))
    with pytest.raises(ValidationError, match="before it was asked for"):
        workflow.receive_clarification(case, actor=officer, on=dt.date(2026, 3, 9))
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CLARIFICATION


def test_fees_notice_pauses_the_clock_until_the_fee_arrives(case, officer):
    workflow.give_fee_notice(case, actor=officer, on=dt.date(2026, 3, 9), amount=Decimal("12.50"))
    case.refresh_from_db()
    assert case.status == Status.AWAITING_FEE and case.clock_stopped

    workflow.receive_fee(case, actor=officer, on=dt.date(2026, 3, 13))

    case.refresh_from_db()
    # Mon 9 to Fri 13 Mar disregarded (5 working days): 31 Mar becomes Thu 9 Apr (Easter).
    assert case.status == Status.IN_PROGRESS
    assert case.due_on == dt.date(2026, 4, 9)
    event = case.events.get(verb=CaseEvent.Verb.FEE_RECEIVED)
    assert event.data["due_on"] == "2026-04-09"
    assert case.events.get(verb=CaseEvent.Verb.FEE_NOTICE_GIVEN).data["amount"] == "12.50"


def test_fees_pause_disregards_both_end_days(case, officer):
    workflow.give_fee_notice(case, actor=officer, on=dt.date(2026, 3, 11), amount=Decimal(5))
    workflow.receive_fee(case, actor=officer, on=dt.date(2026, 3, 12))
    case.refresh_from_db()
    # Wed 11 and Thu 12 Mar both disregarded: two working days later than 31 Mar.
    assert case.due_on == dt.date(2026, 4, 2)


def test_fee_must_be_more_than_nothing(case, officer):
    with pytest.raises(ValidationError, match="more than £0"):
        workflow.give_fee_notice(case, actor=officer, on=dt.date(2026, 3, 9), amount=Decimal(0))
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_public_interest_extension_within_the_limits_has_no_warnings(case, officer):
    warnings = workflow.extend_for_public_interest(
        case,
        actor=officer,
        notice_on=dt.date(2026, 3, 30),
        estimated_on=dt.date(2026, 4, 28),
        exemptions_cited="s31(1)(a), s38(1)(b)",
    )
    case.refresh_from_db()
    assert warnings == []
    assert case.due_on == dt.date(2026, 3, 31)
    assert case.extended_due_on == dt.date(2026, 4, 28)
    assert case.current_due_on == dt.date(2026, 4, 28)
    event = case.events.get(verb=CaseEvent.Verb.PIT_EXTENDED)
    assert event.data["exemptions"] == "s31(1)(a), s38(1)(b)" and event.data["warnings"] == []


def test_public_interest_extension_sent_late_warns(case, officer):
    warnings = workflow.extend_for_public_interest(
        case,
        actor=officer,
        notice_on=dt.date(2026, 4, 1),
        estimated_on=dt.date(2026, 4, 20),
        exemptions_cited="s38",
    )
    assert len(warnings) == 1
    assert "20th working day" in warnings[0] or "after" in warnings[0]
    assert case.events.get(verb=CaseEvent.Verb.PIT_EXTENDED).data["warnings"] == warnings


def test_public_interest_extension_of_more_than_20_working_days_warns(case, officer):
    # 30 Apr is 20 working days after 31 Mar; 1 May is 21.
    assert (
        workflow.extend_for_public_interest(
            case,
            actor=officer,
            notice_on=dt.date(2026, 3, 20),
            estimated_on=dt.date(2026, 4, 30),
            exemptions_cited="s31",
        )
        == []
    )
    second = CaseFactory(received_at=at(2026, 3, 2), assigned_to=officer, status="in_progress")
    warnings = workflow.extend_for_public_interest(
        second,
        actor=officer,
        notice_on=dt.date(2026, 3, 20),
        estimated_on=dt.date(2026, 5, 1),
        exemptions_cited="s31",
    )
    assert len(warnings) == 1 and "20" in warnings[0]


def test_second_public_interest_extension_warns(case, officer):
    workflow.extend_for_public_interest(
        case,
        actor=officer,
        notice_on=dt.date(2026, 3, 20),
        estimated_on=dt.date(2026, 4, 14),
        exemptions_cited="s31",
    )
    warnings = workflow.extend_for_public_interest(
        case,
        actor=officer,
        notice_on=dt.date(2026, 4, 10),
        estimated_on=dt.date(2026, 4, 24),
        exemptions_cited="s31",
    )
    case.refresh_from_db()
    assert any("second" in warning.lower() for warning in warnings)
    assert case.extended_due_on == dt.date(2026, 4, 24)


@pytest.mark.parametrize(("regime", "hint"), [("FOISA", "no public interest"), ("EIR", "reg")])
def test_no_public_interest_extension_under_foisa_or_eir(officer, regime, hint):
    case = CaseFactory(
        received_at=at(2026, 3, 2), regime=regime, assigned_to=officer, status="in_progress"
    )
    with pytest.raises(ValidationError) as error:
        workflow.extend_for_public_interest(
            case,
            actor=officer,
            notice_on=dt.date(2026, 3, 20),
            estimated_on=dt.date(2026, 4, 20),
            exemptions_cited="s30",
        )
    assert hint in str(error.value)
    assert not case.clock_events.exists()
    assert CaseEvent.Verb.PIT_EXTENDED not in verbs(case)


def test_public_interest_extension_needs_the_exemption_and_a_later_estimate(case, officer):
    with pytest.raises(ValidationError, match="qualified exemption"):
        workflow.extend_for_public_interest(
            case,
            actor=officer,
            notice_on=dt.date(2026, 3, 20),
            estimated_on=dt.date(2026, 4, 20),
            exemptions_cited=" ",
        )
    with pytest.raises(ValidationError, match="after the notice"):
        workflow.extend_for_public_interest(
            case,
            actor=officer,
            notice_on=dt.date(2026, 3, 20),
            estimated_on=dt.date(2026, 3, 20),
            exemptions_cited="s38",
        )
    assert not case.clock_events.exists()


def test_dissolution_stops_the_clock(officer):
    """The House of Commons letter of 9 Apr 2010: received 9 Apr, due 15 Jun 2010."""
    case = CaseFactory(received_at=at(2010, 4, 9), status=Status.IN_PROGRESS, assigned_to=officer)
    SuspensionPeriod.objects.create(
        first_day=dt.date(2010, 4, 12),
        last_day=dt.date(2010, 5, 17),
        reason="Dissolution of Parliament",
    )

    assert workflow.recompute_deadline(case, reason="Suspension period added") is True

    case.refresh_from_db()
    assert case.due_on == dt.date(2010, 6, 15)
    event = case.events.get(verb=CaseEvent.Verb.DEADLINE_RECOMPUTED)
    assert event.actor is None
    assert (
        event.data["due_on"] == "2010-06-15" and event.data["reason"] == "Suspension period added"
    )


def test_recompute_writes_nothing_when_the_date_did_not_move(case):
    assert workflow.recompute_deadline(case, reason="No change") is False
    assert CaseEvent.Verb.DEADLINE_RECOMPUTED not in verbs(case)


def test_event_dates_cannot_be_in_the_future_or_before_receipt(case, officer):
    with pytest.raises(ValidationError, match="future"):
        workflow.request_clarification(
            case, actor=officer, on=timezone.localdate() + dt.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="before the request was received"):
        workflow.request_clarification(case, actor=officer, on=dt.date(2026, 3, 1))
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.clock_events.exists()


# --- Impossible moves -----------------------------------------------------------------------

IMPOSSIBLE = [
    (
        Status.IN_PROGRESS,
        lambda case, actor: workflow.receive_clarification(
            case, actor=actor, on=dt.date(2026, 3, 9)
        ),
        "You cannot record a clarification on a case that is in progress.",
    ),
    (
        Status.IN_PROGRESS,
        lambda case, actor: workflow.receive_fee(case, actor=actor, on=dt.date(2026, 3, 9)),
        "You cannot record a fee for a case that is in progress.",
    ),
    (
        Status.RECEIVED,
        lambda case, actor: workflow.give_fee_notice(
            case, actor=actor, on=dt.date(2026, 3, 9), amount=Decimal(10)
        ),
        "You cannot send a fees notice for a case that is received.",
    ),
    (
        Status.AWAITING_CLARIFICATION,
        lambda case, actor: workflow.request_clarification(
            case, actor=actor, on=dt.date(2026, 3, 9)
        ),
        "You cannot ask for clarification on a case that is awaiting clarification.",
    ),
    (
        Status.IN_REVIEW,
        lambda case, actor: workflow.request_clarification(
            case, actor=actor, on=dt.date(2026, 3, 9)
        ),
        "You cannot ask for clarification on a case that is in review.",
    ),
    (
        Status.IN_REVIEW,
        lambda case, actor: workflow.close_case(case, actor=actor, outcome="withdrawn"),
        "You cannot close a case that is in review.",
    ),
    (
        Status.IN_PROGRESS,
        lambda case, actor: workflow.close_case(case, actor=actor, outcome="granted_in_full"),
        "Before a response is sent, a case can only close as withdrawn, lapsed or handled as a "
        "subject access request.",
    ),
    (
        Status.CLOSED,
        lambda case, actor: workflow.close_case(case, actor=actor, outcome="withdrawn"),
        "You cannot close a case that is closed.",
    ),
    (
        Status.RECEIVED,
        lambda case, actor: workflow.extend_for_public_interest(
            case,
            actor=actor,
            notice_on=dt.date(2026, 3, 9),
            estimated_on=dt.date(2026, 4, 9),
            exemptions_cited="s38",
        ),
        "A public interest extension needs a case in progress with an exemption engaged.",
    ),
    (
        Status.CLOSED,
        lambda case, actor: workflow.assign_case(case, actor=actor, assignee=actor),
        "You cannot reassign a case that has been responded to or closed.",
    ),
    (
        Status.IN_REVIEW,
        lambda case, actor: workflow.replace_questions(case, actor=actor, texts=["New"]),
        "Questions can only be changed before the case goes to review.",
    ),
]


@pytest.mark.parametrize(("status", "step", "message"), IMPOSSIBLE)
def test_impossible_moves_are_refused_with_a_message(officer, status, step, message):
    case = CaseFactory(received_at=at(2026, 3, 2), status=status, assigned_to=officer)
    QuestionFactory(case=case, number=1, text="Old")
    before = verbs(case)

    with pytest.raises(InvalidTransition) as error:
        step(case, officer)

    assert error.value.messages == [message]
    case.refresh_from_db()
    assert case.status == status
    assert verbs(case) == before
    assert not case.clock_events.exists()
    assert list(case.questions.values_list("text", flat=True)) == ["Old"]


def test_every_status_change_in_the_table_has_a_message_for_the_impossible_ones():
    for status in Status.values:
        assert status in workflow.ALLOWED_TRANSITIONS
        assert status not in workflow.ALLOWED_TRANSITIONS[status]


# --- Races ------------------------------------------------------------------------------------


def test_second_of_two_simultaneous_moves_gets_concurrent_update(case, officer, manager):
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)

    workflow.request_clarification(first, actor=officer, on=dt.date(2026, 3, 5))
    with pytest.raises(ConcurrentUpdate) as error:
        workflow.give_fee_notice(second, actor=manager, on=dt.date(2026, 3, 5), amount=Decimal(5))

    assert "Someone else changed this case" in error.value.messages[0]
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CLARIFICATION
    assert list(case.clock_events.values_list("kind", flat=True)) == [
        ClockEvent.Kind.CLARIFICATION_REQUESTED
    ]
    assert CaseEvent.Verb.FEE_NOTICE_GIVEN not in verbs(case)


def test_two_closes_at_once_close_once(case, officer, manager):
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)
    workflow.close_case(first, actor=officer, outcome="withdrawn")
    with pytest.raises(ConcurrentUpdate):
        workflow.close_case(second, actor=manager, outcome="lapsed")
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, "withdrawn")
    assert verbs(case).count(CaseEvent.Verb.CLOSED) == 1


# --- Triage steps -------------------------------------------------------------------------


def test_lifting_a_restriction_is_recorded(case, manager):
    workflow.set_restricted(case, actor=manager, restricted=True, reason="Threat named")
    workflow.set_restricted(case, actor=manager, restricted=False, reason="Threat has passed")
    case.refresh_from_db()
    assert not case.restricted
    assert [e.data["restricted"] for e in case.events.filter(verb="restriction_changed")] == [
        True,
        False,
    ]


def test_officer_cannot_lift_a_restriction_when_a_manager_must_approve(case, officer, settings):
    settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL = True
    workflow.set_restricted(case, actor=officer, restricted=True, reason="Threat named")
    with pytest.raises(ValidationError, match="Only a manager"):
        workflow.set_restricted(case, actor=officer, restricted=False, reason="Seems fine")
    case.refresh_from_db()
    assert case.restricted


def test_cost_estimate_counts_only_the_four_activities(case, officer, settings):
    settings.FOI_COST_LIMIT_POUNDS = 600
    workflow.record_cost_estimate(
        case,
        actor=officer,
        determining=Decimal(10),
        locating=Decimal(10),
        retrieving=Decimal(4),
        extracting=Decimal("0.25"),
    )
    estimate = workflow.cost_estimate(case)
    assert estimate.hours == Decimal("24.25") and estimate.cost == Decimal("606.25")
    assert estimate.exceeds_limit and estimate.limit_hours == 24
    with pytest.raises(ValidationError, match="negative"):
        workflow.record_cost_estimate(
            case,
            actor=officer,
            determining=Decimal(-1),
            locating=Decimal(0),
            retrieving=Decimal(0),
            extracting=Decimal(0),
        )


def test_foisa_cost_estimate_uses_15_pounds_and_leaves_out_determining(officer):
    case = CaseFactory(regime="FOISA", assigned_to=officer, status=Status.IN_PROGRESS)
    workflow.record_cost_estimate(
        case,
        actor=officer,
        determining=Decimal(30),
        locating=Decimal(20),
        retrieving=Decimal(10),
        extracting=Decimal(5),
    )
    estimate = workflow.cost_estimate(case)
    # 35 countable hours at £15 = £525, within £600; at £25 with determining it would be £1,625.
    assert (estimate.hours, estimate.cost, estimate.limit) == (35, 525, 600)
    assert not estimate.exceeds_limit
    assert case.events.get(verb=CaseEvent.Verb.COST_ESTIMATED).data["exceeds_limit"] is False
