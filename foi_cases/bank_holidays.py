"""The bank-holiday calendars that FOIA, EIR and FOISA count working days against.

Three sources are merged per division (DOMAIN.md section 7):

1. the gov.uk feed as bundled in govuk-bank-holidays (read from the package, never fetched);
2. the `holidays` package, for years the bundle lacks and proclamations it missed
   (e.g. 15 June 2026 in Scotland);
3. days an administrator adds as `BankHoliday` rows.

FOIA and EIR count a bank holiday in *any* part of the UK, so their calendar is the union
of the three divisions; FOISA counts Scottish ones only. Both libraries default to the days
common to all divisions (the intersection), so each division is always asked for by name.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Mapping
from datetime import date

from foi_cases.working_days import CALENDAR_END, CALENDAR_START, WorkingCalendar

ENGLAND_AND_WALES = "england-and-wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern-ireland"
DIVISIONS = (ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND)
DIVISION_NAMES = {
    ENGLAND_AND_WALES: "England and Wales",
    SCOTLAND: "Scotland",
    NORTHERN_IRELAND: "Northern Ireland",
}
REGIME_DIVISIONS: dict[str, tuple[str, ...]] = {
    "FOIA": DIVISIONS,
    "EIR": DIVISIONS,
    "FOISA": (SCOTLAND,),
}

VERSION_CACHE_KEY = "bank_holidays_version"
# A process rebuilds its calendars at least this often, in case the shared version counter
# was lost (cache flush or restart) after an administrator added a day.
MAX_AGE_SECONDS = 3600
# How long a process trusts the version it last read from the shared cache, so that deadline
# arithmetic in bulk (a recomputation, a dashboard) does not read the cache once per date.
VERSION_CHECK_SECONDS = 1.0

# holidays' subdivision codes per gov.uk division (ENG and WLS are identical, but an
# England-only or Wales-only proclamation would still be a bank holiday in that division).
_SUBDIVISIONS = {ENGLAND_AND_WALES: ("ENG", "WLS"), SCOTLAND: ("SCT",), NORTHERN_IRELAND: ("NIR",)}

# holidays' names mapped to gov.uk's, so years outside the bundle read the same way.
_GOVUK_NAMES = {
    "New Year Holiday": "2nd January",
    "Saint Andrew's Day": "St Andrew's Day",
    "Saint Patrick's Day": "St Patrick's Day",
    "Battle of the Boyne": "Battle of the Boyne (Orangemen's Day)",
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Summer Bank Holiday": "Summer bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}


def _is_weekday(d: date) -> bool:
    return d.weekday() < 5


def _in_span(d: date) -> bool:
    return CALENDAR_START <= d <= CALENDAR_END


def _plain(text: str) -> str:
    # gov.uk uses typographic apostrophes; the rest of the project types plain ones.
    return text.replace("\u2019", "'").strip()


def _holidays_title(name: str) -> str:
    """'Saint Patrick's Day (observed)' -> "St Patrick's Day (substitute day)"."""
    titles = []
    for part in name.split("; "):  # holidays joins two names on one date with "; "
        substitute = part.endswith(" (observed)")
        base = part.removesuffix(" (observed)")
        title = _GOVUK_NAMES.get(base, base)
        titles.append(f"{title} (substitute day)" if substitute else title)
    return " / ".join(titles)


def _govuk_days() -> dict[str, dict[date, str]]:
    """Weekday bank holidays per division from the gov.uk copy bundled in the package."""
    from govuk_bank_holidays.bank_holidays import BankHolidays

    # use_cached_holidays=True reads the bundled JSON; without it the constructor downloads.
    bundle = BankHolidays(use_cached_holidays=True)
    days: dict[str, dict[date, str]] = {}
    for division in DIVISIONS:
        days[division] = {}
        for event in bundle.get_holidays(division=division):
            title = _plain(event["title"])
            if _plain(event["notes"]).lower() == "substitute day":
                title += " (substitute day)"
            days[division][event["date"]] = title
    return days


def _holidays_package_days() -> dict[str, dict[date, str]]:
    """Weekday bank holidays per division from the `holidays` package, 2000 to 2045."""
    import holidays

    years = range(CALENDAR_START.year, CALENDAR_END.year + 1)
    days: dict[str, dict[date, str]] = {}
    for division, subdivisions in _SUBDIVISIONS.items():
        days[division] = {}
        for subdivision in subdivisions:
            # country_holidays("GB") is holidays.UK, through the statically typed entry point.
            found = holidays.country_holidays("GB", subdiv=subdivision, years=years)
            for d, name in sorted(found.items()):
                days[division].setdefault(d, _holidays_title(name))
    return days


@functools.cache
def _library_days() -> Mapping[str, Mapping[date, str]]:
    """The two libraries merged per division: weekdays only, gov.uk's title where both have it."""
    merged: dict[str, dict[date, str]] = {}
    govuk = _govuk_days()
    package = _holidays_package_days()
    for division in DIVISIONS:
        days = {**package[division], **govuk[division]}
        merged[division] = {d: t for d, t in days.items() if _is_weekday(d) and _in_span(d)}
    return merged


def division_days(
    admin_days: Iterable[tuple[date, str, str]] = (),
) -> dict[str, dict[date, str]]:
    """Weekday bank holidays per division: both libraries plus `(date, division, title)` rows.

    An administrator's title replaces a library title for the same date and division, since
    it is the deliberate, cited entry.
    """
    days = {division: dict(found) for division, found in _library_days().items()}
    for d, division, title in admin_days:
        if division not in days:
            raise ValueError(
                f"Unknown division {division!r}: expected one of {', '.join(DIVISIONS)}."
            )
        if _is_weekday(d):
            days[division][d] = _plain(title)
    return days


def _reason(titles: Mapping[str, str]) -> str:
    """ "St Patrick's Day (Northern Ireland)", grouping divisions that share a title."""
    groups: dict[str, list[str]] = {}
    for division in DIVISIONS:
        if division in titles:
            groups.setdefault(titles[division], []).append(DIVISION_NAMES[division])
    if len(titles) == len(DIVISIONS) and len(groups) == 1:
        return f"{next(iter(groups))} (all parts of the UK)"
    return "; ".join(f"{title} ({', '.join(names)})" for title, names in groups.items())


def build_calendar(
    regime: str, admin_days: Iterable[tuple[date, str, str]] = ()
) -> WorkingCalendar:
    """The working calendar for a regime from the libraries and `(date, division, title)` rows.

    Pure: no database and no network, so tests can call it directly.
    """
    regime = str(regime)
    if regime not in REGIME_DIVISIONS:
        raise ValueError(
            f"Unknown regime {regime!r}: expected one of {', '.join(REGIME_DIVISIONS)}."
        )
    divisions = REGIME_DIVISIONS[regime]
    days = division_days(admin_days)
    by_date: dict[date, dict[str, str]] = {}
    for division in divisions:
        for d, title in days[division].items():
            by_date.setdefault(d, {})[division] = title
    holidays = {d: _reason(titles) for d, titles in sorted(by_date.items())}
    regional = frozenset(d for d in holidays if any(d not in days[div] for div in DIVISIONS))
    return WorkingCalendar(holidays=holidays, regional=regional)


def _admin_added_days() -> list[tuple[date, str, str]]:
    """`(date, division, title)` for each BankHoliday row; needs a migrated database."""
    from foi_cases.models import BankHoliday

    return list(BankHoliday.objects.values_list("date", "division", "title"))


# (regime, version) -> (monotonic time built, calendar), for this process only.
_calendars: dict[tuple[str, int], tuple[float, WorkingCalendar]] = {}


# (monotonic time read, version) of this process's last look at the shared version.
_checked_version: tuple[float, int] = (float("-inf"), 0)


def _version() -> int:
    from django.core.cache import cache

    return int(cache.get(VERSION_CACHE_KEY, 0))


def _current_version(now: float) -> int:
    global _checked_version
    checked_at, version = _checked_version
    if now - checked_at >= VERSION_CHECK_SECONDS:
        version = _version()
        _checked_version = (now, version)
    return version


def forget_version() -> None:
    """Read the shared version on the next call: before work that must see the latest days."""
    global _checked_version
    _checked_version = (float("-inf"), 0)


def calendar_for(regime: str) -> WorkingCalendar:
    """The regime's calendar including admin-added days, cached per process and version.

    The version lives in Django's cache, so `bump_calendar_version()` in one process makes
    every other process rebuild on its next call after VERSION_CHECK_SECONDS (at once after
    `forget_version()`).
    """
    regime = str(regime)
    now = time.monotonic()
    version = _current_version(now)
    key = (regime, version)
    cached = _calendars.get(key)
    if cached is not None and now - cached[0] < MAX_AGE_SECONDS:
        return cached[1]
    calendar = build_calendar(regime, _admin_added_days())
    for stale in [k for k in _calendars if k[1] != version]:
        _calendars.pop(stale, None)
    _calendars[key] = (now, calendar)
    return calendar


def bump_calendar_version() -> int:
    """Invalidate every process's calendars after the holiday table changed; return the version."""
    from django.core.cache import cache

    try:
        version = int(cache.incr(VERSION_CACHE_KEY))
    except ValueError:  # the key is missing (first bump, or the cache was flushed)
        version = _version() + 1
        cache.set(VERSION_CACHE_KEY, version, timeout=None)
    _calendars.clear()
    forget_version()
    return version


def holidays_in_year(
    year: int, regime: str, *, calendar: WorkingCalendar | None = None
) -> list[tuple[date, str]]:
    """The regime's weekday bank holidays in `year`, with reasons, for display."""
    if calendar is None:
        calendar = calendar_for(regime)
    return calendar.holidays_between(date(year, 1, 1), date(year, 12, 31))
