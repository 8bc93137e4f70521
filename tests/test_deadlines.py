"""Deadline arithmetic, with dates worked by hand against DOMAIN.md sections 1 and 7.3.

All but the tests marked django_db run without a database: the calendars come from
`build_calendar`, which reads only the bundled library data.
"""

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from foi_cases import deadlines
from foi_cases.bank_holidays import build_calendar, bump_calendar_version
from foi_cases.deadlines import (
    Deadline,
    WorkingCalendar,
    compute_deadline,
    due_soon_limits,
    receipt_date,
    review_due_dates,
)
from foi_cases.working_days import add_working_days, working_days_late

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def uk() -> WorkingCalendar:
    """FOIA and EIR: bank holidays in any part of the UK."""
    return build_calendar("FOIA")


@pytest.fixture(scope="module")
def scot() -> WorkingCalendar:
    """FOISA: Scottish bank holidays only."""
    return build_calendar("FOISA")


def foia(uk: WorkingCalendar, received: date | datetime, **kwargs: Any) -> Deadline:
    return compute_deadline(received=received, regime="FOIA", calendar=uk, **kwargs)


# The pure stepping function


def test_add_working_days_counts_from_day_zero() -> None:
    # Wed 4 Feb 2026: four plain weeks later, nothing to skip.
    assert add_working_days(date(2026, 2, 4), 20, ()) == date(2026, 3, 4)
    assert add_working_days(date(2026, 2, 4), 1, ()) == date(2026, 2, 5)
    assert add_working_days(date(2026, 2, 4), 0, ()) == date(2026, 2, 4)


def test_add_working_days_skips_weekends_and_given_days() -> None:
    # Fri 6 Feb 2026: day 1 is Mon 9 Feb, or Tue 10 Feb when the 9th is not a working day.
    assert add_working_days(date(2026, 2, 6), 1, ()) == date(2026, 2, 9)
    assert add_working_days(date(2026, 2, 6), 1, {date(2026, 2, 9)}) == date(2026, 2, 10)


def test_add_working_days_refuses_negative_counts(uk: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 2, 4), -1, ())
    with pytest.raises(ValueError):
        uk.add_working_days(date(2026, 2, 4), -1)


# The calendar


def test_calendar_agrees_with_stepping_including_exclusions(uk: WorkingCalendar) -> None:
    """The bisection paths give the same answers as the one-day-at-a-time definition."""
    rng = random.Random(20260314)
    holidays = set(uk.holidays)
    for _ in range(2000):
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(0, 16_400))
        n = rng.randrange(0, 70)
        excluded: set[date] = set()
        for _ in range(rng.randrange(0, 3)):
            first = start + timedelta(days=rng.randrange(-10, 60))
            excluded.update(first + timedelta(days=i) for i in range(rng.randrange(1, 40)))
        expected = add_working_days(start, n, holidays | excluded)
        assert uk.add_working_days(start, n, excluded) == expected, (start, n)
        assert uk.working_days_between(start, expected, excluded) == n, (start, n)


def test_calendar_steps_outside_its_precomputed_span(uk: WorkingCalendar) -> None:
    # 2046 is beyond the array: weekends still count as non-working.
    assert uk.add_working_days(date(2046, 6, 8), 1) == date(2046, 6, 11)
    assert uk.working_days_between(date(2045, 12, 29), date(2046, 1, 8)) == 6
    # 25 Dec 2045 (Mon) and 26 Dec are inside it; 1 Jan 2046 has no holiday data.
    assert uk.add_working_days(date(2045, 12, 22), 2) == date(2045, 12, 28)


def test_working_days_between_conventions(uk: WorkingCalendar) -> None:
    # After start, up to and including end; zero for the same day; negative when reversed.
    assert uk.working_days_between(date(2026, 3, 13), date(2026, 3, 16)) == 1
    assert uk.working_days_between(date(2026, 3, 13), date(2026, 3, 18)) == 2  # 17th is NI
    assert uk.working_days_between(date(2026, 3, 13), date(2026, 3, 13)) == 0
    assert uk.working_days_between(date(2026, 3, 18), date(2026, 3, 13)) == -2
    excluded = {date(2026, 3, 16), date(2026, 3, 18)}
    assert uk.working_days_between(date(2026, 3, 13), date(2026, 3, 19), excluded) == 1


def test_non_working_reason(uk: WorkingCalendar, scot: WorkingCalendar) -> None:
    assert uk.non_working_reason(date(2026, 3, 14)) == "Weekend (Saturday)"
    assert uk.non_working_reason(date(2026, 3, 17)) == "St Patrick's Day (Northern Ireland)"
    assert uk.non_working_reason(date(2026, 3, 18)) == ""
    assert scot.non_working_reason(date(2026, 3, 17)) == ""
    assert uk.is_working_day(date(2026, 3, 18))
    assert not uk.is_working_day(date(2026, 3, 17))


def test_calendar_is_immune_to_changes_to_the_mapping_it_was_built_from() -> None:
    source = {date(2026, 3, 18): "A day off"}
    calendar = WorkingCalendar(source)
    source[date(2026, 3, 19)] = "Another"
    assert calendar.is_working_day(date(2026, 3, 19))
    assert calendar.add_working_days(date(2026, 3, 17), 1) == date(2026, 3, 19)


def test_100000_due_dates(uk: WorkingCalendar) -> None:
    """Bulk recomputation uses the bisection path; a sample is checked by stepping."""
    holidays = set(uk.holidays)
    first = date(2000, 1, 1).toordinal()
    starts = [date.fromordinal(first + i % 16_000) for i in range(100_000)]
    dues = [uk.add_working_days(start, 20) for start in starts]
    for i in range(0, 100_000, 997):
        assert dues[i] == add_working_days(starts[i], 20, holidays)
    # And one known date from the set: Fri 13 Mar 2026 is index 9568 of the 16,000-day cycle.
    assert starts[9568] == date(2026, 3, 13)
    assert dues[9568] == date(2026, 4, 15)


# Receipt and time zones (DOMAIN 1.2)


def test_receipt_date_of_a_plain_date_is_itself() -> None:
    assert receipt_date(date(2026, 3, 14)) == date(2026, 3, 14)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        receipt_date(datetime(2026, 3, 14, 10, 0))  # noqa: DTZ001
    with pytest.raises(ValueError):
        deadlines.compute_deadline(
            received=datetime(2026, 3, 14, 10, 0),  # noqa: DTZ001
            regime="FOIA",
            calendar=WorkingCalendar({}),
        )


def test_saturday_night_utc_in_summer_is_sunday_in_london() -> None:
    assert receipt_date(datetime(2026, 6, 6, 23, 30, tzinfo=UTC)) == date(2026, 6, 7)
    # In winter London is on UTC, so the same clock time stays on Saturday.
    assert receipt_date(datetime(2026, 1, 10, 23, 30, tzinfo=UTC)) == date(2026, 1, 10)


def test_sunday_night_utc_in_summer_moves_the_due_date(uk: WorkingCalendar) -> None:
    # 23:30 UTC Sun 7 Jun 2026 is 00:30 BST Mon 8 Jun: due Tue 7 Jul, not Mon 6 Jul.
    deadline = foia(uk, datetime(2026, 6, 7, 23, 30, tzinfo=UTC))
    assert deadline.received_on == date(2026, 6, 8)
    assert deadline.statutory_due == date(2026, 7, 7)
    assert foia(uk, date(2026, 6, 7)).statutory_due == date(2026, 7, 6)


def test_alaveteli_example_is_due_12_november_2007_in_london(uk: WorkingCalendar) -> None:
    """23:59 UTC on Sun 14 Oct 2007 is Monday in BST: due 12 Nov, not 9 Nov (UTC reading)."""
    instant = datetime(2007, 10, 14, 23, 59, tzinfo=UTC)
    deadline = foia(uk, instant)
    assert deadline.received_on == date(2007, 10, 15)
    assert deadline.statutory_due == date(2007, 11, 12)
    assert foia(uk, date(2007, 10, 14)).statutory_due == date(2007, 11, 9)
    assert "Received Monday 15 October 2007 at 00:59 (Europe/London)." in deadline.explanation


def test_last_sunday_of_october_clock_change(uk: WorkingCalendar) -> None:
    # Clocks go back at 02:00 BST on Sun 25 Oct 2026.
    assert receipt_date(datetime(2026, 10, 24, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)
    assert receipt_date(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)) == date(2026, 10, 25)
    # 23:30 UTC that evening is 23:30 GMT, still Sunday (it would be Monday in BST).
    assert receipt_date(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)
    assert receipt_date(datetime(2026, 10, 26, 0, 30, tzinfo=UTC)) == date(2026, 10, 26)
    sunday = foia(uk, datetime(2026, 10, 25, 23, 30, tzinfo=UTC))
    assert sunday.statutory_due == date(2026, 11, 20)
    assert foia(uk, date(2026, 10, 23)).statutory_due == date(2026, 11, 20)
    assert foia(uk, date(2026, 10, 26)).statutory_due == date(2026, 11, 23)


def test_receipt_in_other_zones_is_converted(uk: WorkingCalendar) -> None:
    new_york = ZoneInfo("America/New_York")
    # 20:00 on Fri 13 Mar 2026 in New York is 00:00 Sat 14 Mar in London (GMT).
    assert receipt_date(datetime(2026, 3, 13, 20, 0, tzinfo=new_york)) == date(2026, 3, 14)


# Worked examples: weekday, weekend and bank holiday receipts (DOMAIN 1.1 to 1.3, 7.3)


def test_weekday_receipt(uk: WorkingCalendar) -> None:
    deadline = foia(uk, date(2026, 2, 4))
    assert deadline.day_one == date(2026, 2, 5)
    assert deadline.statutory_due == date(2026, 3, 4)
    assert deadline.skipped == []
    assert deadline.weekend_days_skipped == 8


@pytest.mark.parametrize("received", [date(2026, 3, 13), date(2026, 3, 14), date(2026, 3, 15)])
def test_weekend_receipt_is_due_with_the_fridays(uk: WorkingCalendar, received: date) -> None:
    # Day 1 Mon 16 Mar; 17 Mar (NI), Good Friday and Easter Monday skipped: Wed 15 Apr 2026.
    deadline = foia(uk, received)
    assert deadline.day_one == date(2026, 3, 16)
    assert deadline.statutory_due == date(2026, 4, 15)
    assert [d for d, _ in deadline.skipped] == [
        date(2026, 3, 17),
        date(2026, 4, 3),
        date(2026, 4, 6),
    ]


def test_explanation_reads_as_sentences(uk: WorkingCalendar) -> None:
    explanation = foia(uk, date(2026, 3, 14)).explanation
    assert explanation[0] == "Received Saturday 14 March 2026 (Europe/London)."
    assert (
        "Day 1 is Monday 16 March 2026, the first working day after the date of receipt."
        in explanation
    )
    assert (
        "Skipped Tuesday 17 March 2026: St Patrick's Day (Northern Ireland); FOIA counts a "
        "bank holiday in any part of the UK." in explanation
    )
    assert "Skipped Friday 3 April 2026: Good Friday (all parts of the UK)." in explanation
    assert explanation[-1] == (
        "Day 20 is Wednesday 15 April 2026: the response is due by the end of that day."
    )


def test_easter_monday_is_a_working_day_under_foisa(scot: WorkingCalendar) -> None:
    # Scotland skips Good Friday only (St Patrick's Day and Easter Monday count): Mon 13 Apr.
    deadline = compute_deadline(received=date(2026, 3, 13), regime="FOISA", calendar=scot)
    assert deadline.statutory_due == date(2026, 4, 13)
    assert [d for d, _ in deadline.skipped] == [date(2026, 4, 3)]
    assert scot.is_working_day(date(2026, 4, 6))
    assert "Scottish bank holidays" in deadline.explanation[1]


@pytest.mark.parametrize("regime", ["FOIA", "EIR", "FOISA"])
def test_scotland_only_world_cup_holiday_is_skipped_everywhere(
    uk: WorkingCalendar, scot: WorkingCalendar, regime: str
) -> None:
    # Fri 29 May 2026: 15 Jun (proclaimed for Scotland only) is skipped: Mon 29 Jun, not 26th.
    calendar = scot if regime == "FOISA" else uk
    deadline = compute_deadline(received=date(2026, 5, 29), regime=regime, calendar=calendar)
    assert deadline.statutory_due == date(2026, 6, 29)
    assert deadline.skipped[0][0] == date(2026, 6, 15)
    assert "(Scotland)" in deadline.skipped[0][1]


@pytest.mark.parametrize("regime", ["FOIA", "FOISA"])
def test_second_of_january_is_skipped_under_foia_and_foisa(
    uk: WorkingCalendar, scot: WorkingCalendar, regime: str
) -> None:
    # Wed 31 Dec 2025: 1 and 2 Jan 2026 skipped, due Fri 30 Jan (Thu 29th without the 2nd).
    calendar = scot if regime == "FOISA" else uk
    deadline = compute_deadline(received=date(2025, 12, 31), regime=regime, calendar=calendar)
    assert deadline.day_one == date(2026, 1, 5)
    assert deadline.statutory_due == date(2026, 1, 30)


@pytest.mark.parametrize("regime", ["FOIA", "FOISA"])
def test_st_andrews_day_and_christmas_2026(
    uk: WorkingCalendar, scot: WorkingCalendar, regime: str
) -> None:
    # Fri 27 Nov 2026: skip 30 Nov (Scotland), 25 Dec, 28 Dec (Boxing Day substitute).
    calendar = scot if regime == "FOISA" else uk
    deadline = compute_deadline(received=date(2026, 11, 27), regime=regime, calendar=calendar)
    assert deadline.day_one == date(2026, 12, 1)
    assert [d for d, _ in deadline.skipped] == [
        date(2026, 11, 30),
        date(2026, 12, 25),
        date(2026, 12, 28),
    ]
    assert deadline.statutory_due == date(2026, 12, 30)


def test_christmas_2026_and_new_year_2027(uk: WorkingCalendar) -> None:
    # Mon 14 Dec 2026: skip 25 and 28 Dec, 1 Jan and 4 Jan 2027 (2 Jan substitute, Scotland).
    deadline = foia(uk, date(2026, 12, 14))
    assert [d for d, _ in deadline.skipped] == [
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
        date(2027, 1, 4),
    ]
    assert deadline.statutory_due == date(2027, 1, 15)


def test_northern_ireland_holiday_counts_under_foia_only(
    uk: WorkingCalendar, scot: WorkingCalendar
) -> None:
    # Fri 10 Jul 2026: 13 Jul (Boyne, substitute) is skipped under FOIA, not under FOISA.
    assert foia(uk, date(2026, 7, 10)).statutory_due == date(2026, 8, 11)
    foisa = compute_deadline(received=date(2026, 7, 10), regime="FOISA", calendar=scot)
    assert foisa.day_one == date(2026, 7, 13)
    assert foisa.statutory_due == date(2026, 8, 10)
    # St Patrick's Day, a weekday in 2026, is a working day in Scotland.
    assert not uk.is_working_day(date(2026, 3, 17))
    assert scot.is_working_day(date(2026, 3, 17))


def test_receipt_on_a_bank_holiday_is_still_day_zero(uk: WorkingCalendar) -> None:
    deadline = foia(uk, date(2026, 3, 17))
    assert deadline.day_one == date(2026, 3, 18)
    assert deadline.statutory_due == date(2026, 4, 16)
    assert any("St Patrick's Day" in s and "day 0" in s for s in deadline.explanation)


# Non-working-day receipt: the Code 2018 display convention (DOMAIN 1.3)


def test_code_2018_display_date_is_one_working_day_later_for_a_saturday(
    uk: WorkingCalendar,
) -> None:
    deadline = foia(uk, date(2026, 3, 14), non_working_day_receipt_policy="code_2018")
    assert deadline.statutory_due == date(2026, 4, 15)
    assert deadline.code_2018_due == date(2026, 4, 16)


def test_code_2018_display_date_is_identical_for_a_weekday(uk: WorkingCalendar) -> None:
    deadline = foia(uk, date(2026, 3, 13), non_working_day_receipt_policy="code_2018")
    assert deadline.code_2018_due == deadline.statutory_due == date(2026, 4, 15)


def test_statutory_policy_sets_no_code_2018_date(uk: WorkingCalendar) -> None:
    assert foia(uk, date(2026, 3, 14)).code_2018_due is None
    with pytest.raises(ValueError, match="policy"):
        foia(uk, date(2026, 3, 14), non_working_day_receipt_policy="whenever")


# Clarification (s1(3), s10(6)(b)): a reset, not a pause (DOMAIN 1.4)


def test_clarification_restarts_the_twenty_days(uk: WorkingCalendar) -> None:
    # Received Mon 2 Feb 2026 (due 2 Mar); clarification received Mon 9 Feb: due Mon 9 Mar.
    assert foia(uk, date(2026, 2, 2)).statutory_due == date(2026, 3, 2)
    deadline = foia(uk, date(2026, 2, 2), clarifications=[(date(2026, 2, 4), date(2026, 2, 9))])
    assert deadline.received_on == date(2026, 2, 2)
    assert deadline.effective_receipt == date(2026, 2, 9)
    assert deadline.day_one == date(2026, 2, 10)
    assert deadline.statutory_due == date(2026, 3, 9)
    assert (
        "Clarification requested 4 February 2026 and received 9 February 2026: the 20 working "
        "days start again (s1(3), s10(6)(b))." in deadline.explanation
    )


def test_last_clarification_received_wins(uk: WorkingCalendar) -> None:
    deadline = foia(
        uk,
        date(2026, 2, 2),
        clarifications=[
            (date(2026, 2, 3), date(2026, 2, 4)),
            (date(2026, 2, 5), date(2026, 2, 9)),
        ],
    )
    assert deadline.effective_receipt == date(2026, 2, 9)
    assert deadline.statutory_due == date(2026, 3, 9)


def test_clarification_received_on_a_saturday_counts_from_that_saturday(
    uk: WorkingCalendar,
) -> None:
    # Sat 7 Feb 2026 is the new date of receipt; due with Friday 6 Feb's: Fri 6 Mar.
    deadline = foia(uk, date(2026, 2, 2), clarifications=[(date(2026, 2, 4), date(2026, 2, 7))])
    assert deadline.statutory_due == date(2026, 3, 6)


def test_awaited_clarification_stops_the_clock(uk: WorkingCalendar) -> None:
    deadline = foia(uk, date(2026, 2, 2), clarifications=[(date(2026, 2, 4), None)])
    assert deadline.on_hold
    assert deadline.statutory_due is None
    assert deadline.day_one is None
    assert "4 February 2026" in deadline.on_hold_reason
    assert "clarification" in deadline.on_hold_reason


def test_unanswered_request_overtaken_by_a_later_answer_does_not_hold(
    uk: WorkingCalendar,
) -> None:
    # Two requests, one answer after both: the answer settles them.
    deadline = foia(
        uk,
        date(2026, 2, 2),
        clarifications=[(date(2026, 2, 3), None), (date(2026, 2, 4), date(2026, 2, 9))],
    )
    assert deadline.statutory_due == date(2026, 3, 9)
    # A further request after the answer stops the clock again.
    held = foia(
        uk,
        date(2026, 2, 2),
        clarifications=[(date(2026, 2, 4), date(2026, 2, 9)), (date(2026, 2, 11), None)],
    )
    assert held.statutory_due is None


def test_clarification_dates_out_of_order_are_refused(uk: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        foia(uk, date(2026, 2, 2), clarifications=[(date(2026, 2, 9), date(2026, 2, 4))])
    with pytest.raises(ValueError):
        foia(uk, date(2026, 2, 2), clarifications=[(date(2026, 1, 30), date(2026, 2, 4))])


# Fees notices (s10(2)): a pause with both end days disregarded (DOMAIN 1.5)


def test_fee_pause_disregards_both_end_days(uk: WorkingCalendar) -> None:
    # Received Mon 2 Feb 2026; notice Wed 4 Feb, fee Fri 6 Feb: 3 days out, due Thu 5 Mar.
    # (Excluding one end day only would give 4 Mar; neither, 3 Mar.)
    deadline = foia(uk, date(2026, 2, 2), fee_pauses=[(date(2026, 2, 4), date(2026, 2, 6))])
    assert deadline.statutory_due == date(2026, 3, 5)
    assert (
        "Clock paused from 4 February 2026 (fees notice) to 6 February 2026 (fee received): "
        "both days disregarded (s10(2))." in deadline.explanation
    )


def test_unpaid_fee_puts_the_case_on_hold(uk: WorkingCalendar) -> None:
    deadline = foia(uk, date(2026, 2, 2), fee_pauses=[(date(2026, 2, 4), None)])
    assert deadline.statutory_due is None
    assert "fee" in deadline.on_hold_reason
    assert "3 months" in deadline.on_hold_reason


def test_fee_received_before_notice_is_refused(uk: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        foia(uk, date(2026, 2, 2), fee_pauses=[(date(2026, 2, 6), date(2026, 2, 4))])


# House of Commons dissolution (DOMAIN 1.10)


def test_2010_dissolution_worked_example(uk: WorkingCalendar) -> None:
    """HoC letter of 9 Apr 2010: received 9 Apr, stopped 12 Apr, restarted 18 May, due 15 Jun."""
    deadline = foia(
        uk,
        date(2010, 4, 9),
        suspensions=[(date(2010, 4, 12), date(2010, 5, 17), "Dissolution of Parliament")],
    )
    assert deadline.day_one == date(2010, 5, 18)
    assert deadline.statutory_due == date(2010, 6, 15)
    # Spring bank holiday 31 May 2010 (all of the UK) is the only holiday in the window.
    assert [d for d, _ in deadline.skipped] == [date(2010, 5, 31)]
    assert not uk.is_working_day(date(2010, 5, 3))  # Early May, inside the suspension


def test_request_arriving_during_a_dissolution_starts_on_the_first_meeting_day(
    uk: WorkingCalendar,
) -> None:
    deadline = foia(
        uk,
        date(2010, 4, 20),
        suspensions=[(date(2010, 4, 12), date(2010, 5, 17), "Dissolution of Parliament")],
    )
    assert deadline.day_one == date(2010, 5, 18)
    assert deadline.statutory_due == date(2010, 6, 15)


# Public interest extension (s10(3), s17(2); DOMAIN 1.6)


def test_pit_extension_within_twenty_extra_days_gives_no_warning(uk: WorkingCalendar) -> None:
    # Received Mon 2 Feb 2026, due Mon 2 Mar; 31 Mar is 20 working days later (17 Mar skipped).
    deadline = foia(uk, date(2026, 2, 2), pit_extensions=[(date(2026, 2, 27), date(2026, 3, 31))])
    assert deadline.statutory_due == date(2026, 3, 2)
    assert deadline.extended_due == date(2026, 3, 31)
    assert deadline.due == date(2026, 3, 31)
    assert deadline.warnings == []


def test_pit_estimate_beyond_twenty_extra_working_days_warns(uk: WorkingCalendar) -> None:
    deadline = foia(uk, date(2026, 2, 2), pit_extensions=[(date(2026, 2, 27), date(2026, 4, 1))])
    assert len(deadline.warnings) == 1
    assert "21 working days" in deadline.warnings[0]


def test_pit_notice_after_the_statutory_deadline_warns(uk: WorkingCalendar) -> None:
    on_day_20 = foia(uk, date(2026, 2, 2), pit_extensions=[(date(2026, 3, 2), date(2026, 3, 20))])
    assert on_day_20.warnings == []
    late = foia(uk, date(2026, 2, 2), pit_extensions=[(date(2026, 3, 3), date(2026, 3, 20))])
    assert len(late.warnings) == 1
    assert "after the statutory deadline" in late.warnings[0]


def test_second_pit_extension_warns_and_the_latest_estimate_applies(uk: WorkingCalendar) -> None:
    deadline = foia(
        uk,
        date(2026, 2, 2),
        pit_extensions=[
            (date(2026, 2, 27), date(2026, 3, 16)),
            (date(2026, 3, 13), date(2026, 3, 27)),
        ],
    )
    assert deadline.extended_due == date(2026, 3, 27)
    assert any("2 public interest extensions" in w for w in deadline.warnings)


@pytest.mark.parametrize("regime", ["FOISA", "EIR"])
def test_pit_extension_is_refused_outside_foia(uk: WorkingCalendar, regime: str) -> None:
    with pytest.raises(ValueError, match="no (public interest )?extension"):
        compute_deadline(
            received=date(2026, 2, 2),
            regime=regime,
            calendar=uk,
            pit_extensions=[(date(2026, 2, 27), date(2026, 3, 16))],
        )


def test_unknown_regime_is_refused(uk: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="regime"):
        compute_deadline(received=date(2026, 2, 2), regime="GDPR", calendar=uk)


# Lateness and internal reviews (DOMAIN 1.2, 1.9)


def test_working_days_late(uk: WorkingCalendar) -> None:
    due = date(2026, 5, 22)  # a Friday; Mon 25 May is the Spring bank holiday
    assert working_days_late(due, date(2026, 5, 21), uk) == 0
    assert working_days_late(due, due, uk) == 0
    assert working_days_late(due, date(2026, 5, 24), uk) == 0
    assert working_days_late(due, date(2026, 5, 25), uk) == 0
    assert working_days_late(due, date(2026, 5, 26), uk) == 1
    assert working_days_late(date(2026, 5, 13), date(2026, 5, 14), uk) == 1


def test_due_soon_counts_five_working_days_on_each_regimes_calendar(
    uk: WorkingCalendar, scot: WorkingCalendar
) -> None:
    # From Wed 1 Apr 2026: the UK skips Good Friday and Easter Monday, Scotland only Good Friday.
    limits = due_soon_limits(date(2026, 4, 1), {"FOIA": uk, "FOISA": scot})
    assert limits == {"FOIA": date(2026, 4, 10), "FOISA": date(2026, 4, 9)}
    assert due_soon_limits(date(2026, 4, 1), {"FOIA": uk}, 1) == {"FOIA": date(2026, 4, 2)}


def test_review_due_dates(uk: WorkingCalendar, scot: WorkingCalendar) -> None:
    requested = date(2026, 2, 2)
    # FOIA: 20 working days (s45 Code), 40 in exceptional cases (Tue 31 Mar 2026).
    assert review_due_dates(requested, "FOIA", uk) == (date(2026, 3, 2), date(2026, 3, 31))
    # EIR reg 11(4): 40 working days, statutory.
    assert review_due_dates(requested, "EIR", uk) == (date(2026, 3, 31), date(2026, 3, 31))
    # FOISA s21(1): 20 working days, statutory, counted on the Scottish calendar.
    assert review_due_dates(requested, "FOISA", scot) == (date(2026, 3, 2), date(2026, 3, 2))
    assert review_due_dates(date(2026, 3, 13), "FOISA", scot)[0] == date(2026, 4, 13)


# The project contract, using the project's calendar (reads BankHoliday rows)


@pytest.fixture
def fresh_calendars() -> Iterator[None]:
    bump_calendar_version()
    yield
    bump_calendar_version()


@pytest.mark.django_db
def test_due_date_uses_the_uk_union_and_london_time(fresh_calendars: None) -> None:
    assert deadlines.due_date(date(2026, 3, 14)) == date(2026, 4, 15)
    assert deadlines.due_date(date(2026, 3, 14), regime="FOISA") == date(2026, 4, 13)
    assert deadlines.due_date(date(2026, 3, 14), regime="EIR") == date(2026, 4, 15)
    assert deadlines.due_date(datetime(2007, 10, 14, 23, 59, tzinfo=UTC)) == date(2007, 11, 12)
    assert deadlines.due_date(date(2026, 2, 4), working_days=60) == date(2026, 5, 5)


def test_fee_notice_after_the_due_date_does_not_pause(uk: WorkingCalendar) -> None:
    deadline = foia(uk, date(2026, 2, 2), fee_pauses=[(date(2026, 3, 3), date(2026, 3, 5))])
    assert deadline.statutory_due == date(2026, 3, 2)
    assert any("does not pause" in w for w in deadline.warnings)


def test_explanation_follows_the_calendar_order(uk: WorkingCalendar) -> None:
    explanation = foia(
        uk,
        date(2010, 4, 9),
        suspensions=[(date(2010, 4, 12), date(2010, 5, 17), "Dissolution of Parliament")],
    ).explanation
    stopped = next(i for i, s in enumerate(explanation) if s.startswith("Clock stopped"))
    day_one = next(i for i, s in enumerate(explanation) if s.startswith("Day 1 is"))
    assert stopped < day_one
    assert explanation[stopped] == (
        "Clock stopped from 12 April 2010 to 17 May 2010 inclusive: Dissolution of Parliament. "
        "Those days do not count."
    )
