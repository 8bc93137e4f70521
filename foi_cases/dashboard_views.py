"""Dashboard, quarterly statistics, CSV exports and the notification list: short views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from foi_cases import notifications
from foi_cases.dashboard_forms import EARLIEST_YEAR, DashboardFilterForm
from foi_cases.models import Case, CaseAccessLog, Notification
from foi_cases.permissions import cases_visible_to, has_any_role, is_manager, is_officer
from foi_cases.replica import reads_from_replica
from foi_cases.reporting import csv_export, dashboards, statistics


def _require_role(request: HttpRequest) -> None:
    if not has_any_role(request.user):
        raise PermissionDenied("Your account has no role yet.")


def _build(request: HttpRequest) -> tuple[DashboardFilterForm, dashboards.Dashboard]:
    _require_role(request)
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET, today=today)
    first, last, label = form.chosen_period()
    data = form.cleaned_data if form.is_valid() else {}
    scope = dashboards.scope_for(request.user, request.GET.get("scope", ""))
    filters = dashboards.Filters(
        first=first,
        last=last,
        period_label=label,
        topic=data.get("topic"),
        officer=data.get("officer") if scope.name != "mine" else None,
        regime=data.get("regime") or "",
    )
    return form, dashboards.build_dashboard(scope, filters, today)


@require_GET
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    form, dash = _build(request)
    query = request.GET.copy()
    return render(
        request,
        "foi_cases/dashboard/dashboard.html",
        {
            "form": form,
            "dash": dash,
            "query": query.urlencode(),
            "can_switch_scope": is_officer(request.user) and not is_manager(request.user),
            "is_manager": is_manager(request.user),
        },
    )


@require_GET
@reads_from_replica
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    _, dash = _build(request)
    if table not in dash.tables:
        raise Http404("No such table.")
    chosen = dash.tables[table]
    name = f"{table}-{dash.filters.first:%Y%m%d}-{dash.filters.last:%Y%m%d}.csv"
    return csv_export.csv_response(name, chosen.columns, chosen.csv_rows())


# --- Quarterly statistics ---------------------------------------------------------------


def _last_complete_quarter(today: dt.date) -> tuple[int, int]:
    first, _ = statistics.quarter_of(today)
    previous = first - dt.timedelta(days=1)
    return previous.year, (previous.month - 1) // 3 + 1


def _report(request: HttpRequest) -> dict[str, Any]:
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can see the statistics.")
    today = timezone.localdate()
    year, quarter = _last_complete_quarter(today)
    try:
        year = int(request.GET.get("year", year))
        quarter = int(request.GET.get("quarter", quarter))
    except ValueError:
        pass
    if not (EARLIEST_YEAR <= year <= today.year and 1 <= quarter <= 4):
        year, quarter = _last_complete_quarter(today)
    first, last = statistics.quarter_of(dt.date(year, 3 * quarter - 2, 1))
    return {
        "year": year,
        "quarter": quarter,
        "year_str": str(year),
        "quarter_str": str(quarter),
        "first": first,
        "last": last,
        "tables": statistics.quarterly_report(Case.objects.all(), first, last, today),
        "years": list(range(today.year, EARLIEST_YEAR - 1, -1))[:10],
    }


@require_GET
@reads_from_replica
def statistics_page(request: HttpRequest) -> HttpResponse:
    return render(request, "foi_cases/dashboard/statistics.html", _report(request))


@require_GET
@reads_from_replica
def statistics_csv(request: HttpRequest, table: str = "") -> HttpResponse:
    """One table, or (without a table) every table one after another, as published."""
    report = _report(request)
    tables = [t for t in report["tables"] if not table or t.slug == table]
    if not tables:
        raise Http404("No such table.")
    name = f"foi-statistics-{report['year']}-q{report['quarter']}{'-' + table if table else ''}.csv"
    if len(tables) == 1:
        return csv_export.csv_response(name, tables[0].columns, tables[0].csv_rows())
    rows: list[tuple[Any, ...]] = []
    for chosen in tables:
        rows += [(chosen.caption,), chosen.columns, *chosen.csv_rows(), ()]
    period = f"Requests received {report['first']:%d %B %Y} to {report['last']:%d %B %Y}"
    return csv_export.csv_response(name, (period,), rows)


# --- The case list as CSV ---------------------------------------------------------------

CASE_COLUMNS = (
    "Reference",
    "Title",
    "Received",
    "Regime",
    "Status",
    "Outcome",
    "Officer",
    "Due",
    "Extended to",
    "Responded",
    "Topics",
    "Restricted",
)


@require_GET
@reads_from_replica
def case_list_export(request: HttpRequest) -> HttpResponse:
    """The case list with the same filters (and tab) as a CSV, formulas neutralised."""
    from foi_cases.case_views import default_tab, filter_cases

    _require_role(request)
    tab = request.GET.get("tab") or default_tab(request.user)
    if tab not in ("mine", "team", "all"):
        raise Http404("No such list.")
    if tab == "all" and not is_manager(request.user):
        raise PermissionDenied("Only managers can list all cases.")
    cases = Case.objects.all() if tab == "all" else cases_visible_to(request.user)
    if tab == "mine":
        cases = cases.filter(assigned_to=request.user)
    today = timezone.localdate()
    cases = (
        filter_cases(cases, request.GET, today)
        .qs.select_related("assigned_to")
        .prefetch_related("topics")
        .order_by("received_at", "reference")
    )
    cases = list(cases)
    # Each exported row of a restricted case is a read of it: record who, when and what.
    CaseAccessLog.objects.bulk_create(
        CaseAccessLog(case=case, user=request.user, what="CSV export row", at=timezone.now())
        for case in cases
        if case.restricted
    )
    rows = (
        (
            case.reference,
            case.title,
            timezone.localtime(case.received_at).date(),
            case.regime,
            case.get_status_display(),
            case.get_outcome_display(),
            (case.assigned_to.get_full_name() or case.assigned_to.get_username())
            if case.assigned_to
            else "",
            case.due_on,
            case.extended_due_on,
            timezone.localtime(case.responded_at).date() if case.responded_at else None,
            "; ".join(t.name for t in case.topics.all()),
            case.restricted,
        )
        for case in cases
    )
    return csv_export.csv_response(f"cases-{today:%Y%m%d}.csv", CASE_COLUMNS, rows)


# --- Notifications ----------------------------------------------------------------------


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).select_related("case")[:100]
    return render(
        request,
        "foi_cases/dashboard/notifications.html",
        {
            "notifications": [(row, notifications.link(row)) for row in rows],
            "unread": notifications.unread_count(request.user),
        },
    )


@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    notifications.mark_read(request.user)
    return redirect("notifications")
