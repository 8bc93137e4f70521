"""Working-day arithmetic over a calendar of bank holidays: pure and DB-free.

A working day is a Monday to Friday that is not a bank holiday. Counting is from day 0: the
n-th working day after a date never counts the date itself. `foi_cases.deadlines` builds the
statutory deadlines on top of this; `foi_cases.bank_holidays` builds the calendars.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

# The span precomputed for bisection; dates outside it fall back to stepping day by day.
CALENDAR_START = date(2000, 1, 1)
CALENDAR_END = date(2045, 12, 31)

ONE_DAY = timedelta(days=1)
WEEKEND = (5, 6)


def _weekday_of_ordinal(ordinal: int) -> int:
    # date.fromordinal(1) is Monday 1 January 0001, so Monday == 0 as in date.weekday().
    return (ordinal - 1) % 7


def calendar_days(first: date, last: date) -> Iterable[date]:
    """Every calendar day from first to last inclusive."""
    current = first
    while current <= last:
        yield current
        current += ONE_DAY


def add_working_days(start: date, days: int, non_working: Collection[date]) -> date:
    """Return the `days`-th working day after `start` (day 0), stepping one day at a time.

    A working day is a Monday to Friday not in `non_working`. `days == 0` returns `start`
    unchanged, even when `start` is not a working day: the date of receipt is day 0.
    """
    if days < 0:
        raise ValueError("days must be zero or more.")
    current = start
    counted = 0
    while counted < days:
        current += ONE_DAY
        if current.weekday() not in WEEKEND and current not in non_working:
            counted += 1
    return current


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Working days for one regime: weekdays that are not bank holidays.

    `holidays` maps each non-working weekday to its reason, e.g. "St Patrick's Day (Northern
    Ireland)". `regional` holds the dates that are bank holidays in only some parts of the UK,
    so that explanations can say why a London authority skips them. Arithmetic inside
    `start`..`end` uses bisection over a precomputed array of working-day ordinals; outside it,
    it steps day by day (weekends only, plus any holidays given for those years).

    Every method takes an optional `excluded` collection of calendar days on which the clock
    does not run (fee pauses, dissolution). They are handled with a second bisection over
    their sorted ordinals, so the precomputed array is never rebuilt.
    """

    holidays: Mapping[date, str]
    regional: frozenset[date] = frozenset()
    start: date = CALENDAR_START
    end: date = CALENDAR_END
    _working: list[int] = field(init=False, repr=False)
    _holiday_dates: list[date] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # A private read-only copy: a caller mutating its dict must not change the calendar.
        holidays = MappingProxyType(dict(sorted(self.holidays.items())))
        object.__setattr__(self, "holidays", holidays)
        object.__setattr__(self, "regional", frozenset(self.regional))
        holiday_ordinals = {d.toordinal() for d in holidays}
        working = [
            ordinal
            for ordinal in range(self.start.toordinal(), self.end.toordinal() + 1)
            if _weekday_of_ordinal(ordinal) not in WEEKEND and ordinal not in holiday_ordinals
        ]
        object.__setattr__(self, "_working", working)
        object.__setattr__(
            self, "_holiday_dates", [d for d in holidays if d.weekday() not in WEEKEND]
        )

    def is_working_day(self, d: date) -> bool:
        """True for a Monday to Friday that is not a bank holiday."""
        return d.weekday() not in WEEKEND and d not in self.holidays

    def non_working_reason(self, d: date) -> str:
        """Why `d` is not a working day ("Weekend (Saturday)", a holiday name), or ""."""
        if d.weekday() in WEEKEND:
            return f"Weekend ({d:%A})"
        return self.holidays.get(d, "")

    def holidays_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Bank holidays falling on weekdays from `first` to `last` inclusive, in date order."""
        lo = bisect_left(self._holiday_dates, first)
        hi = bisect_right(self._holiday_dates, last)
        return [(d, self.holidays[d]) for d in self._holiday_dates[lo:hi]]

    def _in_range(self, *days: date) -> bool:
        return all(self.start <= d <= self.end for d in days)

    def _excluded_ordinals(self, excluded: Collection[date]) -> list[int]:
        # Only excluded *working* days change a count; weekends and holidays never count.
        return sorted({d.toordinal() for d in excluded if self.is_working_day(d)})

    def add_working_days(self, start: date, n: int, excluded: Collection[date] = ()) -> date:
        """Return the n-th working day after `start` (day 0), skipping `excluded` days too.

        `n == 0` returns `start` itself, working day or not. Negative `n` is refused.
        """
        if n < 0:
            raise ValueError("n must be zero or more.")
        if n == 0:
            return start
        s = start.toordinal()
        working = self._working
        first = bisect_right(working, s)  # index of the first working day after start
        target = first + n - 1
        if not self._in_range(start) or target >= len(working):
            return self._step(start, n, excluded)
        if excluded:
            ex = self._excluded_ordinals(excluded)
            before = bisect_right(ex, s)
            # Least fixed point of j = target + (excluded working days in (start, W[j]]);
            # the count only grows with j, so iterating from `target` reaches it.
            j = target
            while True:
                if j >= len(working):
                    return self._step(start, n, excluded)
                moved = target + bisect_right(ex, working[j]) - before
                if moved == j:
                    break
                j = moved
            target = j
        return date.fromordinal(working[target])

    def working_days_between(self, start: date, end: date, excluded: Collection[date] = ()) -> int:
        """Count working days after `start` up to and including `end`.

        Zero when `end == start`, and negative (minus the count from `end` to `start`) when
        `end` is before `start`, so `add_working_days(s, n)` and this are inverses for n >= 0.
        """
        if end < start:
            return -self.working_days_between(end, start, excluded)
        if not self._in_range(start, end):
            skip = set(excluded)
            return sum(
                1
                for d in calendar_days(start + ONE_DAY, end)
                if self.is_working_day(d) and d not in skip
            )
        s, e = start.toordinal(), end.toordinal()
        count = bisect_right(self._working, e) - bisect_right(self._working, s)
        if excluded:
            ex = self._excluded_ordinals(excluded)
            count -= bisect_right(ex, e) - bisect_right(ex, s)
        return count

    def _step(self, start: date, n: int, excluded: Collection[date]) -> date:
        skip = set(excluded)
        current = start
        counted = 0
        while counted < n:
            current += ONE_DAY
            if self.is_working_day(current) and current not in skip:
                counted += 1
        return current


def working_days_late(due: date, today: date, calendar: WorkingCalendar) -> int:
    """Working days past the end of `due`: 0 on or before it, 1 on the next working day."""
    return max(0, calendar.working_days_between(due, today))
