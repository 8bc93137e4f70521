"""The holiday calendars, checked against DOMAIN.md section 7.3 and Alaveteli's 2007-2010 list.

Only the tests marked django_db touch the database (BankHoliday rows and calendar_for).
"""

import socket
from collections.abc import Iterator
from datetime import date

import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays

from foi_cases import bank_holidays
from foi_cases.bank_holidays import (
    DIVISIONS,
    NORTHERN_IRELAND,
    SCOTLAND,
    build_calendar,
    bump_calendar_version,
    calendar_for,
    division_days,
    holidays_in_year,
)
from foi_cases.deadlines import WorkingCalendar

EW, SCT, NI = "england-and-wales", "scotland", "northern-ireland"
ALL = (EW, SCT, NI)

# DOMAIN.md 7.3: weekday observed dates and the divisions marked Y.
TABLE_2022 = {
    date(2022, 1, 3): ALL,
    date(2022, 1, 4): (SCT,),
    date(2022, 3, 17): (NI,),
    date(2022, 4, 15): ALL,
    date(2022, 4, 18): (EW, NI),
    date(2022, 5, 2): ALL,
    date(2022, 6, 2): ALL,
    date(2022, 6, 3): ALL,
    date(2022, 7, 12): (NI,),
    date(2022, 8, 1): (SCT,),
    date(2022, 8, 29): (EW, NI),
    date(2022, 9, 19): ALL,
    date(2022, 11, 30): (SCT,),
    date(2022, 12, 26): ALL,
    date(2022, 12, 27): ALL,
}
TABLE_2026 = {
    date(2026, 1, 1): ALL,
    date(2026, 1, 2): (SCT,),
    date(2026, 3, 17): (NI,),
    date(2026, 4, 3): ALL,
    date(2026, 4, 6): (EW, NI),
    date(2026, 5, 4): ALL,
    date(2026, 5, 25): ALL,
    date(2026, 6, 15): (SCT,),
    date(2026, 7, 13): (NI,),
    date(2026, 8, 3): (SCT,),
    date(2026, 8, 31): (EW, NI),
    date(2026, 11, 30): (SCT,),
    date(2026, 12, 25): ALL,
    date(2026, 12, 28): ALL,
}

# Alaveteli spec/fixtures/holidays.yml: the UK union from 30 Nov 2007 to 28 Dec 2010.
ALAVETELI_2007_2010 = {
    date.fromisoformat(day)
    for day in (
        "2007-11-30 2007-12-25 2007-12-26 2008-01-01 2008-01-02 2008-03-17 2008-03-21 "
        "2008-03-24 2008-05-05 2008-05-26 2008-07-14 2008-08-04 2008-08-25 2008-12-01 "
        "2008-12-25 2008-12-26 2009-01-01 2009-01-02 2009-03-17 2009-04-10 2009-04-13 "
        "2009-05-04 2009-05-25 2009-07-13 2009-08-03 2009-08-31 2009-11-30 2009-12-25 "
        "2009-12-28 2010-01-01 2010-01-04 2010-03-17 2010-04-02 2010-04-05 2010-05-03 "
        "2010-05-31 2010-07-12 2010-08-02 2010-08-30 2010-11-30 2010-12-27 2010-12-28"
    ).split()
}


@pytest.fixture(scope="module")
def uk() -> WorkingCalendar:
    return build_calendar("FOIA")


@pytest.fixture(scope="module")
def scot() -> WorkingCalendar:
    return build_calendar("FOISA")


def _in_year(calendar: WorkingCalendar, year: int) -> set[date]:
    return {d for d, _ in calendar.holidays_between(date(year, 1, 1), date(year, 12, 31))}


# Sources and merging


def test_library_default_is_the_intersection_and_is_not_used(uk: WorkingCalendar) -> None:
    """govuk-bank-holidays' default drops St Patrick's Day; FOIA must not."""
    common = {h["date"] for h in BankHolidays(use_cached_holidays=True).get_holidays(year=2026)}
    assert date(2026, 3, 17) not in common
    assert date(2026, 1, 2) not in common
    assert not uk.is_working_day(date(2026, 3, 17))
    assert not uk.is_working_day(date(2026, 1, 2))


def test_sources_are_read_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    govuk = bank_holidays._govuk_days()
    package = bank_holidays._holidays_package_days()
    assert date(2026, 3, 17) in govuk[NORTHERN_IRELAND]
    # The bundled gov.uk copy lacks the 2026 World Cup holiday; the holidays package has it.
    assert date(2026, 6, 15) not in govuk[SCOTLAND]
    assert date(2026, 6, 15) in package[SCOTLAND]


@pytest.mark.parametrize(("year", "table"), [(2022, TABLE_2022), (2026, TABLE_2026)])
def test_each_division_matches_the_reference_table(year: int, table: dict) -> None:
    days = division_days()
    for division in DIVISIONS:
        expected = {d for d, divisions in table.items() if division in divisions}
        found = {d for d in days[division] if d.year == year}
        assert found == expected, division


@pytest.mark.parametrize(("year", "table"), [(2022, TABLE_2022), (2026, TABLE_2026)])
def test_foia_is_the_union_and_foisa_scotland_only(
    uk: WorkingCalendar, scot: WorkingCalendar, year: int, table: dict
) -> None:
    assert _in_year(uk, year) == set(table)
    assert _in_year(scot, year) == {d for d, divisions in table.items() if SCT in divisions}
    assert _in_year(build_calendar("EIR"), year) == set(table)


def test_union_counts_per_year_2016_to_2027(uk: WorkingCalendar) -> None:
    expected = {year: 13 for year in range(2016, 2028)} | {2022: 15, 2023: 14, 2026: 14}
    assert {year: len(_in_year(uk, year)) for year in range(2016, 2028)} == expected


def test_union_before_the_bundle_matches_alaveteli(uk: WorkingCalendar) -> None:
    found = {d for d, _ in uk.holidays_between(date(2007, 11, 30), date(2010, 12, 28))}
    assert found == ALAVETELI_2007_2010


def test_proclaimed_days_outside_the_bundle_come_from_the_holidays_package(
    uk: WorkingCalendar,
) -> None:
    assert not uk.is_working_day(date(2011, 4, 29))  # Royal Wedding
    assert not uk.is_working_day(date(2002, 6, 3))  # Golden Jubilee
    assert not uk.is_working_day(date(2002, 6, 4))  # Spring bank holiday, moved
    assert not uk.is_working_day(date(2044, 3, 17))
    assert uk.is_working_day(date(2002, 5, 27))


def test_reasons_name_the_divisions_and_prefer_govuk_titles(
    uk: WorkingCalendar, scot: WorkingCalendar
) -> None:
    assert uk.holidays[date(2026, 3, 17)] == "St Patrick's Day (Northern Ireland)"
    assert (
        uk.holidays[date(2027, 7, 12)] == "Battle of the Boyne (Orangemen's Day) (Northern Ireland)"
    )
    assert uk.holidays[date(2026, 4, 6)] == "Easter Monday (England and Wales, Northern Ireland)"
    assert uk.holidays[date(2026, 12, 28)] == "Boxing Day (substitute day) (all parts of the UK)"
    # gov.uk's name, not holidays' "May Day".
    assert uk.holidays[date(2026, 5, 4)] == "Early May bank holiday (all parts of the UK)"
    assert scot.holidays[date(2026, 11, 30)] == "St Andrew's Day (Scotland)"
    assert "World Cup" in scot.holidays[date(2026, 6, 15)]
    # Outside the bundle, holidays' names are mapped to gov.uk's.
    assert uk.holidays[date(2010, 3, 17)] == "St Patrick's Day (Northern Ireland)"
    assert uk.holidays[date(2010, 1, 4)] == "2nd January (substitute day) (Scotland)"


def test_regional_days_are_those_not_held_everywhere(uk: WorkingCalendar) -> None:
    assert date(2026, 3, 17) in uk.regional
    assert date(2026, 6, 15) in uk.regional
    assert date(2026, 12, 25) not in uk.regional


def test_weekend_dates_are_not_listed(uk: WorkingCalendar) -> None:
    # 12 Jul 2026 is a Sunday; the observed day is Monday 13 Jul.
    assert date(2026, 7, 12) not in uk.holidays
    assert all(d.weekday() < 5 for d in uk.holidays)


def test_admin_days_are_merged_by_division() -> None:
    added = [(date(2030, 6, 17), SCOTLAND, "Proclaimed holiday")]
    foisa = build_calendar("FOISA", added)
    foia = build_calendar("FOIA", added)
    assert foisa.holidays[date(2030, 6, 17)] == "Proclaimed holiday (Scotland)"
    assert not foia.is_working_day(date(2030, 6, 17))
    assert date(2030, 6, 17) in foia.regional
    northern = build_calendar("FOISA", [(date(2030, 6, 18), NORTHERN_IRELAND, "NI only")])
    assert northern.is_working_day(date(2030, 6, 18))
    assert build_calendar("FOISA").is_working_day(date(2030, 6, 17))


def test_admin_title_replaces_the_library_title_and_weekends_are_ignored() -> None:
    added = [
        (date(2026, 6, 15), SCOTLAND, "World Cup bank holiday"),
        (date(2030, 6, 15), SCOTLAND, "A Saturday"),
    ]
    foisa = build_calendar("FOISA", added)
    assert foisa.holidays[date(2026, 6, 15)] == "World Cup bank holiday (Scotland)"
    assert date(2030, 6, 15) not in foisa.holidays


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="division"):
        build_calendar("FOIA", [(date(2030, 6, 17), "wales", "Not a division")])
    with pytest.raises(ValueError, match="regime"):
        build_calendar("GDPR")


def test_holidays_in_year_for_display(scot: WorkingCalendar) -> None:
    listed = holidays_in_year(2026, "FOISA", calendar=scot)
    assert [d for d, _ in listed] == sorted(d for d, div in TABLE_2026.items() if SCT in div)
    assert listed[1] == (date(2026, 1, 2), "2nd January (Scotland)")


# calendar_for and the cross-process version (database)


@pytest.fixture
def fresh_calendars() -> Iterator[None]:
    """Drop cached calendars before and after, so rolled-back rows do not linger."""
    bump_calendar_version()
    yield
    bump_calendar_version()


@pytest.mark.django_db
def test_calendar_for_includes_admin_days_after_a_version_bump(fresh_calendars: None) -> None:
    from foi_cases.models import BankHoliday

    before = calendar_for("FOISA")
    assert before.is_working_day(date(2030, 6, 17))
    assert calendar_for("FOISA") is before  # cached per process
    BankHoliday.objects.create(
        date=date(2030, 6, 17),
        division=SCOTLAND,
        title="Proclaimed holiday",
        source="Royal Proclamation (test)",
    )
    assert calendar_for("FOISA") is before  # stale until the version moves
    bump_calendar_version()
    after = calendar_for("FOISA")
    assert not after.is_working_day(date(2030, 6, 17))
    assert after.non_working_reason(date(2030, 6, 17)) == "Proclaimed holiday (Scotland)"
    assert not calendar_for("FOIA").is_working_day(date(2030, 6, 17))
    assert (date(2030, 6, 17), "Proclaimed holiday (Scotland)") in holidays_in_year(2030, "FOISA")


@pytest.mark.django_db
def test_bump_calendar_version_increments(fresh_calendars: None) -> None:
    from django.core.cache import cache

    first = bump_calendar_version()
    assert bump_calendar_version() == first + 1
    assert cache.get(bank_holidays.VERSION_CACHE_KEY) == first + 1
    cache.delete(bank_holidays.VERSION_CACHE_KEY)
    assert bump_calendar_version() == 1


@pytest.mark.django_db
def test_calendar_for_project_regimes(fresh_calendars: None) -> None:
    assert not calendar_for("FOIA").is_working_day(date(2026, 3, 17))
    assert not calendar_for("EIR").is_working_day(date(2026, 3, 17))
    assert calendar_for("FOISA").is_working_day(date(2026, 3, 17))
