"""The dashboard's filters: the period (a quarter, a year or GOV.UK date inputs), topic,
officer and regime, read from the query string; bad input falls back to the current quarter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict

from foi_cases.models import Case, Topic
from foi_cases.permissions import OFFICER
from foi_cases.reporting import statistics

EARLIEST_YEAR = 2005
DATE_PARTS = ("day", "month", "year")
DATE_FIELDS = ("date_from", "date_to")


def _dates_from_parts(data: QueryDict) -> QueryDict:
    """Each GOV.UK date input (`date_from-day`, `-month`, `-year`) as one ISO date value.

    A date given whole (`date_from=2026-01-01`, as links carry it) is kept; parts that do
    not make a date become a value the date field refuses with its own message.
    """
    data = data.copy()
    for name in DATE_FIELDS:
        parts = [data.get(f"{name}-{part}", "").strip() for part in DATE_PARTS]
        if not any(parts) or data.get(name):
            continue
        day, month, year = parts
        if all(part.isdecimal() for part in parts) and len(year) == 4:
            data[name] = f"{year}-{int(month):02d}-{int(day):02d}"
        else:
            data[name] = "incomplete"
    return data


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string; bad input falls back to defaults."""

    PERIODS = [("quarter", "Quarter"), ("year", "Year"), ("custom", "Custom range")]

    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False)
    year = forms.IntegerField(label="Year", required=False, min_value=EARLIEST_YEAR)
    quarter = forms.TypedChoiceField(
        label="Quarter",
        required=False,
        coerce=int,
        choices=[("", "Current")] + [(n, f"Q{n} (calendar)") for n in range(1, 5)],
    )
    date_from = forms.DateField(
        label="From",
        required=False,
        error_messages={"invalid": "Enter the start date as a real date, for example 1 4 2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        error_messages={"invalid": "Enter the end date as a real date, for example 30 6 2026"},
    )
    topic = forms.ModelChoiceField(
        label="Topic", required=False, queryset=Topic.objects.all(), empty_label="Any topic"
    )
    officer = forms.ModelChoiceField(
        label="Officer",
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label="Any officer",
    )
    regime = forms.ChoiceField(
        label="Regime", required=False, choices=[("", "Any regime"), *Case.Regime.choices]
    )

    def __init__(self, data: QueryDict | None = None, *, today: dt.date, **kwargs: Any) -> None:
        super().__init__(None if data is None else _dates_from_parts(data), **kwargs)
        self.today = today
        self.fields["officer"].queryset = (
            get_user_model()
            .objects.filter(groups__name=OFFICER, is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        period = data.get("period") or "quarter"
        if data.get("year") and data["year"] > self.today.year:
            self.add_error("year", f"Enter a year no later than {self.today.year}")
        if period == "custom":
            first, last = data.get("date_from"), data.get("date_to")
            if "date_from" in self.errors or "date_to" in self.errors:
                pass
            elif not first or not last:
                self.add_error("date_from", "Enter both dates of the custom range")
            elif last < first:
                self.add_error("date_to", "The end date must be on or after the start date")
            elif (last - first).days > 366 * 5:
                self.add_error("date_to", "Choose a range of 5 years or less")
        return data

    def chosen_period(self) -> tuple[dt.date, dt.date, str]:
        """(first day, last day, label) of the chosen period; the current quarter by default."""
        data = self.cleaned_data if self.is_valid() else {}
        today = self.today
        period = data.get("period") or "quarter"
        year = data.get("year") or today.year
        if period == "custom" and data.get("date_from") and data.get("date_to"):
            first, last = data["date_from"], data["date_to"]
            return first, last, f"{first:%d %b %Y} to {last:%d %b %Y}"
        if period == "year":
            return dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)
        quarter = data.get("quarter") or ((today.month - 1) // 3 + 1 if year == today.year else 4)
        first, last = statistics.quarter_of(dt.date(year, 3 * quarter - 2, 1))
        return first, last, f"Q{quarter} {year}"

    def date_inputs(self) -> list[dict[str, Any]]:
        """The custom range's two GOV.UK date inputs: field, and day, month and year shown.

        What was typed is shown back; otherwise the chosen period's first and last days, so
        picking "Custom range" starts from the period on screen.
        """
        first, last, _ = self.chosen_period()
        shown = []
        for name, default in zip(DATE_FIELDS, (first, last), strict=True):
            typed = [self.data.get(f"{name}-{part}", "") for part in DATE_PARTS]
            if not any(typed):
                value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
                day = value or default
                typed = [str(day.day), str(day.month), str(day.year)]
            shown.append({"field": self[name], "parts": dict(zip(DATE_PARTS, typed, strict=True))})
        return shown
