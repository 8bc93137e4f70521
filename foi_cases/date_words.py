"""How the service writes a date in words, in letters, reminders and pages alike."""

from __future__ import annotations

import datetime as dt


def long_date(day: dt.date | None, missing: str = "") -> str:
    """ "7 December 2026" (no leading zero), or `missing` when there is no date."""
    return f"{day.day} {day:%B %Y}" if day else missing
