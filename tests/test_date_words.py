"""Dates in words: one wording for letters, reminders and pages."""

from __future__ import annotations

import datetime as dt

from foi_cases.date_words import long_date


def test_a_date_is_written_day_month_year_without_a_leading_zero():
    assert long_date(dt.date(2026, 1, 5)) == "5 January 2026"
    assert long_date(dt.date(2026, 12, 31)) == "31 December 2026"


def test_no_date_gives_the_callers_wording_for_its_absence():
    assert long_date(None) == ""
    assert long_date(None, "[[date]]") == "[[date]]"
