"""The manager's dashboard: every figure aggregated in SQL from what the case records hold.

`build_dashboard(scope, filters, today)` runs a fixed number of aggregate queries, however
many cases there are, and returns dataclasses the templates and CSV exports read. Working-day
arithmetic (days late, extension lengths, days taken) is done in Python on *grouped* rows,
e.g. one row per (regime, due date), never one query per case.

Two kinds of panel:

* live panels (open cases, due soon, overdue, extensions in use, workload) show the position
  today, narrowed by topic, officer and regime;
* period panels (timeliness, days taken, outcomes, exemptions, reviews, topics) cover the
  requests *received* in the chosen period, as the Cabinet Office tables do.

Restricted cases count in every figure; their reference and title are shown only to people
who may see the case.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse

from foi_cases.bank_holidays import calendar_for
from foi_cases.deadlines import WorkingCalendar
from foi_cases.models import Case, Topic
from foi_cases.permissions import is_manager, is_officer
from foi_cases.reporting import charts, statistics
from foi_cases.reporting.statistics import Row, Table

DUE_SOON_WORKING_DAYS = 5
LIST_LIMIT = 20
LATE_BANDS = ((1, 5), (6, 10), (11, 20), (21, None))
EXTENSION_BANDS = ((1, 10), (11, 20), (21, None))


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

    def apply(self, cases: QuerySet) -> QuerySet:
        if self.topic is not None:
            cases = cases.filter(topics=self.topic)
        if self.officer is not None:
            cases = cases.filter(assigned_to=self.officer)
        if self.regime:
            cases = cases.filter(regime=self.regime)
        return cases

    def list_params(self) -> dict[str, Any]:
        """The filters in the case list's query parameters.

        `regime` is not read by the case list yet; it is sent so links narrow once it is.
        """
        params: dict[str, Any] = {}
        if self.topic is not None:
            params["topic"] = self.topic.pk
        if self.officer is not None:
            params["officer"] = self.officer.pk
        if self.regime:
            params["regime"] = self.regime
        return params

    def period_params(self) -> dict[str, str]:
        """The period, for links from period panels (not read by the case list yet)."""
        return {"received_from": self.first.isoformat(), "received_to": self.last.isoformat()}


def case_list_url(scope: Scope, filters: Filters, **params: Any) -> str:
    query = {**filters.list_params(), **{k: v for k, v in params.items() if v is not None}}
    url = reverse(f"case_list_{scope.list_tab}")
    return f"{url}?{urlencode(query)}" if query else url


# --- Tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseLine:
    """A case in a short list; reference and title are blank when the viewer may not see it."""

    reference: str
    title: str
    officer: str
    due: dt.date | None
    working_days: int
    visible: bool

    @property
    def url(self) -> str:
        return reverse("case_detail", args=[self.reference]) if self.visible else ""


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


def _band(value: int, bands: tuple[tuple[int, int | None], ...]) -> str:
    for low, high in bands:
        if value >= low and (high is None or value <= high):
            return _band_label(low, high)
    return _band_label(*bands[0])


def _band_label(low: int, high: int | None) -> str:
    return f"{low} or more working days" if high is None else f"{low} to {high} working days"


def _live(cases: QuerySet) -> QuerySet:
    """Open cases whose clock is running, with their current due date."""
    return (
        cases.open()
        .exclude(status__in=Case.CLOCK_STOPPED_STATUSES)
        .annotate(current_due=Coalesce("extended_due_on", "due_on"))
        .filter(current_due__isnull=False)
    )


def live_panels(dash: Dashboard, cases: QuerySet, calendars: dict[str, WorkingCalendar]) -> None:
    """Open cases by status, deadlines, extensions and workload from one grouped query.

    Open cases are grouped by officer, status, regime and dates (a few hundred rows however
    many cases were ever received); each panel sums the groups it needs.
    """
    groups = list(
        cases.open()
        .order_by()
        .values(
            "assigned_to",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
            "status",
            "regime",
            "due_on",
            "extended_due_on",
        )
        .annotate(n=Count("pk"))
    )
    open_by_status(dash, groups)
    deadlines(dash, groups, calendars)
    extensions(dash, groups, calendars)
    workload(dash, groups)
    case_lines(dash, cases, calendars)


def _current_due(row: dict[str, Any]) -> dt.date | None:
    return row["extended_due_on"] or row["due_on"]


def open_by_status(dash: Dashboard, groups: list[dict[str, Any]]) -> None:
    counts = Counter[str]()
    for row in groups:
        counts[row["status"]] += row["n"]
    rows = [
        Row(
            (label, counts.get(value, 0)),
            case_list_url(dash.scope, dash.filters, status=value),
        )
        for value, label in Case.Status.choices
        if value not in Case.FINISHED_STATUSES
    ]
    dash.counts["open"] = sum(counts.values())
    dash.tables["open_by_status"] = Table(
        "open_by_status", "Open cases by status", ("Status", "Cases"), rows
    )
    dash.charts["open_by_status"] = charts.bar_chart(
        "open_by_status", "Open cases by status", [(r.cells[0], r.cells[1]) for r in rows]
    )


def _soon(dash: Dashboard, calendars: dict[str, WorkingCalendar]) -> dict[str, dt.date]:
    return {
        r: cal.add_working_days(dash.today, DUE_SOON_WORKING_DAYS) for r, cal in calendars.items()
    }


def deadlines(
    dash: Dashboard, groups: list[dict[str, Any]], calendars: dict[str, WorkingCalendar]
) -> None:
    """Due within 5 working days, and overdue with how many working days late."""
    today = dash.today
    soon = _soon(dash, calendars)
    by_due = Counter[tuple[str, dt.date]]()
    for row in groups:
        due = _current_due(row)
        if due is not None and row["status"] not in Case.CLOCK_STOPPED_STATUSES:
            by_due[row["regime"], due] += row["n"]
    due_soon = 0
    late = Counter[str]()
    for (regime, due), n in by_due.items():
        if due < today:
            late[_band(calendars[regime].working_days_between(due, today), LATE_BANDS)] += n
        elif due <= soon[regime]:
            due_soon += n
    overdue = sum(late.values())
    dash.counts["due_soon"] = due_soon
    dash.counts["overdue"] = overdue
    dash.counts["due_soon_url"] = case_list_url(
        dash.scope, dash.filters, due_within=DUE_SOON_WORKING_DAYS
    )
    dash.counts["overdue_url"] = case_list_url(dash.scope, dash.filters, overdue=1)
    rows = [Row((_band_label(*band), late[_band_label(*band)])) for band in LATE_BANDS]
    dash.tables["overdue"] = Table(
        "overdue",
        "Overdue cases by working days late",
        ("Working days late", "Cases"),
        rows,
        note="Open cases whose current deadline (extended where extended) has passed.",
    )
    dash.charts["overdue"] = charts.bar_chart(
        "overdue",
        "Overdue cases by working days late",
        [(r.cells[0], r.cells[1]) for r in rows],
        colours=[charts.ORANGE, charts.RED, charts.RED, charts.RED],
    )


def case_lines(dash: Dashboard, cases: QuerySet, calendars: dict[str, WorkingCalendar]) -> None:
    """The first overdue cases and the first due soon, in one query.

    Each case is numbered within its list (overdue, or due from today) by due date, and only
    the first few of each list are read.
    """
    today = dash.today
    soon = _soon(dash, calendars)
    lines = (
        _live(cases)
        .filter(current_due__lte=max(soon.values()))
        .annotate(
            visible=ExpressionWrapper(dash.scope.visible, output_field=BooleanField()),
            late=ExpressionWrapper(Q(current_due__lt=today), output_field=BooleanField()),
        )
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("late")],
                order_by=[F("current_due").asc(), F("reference").asc()],
            )
        )
        .filter(position__lte=LIST_LIMIT * 2)
        .order_by("current_due", "reference")
        .values(
            "reference",
            "title",
            "regime",
            "current_due",
            "visible",
            "late",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
        )
    )
    overdue_rows, soon_rows = [], []
    for row in lines:
        (overdue_rows if row["current_due"] < today else soon_rows).append(row)
    dash.overdue = [_line(row, calendars, today, late=True) for row in overdue_rows[:LIST_LIMIT]]
    dash.due_soon = [
        _line(row, calendars, today, late=False)
        for row in soon_rows
        if row["current_due"] <= soon[row["regime"]]
    ][:LIST_LIMIT]


def _person(row: dict[str, Any], prefix: str) -> str:
    full = f"{row[prefix + 'first_name'] or ''} {row[prefix + 'last_name'] or ''}".strip()
    return full or row[prefix + "username"] or "Unassigned"


def _line(
    row: dict[str, Any], calendars: dict[str, WorkingCalendar], today: dt.date, *, late: bool
) -> CaseLine:
    calendar = calendars[row["regime"]]
    due = row["current_due"]
    days = (
        calendar.working_days_between(due, today)
        if late
        else calendar.working_days_between(today, due)
    )
    visible = bool(row["visible"])
    return CaseLine(
        reference=row["reference"] if visible else "",
        title=row["title"] if visible else "",
        officer=_person(row, "assigned_to__"),
        due=due,
        working_days=days,
        visible=visible,
    )


def extensions(
    dash: Dashboard, groups: list[dict[str, Any]], calendars: dict[str, WorkingCalendar]
) -> None:
    """s10(3) extensions on open cases, by working days beyond the statutory date."""
    grouped = Counter[tuple[str, dt.date, dt.date]]()
    for row in groups:
        if row["extended_due_on"] is not None and row["due_on"] is not None:
            grouped[row["regime"], row["due_on"], row["extended_due_on"]] += row["n"]
    bands = Counter[str]()
    total = days = 0
    for (regime, due_on, extended_due_on), n in grouped.items():
        length = calendars[regime].working_days_between(due_on, extended_due_on)
        bands[_band(max(length, 1), EXTENSION_BANDS)] += n
        total += n
        days += length * n
    dash.counts["extensions"] = total
    dash.counts["extension_average"] = round(days / total, 1) if total else None
    rows = [Row((_band_label(*band), bands[_band_label(*band)])) for band in EXTENSION_BANDS]
    dash.tables["extensions"] = Table(
        "extensions",
        "Public interest extensions in use, by length",
        ("Working days beyond the statutory date", "Cases"),
        rows,
        note="The ICO expects no more than 20 extra working days except in exceptional cases.",
    )


def workload(dash: Dashboard, groups: list[dict[str, Any]]) -> None:
    today = dash.today
    people: dict[Any, dict[str, Any]] = {}
    for row in groups:
        person = people.setdefault(
            row["assigned_to"],
            {**row, "open": 0, "overdue": 0, "in_review": 0, "on_hold": 0},
        )
        n = row["n"]
        person["open"] += n
        due = _current_due(row)
        if row["status"] in Case.CLOCK_STOPPED_STATUSES:
            person["on_hold"] += n
        elif due is not None and due < today:
            person["overdue"] += n
        if row["status"] == Case.Status.IN_REVIEW:
            person["in_review"] += n
    # Most open cases first, then by username (nobody, the unassigned, last among equals).
    ordered = sorted(
        people.values(),
        key=lambda p: (
            -p["open"],
            p["assigned_to__username"] is None,
            p["assigned_to__username"] or "",
        ),
    )
    rows = []
    for row in ordered:
        name = _person(row, "assigned_to__") if row["assigned_to"] else "Unassigned"
        href = ""
        if row["assigned_to"] and dash.scope.name != "mine":
            href = (
                reverse(f"case_list_{dash.scope.list_tab}")
                + "?"
                + urlencode({**dash.filters.list_params(), "officer": row["assigned_to"]})
            )
        rows.append(
            Row((name, row["open"], row["overdue"], row["in_review"], row["on_hold"]), href)
        )
    dash.tables["workload"] = Table(
        "workload",
        "Workload per officer (open cases)",
        ("Officer", "Open", "Overdue", "In review", "On hold"),
        rows,
    )
    dash.charts["workload"] = charts.bar_chart(
        "workload", "Open cases per officer", [(r.cells[0], r.cells[1]) for r in rows]
    )


def _timeliness_periods(dash: Dashboard) -> dict[str, tuple[dt.date, dt.date]]:
    first, last = statistics.rolling_quarter(dash.today)
    dash.rolling_first = first
    return {"rolling": (first, last), "period": (dash.filters.first, dash.filters.last)}


def timeliness(
    dash: Dashboard, cases: QuerySet, figures: dict[str, statistics.Timeliness] | None = None
) -> None:
    """The rolling quarter's and the period's timeliness (`figures`, if already read)."""
    periods = _timeliness_periods(dash)
    if figures is None:
        figures = statistics.timeliness_by_period(cases, periods, dash.today)
    dash.rolling, dash.period = figures["rolling"], figures["period"]
    rows = [
        Row((label, rolling_n, period_n))
        for (label, rolling_n), (_, period_n) in zip(
            dash.rolling.rows(), dash.period.rows(), strict=True
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


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1f}%"


def _days_query(cohort: QuerySet) -> QuerySet:
    """Answered requests of the cohort grouped by regime, statutory due date and response."""
    return (
        statistics.annotate_dates(cohort.order_by())
        .filter(responded_at__isnull=False, due_on__isnull=False)
        .exclude(outcome__in=statistics.NOT_COUNTED_OUTCOMES)
        .values("regime", "due_on", "responded_on")
        .annotate(n=Count("pk"))
    )


def _date(value: Any) -> dt.date:
    """A date column read by a raw query (SQLite gives it as text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def days_to_respond(
    dash: Dashboard, grouped: list[dict[str, Any]], calendars: dict[str, WorkingCalendar]
) -> None:
    """Median working days from (effective) receipt to response, on the statutory clock.

    Counted as 20 plus the working days from the statutory due date to the response, so a
    clarification (which restarts the clock) and a fee pause (which stops it) are honoured.
    """
    pairs = [
        (
            statistics.STATUTORY_WORKING_DAYS
            + calendars[row["regime"]].working_days_between(
                _date(row["due_on"]), _date(row["responded_on"])
            ),
            row["n"],
        )
        for row in grouped
    ]
    dash.median_days = statistics.weighted_median(pairs)
    dash.counts["answered"] = sum(n for _, n in pairs)


def cohort_panels(
    dash: Dashboard,
    cohort: QuerySet,
    calendars: dict[str, WorkingCalendar],
    cases: QuerySet | None = None,
) -> None:
    """Days taken, outcomes, exemptions and topics of the period's requests: one query.

    The period's cases are read once and shared by the groupings (see
    `statistics.CohortQueries`). Given `cases`, the timeliness panel (rolling quarter and
    period, read from the case table itself) joins the same statement.
    """
    queries = statistics.CohortQueries(cohort)
    statistics.outcome_queries(queries)
    queries.add("days", _days_query(queries.cohort))
    queries.add("topics", _topics_query(dash, queries.cohort))
    if cases is not None:
        periods = _timeliness_periods(dash)
        statistics.timeliness_by_period_query(queries, "timeliness", cases, periods, dash.today)
    results = queries.run()
    if cases is not None:
        figures = statistics.timeliness_from_rows(results["timeliness"], periods, dash.today)
        timeliness(dash, cases, figures)
    days_to_respond(dash, results["days"], calendars)
    outcomes_and_exemptions(dash, *statistics.outcome_results(results))
    topics(dash, results["topics"])


def outcomes_and_exemptions(dash: Dashboard, reported: dict[str, int], table: Table) -> None:
    """Outcomes (Cabinet Office categories) and the exemptions used."""
    counts = statistics.cabinet_office_counts(reported)
    rows = [
        Row((label, counts[value]))
        for value, label in statistics.CabinetOffice.choices
        if value != statistics.CabinetOffice.OTHER or counts[value]
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


def _topics_query(dash: Dashboard, cohort: QuerySet) -> QuerySet:
    """Requests per topic, and those with none (topic None), grouped over the topic links.

    Grouped on a join of its own (not the topic filter's), so a request filed under the chosen
    topic and others counts under each of its topics, as the case list would show it.
    """
    # Without a topic filter the cohort's own join is fresh; with one, start again from its ids.
    base = cohort if dash.filters.topic is None else Case.objects.filter(pk__in=cohort.values("pk"))
    return base.order_by().values("topics", "topics__name").annotate(n=Count("pk"))


def topics(dash: Dashboard, grouped: list[dict[str, Any]]) -> None:
    counted = []
    without = 0
    for row in grouped:
        pk, name, n = row["topics"], row["topics__name"], row["n"]
        if pk is None:
            without = n
        else:
            counted.append((pk, name, n))
    ordered = sorted(counted, key=lambda row: (-row[2], row[1]))
    rows = [
        Row(
            (name, n),
            case_list_url(
                dash.scope, dash.filters, topic=pk, status="any", **dash.filters.period_params()
            ),
        )
        for pk, name, n in ordered
    ]
    if without:
        rows.append(Row(("No topic", without)))
    dash.tables["topics"] = Table("topics", "Requests per topic", ("Topic", "Requests"), rows)
    dash.charts["topics"] = charts.bar_chart(
        "topics", "Requests per topic", [(r.cells[0], r.cells[1]) for r in rows]
    )


def build_dashboard(scope: Scope, filters: Filters, today: dt.date) -> Dashboard:
    """Every panel, in a fixed number of queries."""
    dash = Dashboard(scope=scope, filters=filters, today=today)
    calendars = _calendars()
    cases = filters.apply(scope.cases)
    cohort = statistics.received_between(cases, filters.first, filters.last)
    live_panels(dash, cases, calendars)
    cohort_panels(dash, cohort, calendars, cases)
    internal_reviews(dash, cases)
    dash.counts["received"] = sum(
        n for _, n in dash.tables["outcomes"].csv_rows() if isinstance(n, int)
    )
    return dash
