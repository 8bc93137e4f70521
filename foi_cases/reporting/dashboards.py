"""The manager's dashboard: every figure aggregated in SQL from what the case records hold.

`build_dashboard(scope, filters, today)` runs a fixed number of aggregate queries, however
many cases there are, and returns dataclasses the templates and CSV exports read. Working-day
arithmetic (days late, extension lengths, days taken) is done in Python on *grouped* rows,
e.g. one row per (regime, due date), never one query per case.

Two kinds of panel:

* live panels (open cases, due soon, overdue, extensions in use, workload; in
  `live_panels`) show the position today, narrowed by topic, officer and regime;
* period panels (timeliness, days taken, outcomes, exemptions, reviews, topics) cover the
  requests *received* in the chosen period, as the Cabinet Office tables do.

Restricted cases count in every figure; their reference and title are shown only to people
who may see the case.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, F, Q, QuerySet, Value, When

from foi_cases.bank_holidays import calendar_for
from foi_cases.deadlines import WorkingCalendar
from foi_cases.models import Case, Topic
from foi_cases.permissions import is_manager, is_officer
from foi_cases.reporting import charts, daily, outcomes, statistics
from foi_cases.reporting.case_filters import CaseFilter
from foi_cases.reporting.live_panels import CaseLine, LinkedRow, case_list_url, live_panels
from foi_cases.reporting.statistics import Row, Table

# --- Scope and filters ------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose cases the dashboard counts, and which of them the viewer may see in detail."""

    name: str  # "all", "team" or "mine"
    cases: QuerySet
    visible: Any  # a Q, or Value(True)
    list_tab: str  # the case list tab panels link to

    @property
    def label(self) -> str:
        return {"all": "All cases", "team": "Whole team", "mine": "My cases"}[self.name]


def scope_for(user: Any, requested: str = "") -> Scope:
    """Managers see everything; officers their own cases, or the whole team's figures."""
    if is_manager(user):
        return Scope("all", Case.objects.all(), Value(True), "all")
    if is_officer(user) and requested != "team":
        return Scope("mine", Case.objects.filter(assigned_to=user), Value(True), "mine")
    on_team = Case.team.through.objects.filter(user=user).values("case_id")
    visible = Q(restricted=False) | Q(assigned_to=user) | Q(pk__in=on_team)
    return Scope("team", Case.objects.all(), visible, "team")


@dataclass(frozen=True)
class Filters:
    first: dt.date
    last: dt.date
    period_label: str
    topic: Topic | None = None
    officer: Any = None
    regime: str = ""

    def apply(self, cases: QuerySet, today: dt.date) -> QuerySet:
        """The cases narrowed by topic, officer and regime, as the case list narrows them."""
        values = {"topic": self.topic, "officer": self.officer, "regime": self.regime}
        chosen = {name: value for name, value in values.items() if value not in (None, "")}
        return CaseFilter(queryset=cases, today=today).narrow(**chosen)

    def list_params(self) -> dict[str, Any]:
        """The filters in the case list's query parameters (see reporting.case_filters)."""
        params: dict[str, Any] = {}
        if self.topic is not None:
            params["topic"] = self.topic.pk
        if self.officer is not None:
            params["officer"] = self.officer.pk
        if self.regime:
            params["regime"] = self.regime
        return params

    def period_params(self) -> dict[str, str]:
        """The period, for links from period panels: every status, received in the period."""
        return {
            "status": "any",
            "received_from": self.first.isoformat(),
            "received_to": self.last.isoformat(),
        }


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    today: dt.date
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, charts.BarChart] = field(default_factory=dict)
    overdue: list[CaseLine] = field(default_factory=list)
    due_soon: list[CaseLine] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    rolling: statistics.Timeliness | None = None
    period: statistics.Timeliness | None = None
    rolling_first: dt.date | None = None
    median_days: float | None = None


# --- Panels -----------------------------------------------------------------------------


def _calendars() -> dict[str, WorkingCalendar]:
    return {regime: calendar_for(regime) for regime in Case.Regime.values}


def _timeliness_periods(dash: Dashboard) -> dict[str, tuple[dt.date, dt.date]]:
    first, last = statistics.rolling_quarter(dash.today)
    dash.rolling_first = first
    return {"rolling": (first, last), "period": (dash.filters.first, dash.filters.last)}


def timeliness(dash: Dashboard, cases: QuerySet, *, by_day: bool) -> None:
    """The rolling quarter's and the period's timeliness, in one aggregate query (of the
    day rows, `by_day`, or of the cases)."""
    periods = _timeliness_periods(dash)
    if by_day:
        counts = daily.timeliness_counts(periods, dash.today, dash.filters.regime)
        figures = statistics.timeliness_figures(counts, periods)
    else:
        figures = statistics.timeliness_by_period(cases, periods, dash.today)
    dash.rolling, dash.period = figures["rolling"], figures["period"]
    names = list(statistics.Timeliness.__dataclass_fields__)
    rows: list[Row] = [
        LinkedRow(
            (label, rolling_n, period_n),
            links=(
                "",
                _timeliness_url(dash, name, periods["rolling"]),
                _timeliness_url(dash, name, periods["period"]),
            ),
        )
        for name, (label, rolling_n), (_, period_n) in zip(
            names, dash.rolling.rows(), dash.period.rows(), strict=True
        )
    ]
    rows.append(
        Row(
            (
                "In time (per cent)",
                _percent(dash.rolling.rate),
                _percent(dash.period.rate),
            )
        )
    )
    rows.append(Row(("ICO band", dash.rolling.band, dash.period.band)))
    dash.tables["timeliness"] = Table(
        "timeliness",
        "Timeliness: requests answered in time",
        ("Measure", "Rolling quarter", dash.filters.period_label),
        rows,
        note="In time: answered on or before the due date or a permitted extended date. "
        "ICO bands: 95% and over good, 90 to 95% adequate, under 90% unsatisfactory.",
    )
    rates = [("Rolling quarter", dash.rolling.rate), (dash.filters.period_label, dash.period.rate)]
    # A cohort with nothing answered yet has no rate: leave it out rather than draw 0%.
    rates = [(label, rate) for label, rate in rates if rate is not None]
    dash.charts["timeliness"] = charts.bar_chart(
        "timeliness",
        "Per cent answered in time, against the ICO bands",
        [(label, round(float(rate), 1)) for label, rate in rates],
        max_value=100,
        unit="%",
        colours=[charts.band_colour(rate) for _, rate in rates],
        markers=[("90%", 90), ("95%", 95)],
    )


def _timeliness_url(dash: Dashboard, name: str, period: tuple[dt.date, dt.date]) -> str:
    first, last = period
    return case_list_url(
        dash.scope,
        dash.filters,
        timeliness=name,
        status="any",
        received_from=first.isoformat(),
        received_to=last.isoformat(),
    )


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1f}%"


def period_rows(cohort: QuerySet) -> list[dict[str, Any]]:
    """The cohort's requests by reporting outcome, regime and working days taken (None for
    those not answered against a statutory due date, or withdrawn, lapsed or subject access),
    as `daily.period_rows` reads them from the day rows."""
    answered = Q(responded_at__isnull=False, due_on__isnull=False) & ~Q(
        outcome__in=statistics.NOT_COUNTED_OUTCOMES
    )
    grouped = (
        statistics.annotate_dates(cohort.order_by())
        .annotate(
            answered_due=SqlCase(When(answered, then=F("due_on"))),
            answered_on=SqlCase(When(answered, then=F("responded_on"))),
        )
        .values("reporting_outcome", "regime", "answered_due", "answered_on")
        .annotate(n=Count("pk"))
    )
    counts: Counter[tuple[str, str, int | None]] = Counter()
    for row in grouped:
        taken = daily.days_taken(row["regime"], row["answered_due"], row["answered_on"])
        counts[(row["reporting_outcome"], row["regime"], taken)] += row["n"]
    return [
        {"reporting_outcome": outcome, "regime": regime, "days_taken": taken, "n": n}
        for (outcome, regime, taken), n in counts.items()
    ]


def _reported(grouped: list[dict[str, Any]]) -> dict[str, int]:
    return outcomes.outcome_counts_from((row["reporting_outcome"], row["n"]) for row in grouped)


def days_to_respond(dash: Dashboard, grouped: list[dict[str, Any]]) -> None:
    """Median working days from (effective) receipt to response (`daily.days_taken`)."""
    pairs = [(row["days_taken"], row["n"]) for row in grouped if row["days_taken"] is not None]
    dash.median_days = statistics.weighted_median(pairs)
    dash.counts["answered"] = sum(n for _, n in pairs)


def period_panels(dash: Dashboard, cases: QuerySet, cohort: QuerySet, *, by_day: bool) -> None:
    """Days taken, outcomes, exemptions and topics of the period's requests: three queries.

    Read from the day rows (`by_day`), or counted from `cohort` (`cases` received in the
    period) and the per-case summary rows of the period (`statistics.exemption_rows`,
    `statistics.topic_rows`).
    """
    f = dash.filters
    if by_day:
        grouped = daily.period_rows(f.first, f.last, f.regime)
        cited = daily.exemption_rows(f.first, f.last, f.regime)
        filed = daily.topic_rows(f.first, f.last, f.regime)
    else:
        grouped = period_rows(cohort)
        cited = statistics.exemption_rows(cases, f.first, f.last)
        filed = statistics.topic_rows(cases, f.first, f.last)
    days_to_respond(dash, grouped)
    outcomes_and_exemptions(dash, _reported(grouped), _exemption_table(dash, list(cited)))
    topics(dash, list(filed))


def _exemption_table(dash: Dashboard, cited: list[dict[str, Any]]) -> Table:
    """The statistics' exemption table, each row linked to the requests citing it."""
    grouped = sorted(
        cited, key=lambda row: (-row["cases"], row["exemption__regime"], row["exemption__section"])
    )
    table = statistics._exemption_table(grouped)  # keeps this order
    period = dash.filters.period_params()
    rows = [
        replace(
            row,
            href=case_list_url(
                dash.scope,
                dash.filters,
                exemption=f"{cited['exemption__regime']}:{cited['exemption__section']}",
                **period,
            ),
        )
        for row, cited in zip(table.rows, grouped, strict=True)
    ]
    return replace(table, rows=rows)


def outcomes_and_exemptions(dash: Dashboard, reported: dict[str, int], table: Table) -> None:
    """Outcomes (Cabinet Office categories) and the exemptions used."""
    counts = outcomes.cabinet_office_counts(reported)
    period = dash.filters.period_params()
    rows = [
        Row(
            (label, counts[value]),
            case_list_url(dash.scope, dash.filters, outcome=value, **period),
        )
        for value, label in outcomes.CabinetOffice.choices
        if value != outcomes.CabinetOffice.OTHER or counts[value]
    ]
    dash.tables["outcomes"] = Table(
        "outcomes",
        "Outcomes (Cabinet Office categories)",
        ("Outcome", "Requests"),
        rows,
        note="Derived from each question's recorded held status and outcome, and the "
        "procedural grounds cited. Neither-confirm-nor-deny refusals count as withheld in full.",
    )
    dash.charts["outcomes"] = charts.bar_chart(
        "outcomes", "Outcomes of requests received", [(r.cells[0], r.cells[1]) for r in rows]
    )
    dash.tables["exemptions"] = table
    dash.charts["exemptions"] = charts.bar_chart(
        "exemptions",
        "Requests citing each exemption",
        [(r.cells[0], r.cells[1]) for r in table.rows],
    )


def internal_reviews(dash: Dashboard, cases: QuerySet) -> None:
    f = dash.filters
    dash.tables["internal_reviews"] = statistics.internal_review_table(
        cases, f.first, f.last, dash.today
    )


def topics(dash: Dashboard, grouped: list[dict[str, Any]]) -> None:
    counted = []
    without = 0
    for row in grouped:
        pk, name, n = row["topic"], row["topic__name"], row["n"]
        if pk is None:
            without = n
        else:
            counted.append((pk, name, n))
    ordered = sorted(counted, key=lambda row: (-row[2], row[1]))
    rows = [
        Row(
            (name, n),
            case_list_url(dash.scope, dash.filters, topic=pk, **dash.filters.period_params()),
        )
        for pk, name, n in ordered
    ]
    if without:
        no_topic = case_list_url(
            dash.scope, dash.filters, no_topic=1, **dash.filters.period_params()
        )
        rows.append(Row(("No topic", without), no_topic))
    dash.tables["topics"] = Table("topics", "Requests per topic", ("Topic", "Requests"), rows)
    dash.charts["topics"] = charts.bar_chart(
        "topics", "Requests per topic", [(r.cells[0], r.cells[1]) for r in rows]
    )


def build_dashboard(scope: Scope, filters: Filters, today: dt.date) -> Dashboard:
    """Every panel, in a fixed number of queries."""
    dash = Dashboard(scope=scope, filters=filters, today=today)
    calendars = _calendars()
    cases = filters.apply(scope.cases, today)
    cohort = statistics.received_between(cases, filters.first, filters.last)
    by_day = daily.covers(
        every_case=scope.name != "mine", topic=filters.topic, officer=filters.officer
    )
    live_panels(dash, cases, calendars)
    timeliness(dash, cases, by_day=by_day)
    period_panels(dash, cases, cohort, by_day=by_day)
    internal_reviews(dash, cases)
    dash.counts["received"] = sum(
        n for _, n in dash.tables["outcomes"].csv_rows() if isinstance(n, int)
    )
    dash.counts["received_url"] = case_list_url(scope, filters, **filters.period_params())
    return dash
