"""What each case-list filter means: one definition for the list, its CSV and the dashboard.

`CaseFilter` is a django-filter FilterSet over the case list's query parameters. The case
list and its CSV export filter with it; the dashboard narrows its figures with the same
filters (`CaseFilter.narrow`) and links each figure to the list with the parameters that
select exactly the cases it counted (tests/test_dashboard_links.py checks every link).

The form (`CaseListFilterForm`) checks the parameters' shape only; an invalid one is
reported and ignored while the valid ones still apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms as django_forms
from django.db.models import Q, QuerySet

from foi_cases import deadlines, search
from foi_cases.bank_holidays import calendar_for
from foi_cases.date_words import long_date
from foi_cases.forms import CaseFilterForm
from foi_cases.models import Case
from foi_cases.reporting import outcomes, statistics
from foi_cases.reporting.cohorts import local_midnight
from foi_cases.working_days import WorkingCalendar

OPEN, ANY, ON_HOLD = CaseFilterForm.OPEN, CaseFilterForm.ANY, "on_hold"
NO_TOPIC = "none"
MAX_WORKING_DAYS = 250


def _working_days(label: str) -> django_forms.IntegerField:
    return django_forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        error_messages={
            "invalid": "Enter a whole number of working days",
            "min_value": "Enter 0 or more working days",
            "max_value": f"Enter {MAX_WORKING_DAYS} working days or fewer",
        },
    )


def _timeliness_choices() -> list[tuple[str, str]]:
    """Table 3's measures: (Timeliness field, its row label), in the table's order."""
    blank = statistics.Timeliness(0, 0, 0, 0, 0, 0)
    names = list(statistics.Timeliness.__dataclass_fields__)
    return [(name, label) for name, (label, _) in zip(names, blank.rows(), strict=True)]


def _date(label: str) -> django_forms.DateField:
    return django_forms.DateField(
        label=label, required=False, error_messages={"invalid": "Enter a real date"}
    )


class CaseListFilterForm(CaseFilterForm):
    """The list's visible filters, and those the dashboard's links add (shown as a summary)."""

    status = django_forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            (OPEN, "Open cases"),
            (ANY, "Any status"),
            (ON_HOLD, "On hold (clarification or fee)"),
            *Case.Status.choices,
        ],
    )
    regime = django_forms.ChoiceField(
        label="Regime", required=False, choices=[("", "Any regime"), *Case.Regime.choices]
    )
    no_topic = django_forms.BooleanField(label="No topic", required=False)
    unassigned = django_forms.BooleanField(label="Not assigned", required=False)
    received_from = _date("Received from")
    received_to = _date("Received to")
    extended = django_forms.BooleanField(label="Public interest extension", required=False)
    extension_from = _working_days("Extended by at least this many working days")
    extension_to = _working_days("Extended by at most this many working days")
    late_from = _working_days("At least this many working days late")
    late_to = _working_days("At most this many working days late")
    outcome = django_forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any"), *outcomes.CabinetOffice.choices]
    )
    timeliness = django_forms.ChoiceField(
        label="Timeliness", required=False, choices=[("", "Any"), *_timeliness_choices()]
    )
    exemption = django_forms.RegexField(
        label="Exemption cited",
        required=False,
        regex=r"^[A-Z]{2,6}:[A-Za-z0-9() .-]{1,40}$",
        error_messages={"invalid": "Choose an exemption from the dashboard"},
    )

    # Filters shown as a line of text above the list, kept by hidden fields in its form.
    EXTRA = (
        "regime",
        "no_topic",
        "unassigned",
        "received_from",
        "received_to",
        "extended",
        "extension_from",
        "extension_to",
        "late_from",
        "late_to",
        "outcome",
        "timeliness",
        "exemption",
    )

    def applied_extras(self) -> list[tuple[str, str, str]]:
        """(name, raw value, plain words) of each extra filter in use, for the summary."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        shown = []
        for name in self.EXTRA:
            value = data.get(name)
            if value in (None, "", False):
                continue
            field = self.fields[name]
            words = str(value)
            if isinstance(value, dt.date):
                words = long_date(value)
            elif isinstance(field, django_forms.BooleanField):
                words = "yes"
            elif isinstance(field, django_forms.ChoiceField):
                words = str(dict(field.choices).get(value, value))
            shown.append((name, str(self.data.get(name, "")), f"{field.label}: {words}"))
        return shown


class CaseFilter(django_filters.FilterSet):
    """The case list's filters; `today` fixes "overdue" and "due within" for one request."""

    q = django_filters.Filter(method="search")
    status = django_filters.Filter(method="by_status")
    topic = django_filters.Filter(field_name="topics")
    no_topic = django_filters.Filter(method="without_topic")
    officer = django_filters.Filter(field_name="assigned_to")
    unassigned = django_filters.Filter(method="not_assigned")
    restricted = django_filters.Filter(method="by_restricted")
    regime = django_filters.Filter(field_name="regime")
    overdue = django_filters.Filter(method="only_overdue")
    due_within = django_filters.Filter(method="due_within_working_days")
    received_from = django_filters.Filter(method="received_after")
    received_to = django_filters.Filter(method="received_before")
    extended = django_filters.Filter(method="with_extension")
    extension_from = django_filters.Filter(method="extended_by")
    extension_to = django_filters.Filter(method="extended_by")
    late_from = django_filters.Filter(method="late_at_least")
    late_to = django_filters.Filter(method="late_at_most")
    outcome = django_filters.Filter(method="by_outcome")
    timeliness = django_filters.Filter(method="by_timeliness")
    exemption = django_filters.Filter(method="citing")

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self._calendars: dict[str, WorkingCalendar] = {}

    @classmethod
    def get_form_class(cls) -> type[CaseListFilterForm]:
        return CaseListFilterForm

    def calendars(self) -> dict[str, WorkingCalendar]:
        if not self._calendars:
            self._calendars = {regime: calendar_for(regime) for regime in Case.Regime.values}
        return self._calendars

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Every valid filter; open cases when no status is chosen."""
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.open()
        return queryset

    def narrow(self, **values: Any) -> QuerySet:
        """The queryset narrowed by already-clean values (the dashboard's own filters)."""
        queryset = self.queryset
        for name, value in values.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    # --- The filters ---------------------------------------------------------------------

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        every_match = self.data.get("all_matches") == "1"
        return search.matching_cases(queryset, value, every_match=every_match)

    def by_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == OPEN:
            return queryset.open()
        if value == ON_HOLD:
            return queryset.filter(status__in=Case.CLOCK_STOPPED_STATUSES)
        if value == ANY:
            return queryset
        return queryset.filter(status=value)

    def without_topic(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(topics__isnull=True) if value else queryset

    def not_assigned(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(assigned_to__isnull=True) if value else queryset

    def by_restricted(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(restricted=value == "yes")

    def only_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.overdue(self.today) if value else queryset

    def due_within_working_days(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        limits = deadlines.due_soon_limits(self.today, self.calendars(), value)
        return self._current_due_in(queryset, {r: (self.today, last) for r, last in limits.items()})

    # The two halves of statistics.received(first, last): dates in Europe/London.
    def received_after(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(received_at__gte=local_midnight(value))

    def received_before(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        if value >= dt.date.max:
            return queryset
        return queryset.filter(received_at__lt=local_midnight(value + dt.timedelta(days=1)))

    def with_extension(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(extended_due_on__isnull=False, due_on__isnull=False)

    def extended_by(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        """Extended beyond the statutory date by at least (or at most) `value` working days.

        The length is counted on the regime's calendar in Python, over the extended cases
        only (few); an extension to the statutory date itself counts as one day, as the
        dashboard's bands count it.
        """
        extended = queryset.filter(extended_due_on__isnull=False, due_on__isnull=False)
        keep = []
        for pk, regime, due_on, extended_due_on in extended.values_list(
            "pk", "regime", "due_on", "extended_due_on"
        ):
            length = max(self.calendars()[regime].working_days_between(due_on, extended_due_on), 1)
            if (length >= value) if name == "extension_from" else (length <= value):
                keep.append(pk)
        return queryset.filter(pk__in=keep)

    def late_at_least(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        """Overdue by `value` working days or more (1 at least), on the regime's calendar."""
        ranges = {
            regime: (dt.date.min, self._latest_due_late_by(calendar, max(value, 1)))
            for regime, calendar in self.calendars().items()
        }
        return self._current_due_in(queryset.overdue(self.today), ranges)

    def late_at_most(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        """Overdue by no more than `value` working days."""
        ranges = {
            regime: (
                self._latest_due_late_by(calendar, value + 1) + dt.timedelta(days=1),
                self.today,
            )
            for regime, calendar in self.calendars().items()
        }
        return self._current_due_in(queryset.overdue(self.today), ranges)

    def by_outcome(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Cases whose reporting outcome falls in a Cabinet Office category."""
        reported = [r for r, category in outcomes.CABINET_OFFICE.items() if category == value]
        return queryset.filter(reporting_outcome__in=reported)

    def by_timeliness(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Cases meeting one of Table 3's conditions (answered in time, late, ...) today."""
        condition = statistics._timeliness_filters(self.today)[value]
        meeting = statistics.annotate_dates(Case.objects.order_by()).filter(condition)
        return queryset.filter(pk__in=meeting.values("pk"))

    def citing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Cases with a decision citing the exemption "REGIME:section" (e.g. "FOIA:s31")."""
        from exemptions.models import ExemptionCitation

        regime, section = value.split(":", 1)
        citing = ExemptionCitation.objects.filter(
            exemption__regime=regime, exemption__section=section
        ).values("case_id")
        return queryset.filter(pk__in=citing)

    # --- Helpers -------------------------------------------------------------------------

    def _latest_due_late_by(self, calendar: WorkingCalendar, days: int) -> dt.date:
        """The latest due date that is at least `days` working days late today."""
        due = self.today - dt.timedelta(days=1)
        while calendar.working_days_between(due, self.today) < days:
            due -= dt.timedelta(days=1)
        return due

    @staticmethod
    def _current_due_in(queryset: QuerySet, ranges: dict[str, tuple[dt.date, dt.date]]) -> QuerySet:
        """Open cases, clock running, whose current due date is in their regime's range."""
        matching = Q()
        for regime, (first, last) in ranges.items():
            matching |= Q(regime=regime) & (
                Q(extended_due_on__range=(first, last))
                | Q(extended_due_on__isnull=True, due_on__range=(first, last))
            )
        return queryset.open().exclude(status__in=Case.CLOCK_STOPPED_STATUSES).filter(matching)
