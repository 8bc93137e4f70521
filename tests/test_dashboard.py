"""Every dashboard figure, checked against the hand-counted cases in tests/dashboard_cases.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from foi_cases.bank_holidays import calendar_for
from foi_cases.deadlines import due_date
from foi_cases.reporting import dashboards
from tests import dashboard_cases, factories
from tests.dashboard_cases import Q1, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(officer, other_officer):
    return dashboard_cases.build(officer, other_officer)


def _dash(user, **filters):
    scope = dashboards.scope_for(user, filters.pop("scope", ""))
    return dashboards.build_dashboard(scope, dashboards.Filters(*Q1, "Q1 2026", **filters), TODAY)


def _table(dash, slug):
    return {row.cells[0]: row.cells[1:] for row in dash.tables[slug].rows}


def test_hand_counted_due_dates_match_the_calendar():
    calendar = calendar_for("FOIA")
    assert due_date(dt.date(2026, 1, 12)) == dt.date(2026, 2, 9)
    assert due_date(dt.date(2026, 2, 2)) == dt.date(2026, 3, 2)
    assert due_date(dt.date(2026, 2, 16)) == dt.date(2026, 3, 16)  # D, after clarification
    assert due_date(dt.date(2026, 3, 2)) == dt.date(2026, 3, 31)
    assert due_date(dt.date(2026, 3, 23)) == dt.date(2026, 4, 22)
    assert due_date(dt.date(2025, 12, 1)) == dt.date(2025, 12, 31)
    assert calendar.working_days_between(dt.date(2026, 3, 31), TODAY) == 12
    assert calendar.working_days_between(dt.date(2025, 12, 31), dt.date(2026, 1, 28)) == 18


def test_live_panels(cases, manager):
    dash = _dash(manager)
    assert dash.counts["open"] == 4
    assert _table(dash, "open_by_status") == {
        "Received": (0,),
        "In progress": (2,),
        "Awaiting clarification": (1,),
        "Awaiting fee": (0,),
        "In review": (1,),
        "Approved": (0,),
    }
    assert dash.counts["due_soon"] == 1
    assert dash.counts["overdue"] == 2
    assert _table(dash, "overdue") == {
        "1 to 5 working days": (0,),
        "6 to 10 working days": (0,),
        "11 to 20 working days": (1,),
        "21 or more working days": (1,),
    }
    assert [(line.reference, line.working_days) for line in dash.overdue] == [
        ("K", 55),  # 29-30 Jan 2, Feb 20, Mar 21 (not 17th), 1-20 Apr 12
        ("F", 12),
    ]
    assert [(line.reference, line.working_days) for line in dash.due_soon] == [("G", 2)]
    assert dash.counts["extensions"] == 1
    assert dash.counts["extension_average"] == 18
    assert _table(dash, "extensions")["11 to 20 working days"] == (1,)


def test_workload_per_officer(cases, manager, officer, other_officer):
    rows = _table(_dash(manager), "workload")
    olivia = officer.get_full_name()
    oscar = other_officer.get_full_name()
    # open, overdue, in review, on hold
    assert rows == {olivia: (2, 1, 0, 1), oscar: (2, 1, 1, 0)}


def test_timeliness_for_the_period_and_the_rolling_quarter(cases, manager):
    dash = _dash(manager)
    period = dash.period
    assert (period.within_statutory, period.within_extension, period.late) == (4, 1, 1)
    assert (period.open_overdue, period.open_in_time, period.excluded) == (1, 1, 2)
    assert period.in_time == 5 and period.counted == 7
    assert round(period.rate, 1) == 71.4
    assert period.band == "Unsatisfactory"
    # The rolling quarter starts on 21 January 2026, so A (received 12 January) drops out.
    assert dash.rolling_first == dt.date(2026, 1, 21)
    assert (dash.rolling.in_time, dash.rolling.counted) == (4, 6)


def test_median_working_days_to_respond_counts_from_the_clarification(cases, manager):
    dash = _dash(manager)
    # A 14, B 22, C 36, D 19 (from the clarification), E 19, I 14.
    assert dash.counts["answered"] == 6
    assert dash.median_days == 19


def test_outcomes_in_cabinet_office_categories(cases, manager):
    assert _table(_dash(manager), "outcomes") == {
        "Granted in full": (2,),
        "Partially withheld": (1,),
        "Withheld in full": (2,),
        "Information not held": (0,),
        "Not yet processed": (2,),
        "Lapsed or on hold": (2,),
        "Procedural refusal: cost (s12)": (1,),
        "Procedural refusal: vexatious or repeated (s14)": (0,),
    }


def test_exemptions_by_section(cases, manager):
    rows = _table(_dash(manager), "exemptions")
    by_section = {label.split(" ")[0]: counts for label, counts in rows.items()}
    assert by_section == {"s31": (2, 2), "s12": (1, 1), "s38": (1, 1)}


def test_topics_and_internal_reviews(cases, manager):
    dash = _dash(manager)
    assert _table(dash, "topics") == {"Security": (2,), "Costs": (1,), "No topic": (7,)}
    assert _table(dash, "internal_reviews") == {
        "Internal reviews requested": (3,),
        "Still open": (2,),
        "Open past the 20 working day target": (1,),
        "Open past the latest date (40 working days)": (1,),
        "Decided": (1,),
        "Decided within the target": (1,),
        "Upheld": (1,),
        "Upheld in part": (0,),
        "Overturned": (0,),
    }


def test_filters_narrow_every_panel(cases, manager, other_officer):
    from foi_cases.models import Topic

    dash = _dash(manager, officer=other_officer)
    assert dash.counts["open"] == 2
    assert dash.counts["overdue"] == 1
    assert _table(dash, "outcomes")["Not yet processed"] == (1,)
    dash = _dash(manager, topic=Topic.objects.get(slug="security"))
    assert _table(dash, "outcomes")["Granted in full"] == (1,)
    assert dash.counts["due_soon"] == 1
    dash = _dash(manager, regime="EIR")
    assert dash.counts["open"] == 0


def test_officer_sees_own_cases_and_team_figures_hide_restricted_details(
    cases, officer, other_officer
):
    mine = _dash(officer)
    assert mine.scope.name == "mine"
    assert mine.counts["open"] == 2  # F and H
    team = _dash(officer, scope="team")
    assert team.counts["open"] == 4
    assert team.counts["due_soon"] == 1
    (line,) = team.due_soon
    assert (line.reference, line.title, line.visible, line.url) == ("", "", False, "")
    assert _dash(other_officer, scope="team").due_soon[0].reference == "G"


def test_dashboard_page_renders_charts_tables_and_links(client, cases, manager):
    client.force_login(manager)
    response = client.get(reverse("dashboard"), {"period": "quarter", "year": 2026, "quarter": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "<title id=" in html
    assert html.count("<svg") == html.count("<desc")
    assert "/cases/all/?overdue=1" in html
    assert "/cases/all/?due_within=5" in html
    assert "Download this table as CSV" in html
    assert "govuk-table__caption" in html


def test_restricted_case_is_not_named_on_an_officers_team_dashboard(client, cases, officer):
    client.force_login(officer)
    response = client.get(reverse("dashboard"), {"scope": "team"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Request G" not in html
    assert "A case you do not have access to" in html


def test_dashboard_needs_a_role(client, cases, outsider):
    client.force_login(outsider)
    assert client.get(reverse("dashboard")).status_code == 403


def test_bad_filters_fall_back_to_the_current_quarter(client, cases, manager):
    client.force_login(manager)
    response = client.get(
        reverse("dashboard"),
        {"period": "custom", "date_from": "2026-05-01", "date_to": "2026-01-01", "year": "x"},
    )
    assert response.status_code == 200
    assert "There is a problem with the filters" in response.content.decode()


def test_dashboard_table_csv(client, cases, manager):
    client.force_login(manager)
    response = client.get(reverse("dashboard_csv", args=["outcomes"]), {"year": 2026, "quarter": 1})
    assert response["Content-Type"].startswith("text/csv")
    assert "Granted in full,2" in response.content.decode("utf-8-sig")
    assert client.get(reverse("dashboard_csv", args=["nope"])).status_code == 404


def test_charts_scale_bars_and_leave_out_missing_rates(cases, manager):
    dash = _dash(manager)
    chart = dash.charts["timeliness"]
    assert [bar.text for bar in chart.bars] == ["66.7%", "71.4%"]
    assert [marker.label for marker in chart.markers] == ["90%", "95%"]
    assert chart.bars[0].width < chart.markers[0].x - chart.bar_left
    assert chart.description == "Rolling quarter: 66.7%; Q1 2026: 71.4%"
    empty = dashboards.build_dashboard(
        dashboards.scope_for(manager),
        dashboards.Filters(dt.date(2020, 1, 1), dt.date(2020, 3, 31), "Q1 2020"),
        TODAY,
    )
    assert [bar.label for bar in empty.charts["timeliness"].bars] == ["Rolling quarter"]
    assert empty.median_days is None


def test_unassigned_cases_are_listed_as_unassigned(manager):
    factories.CaseFactory(
        reference="LOOSE", status="received", due_on=dt.date(2026, 4, 1), assigned_to=None
    )
    dash = _dash(manager)
    assert [(line.reference, line.officer) for line in dash.overdue] == [("LOOSE", "Unassigned")]
    assert _table(dash, "workload") == {"Unassigned": (1, 1, 0, 0)}


def test_panels_link_to_the_filtered_case_list(cases, manager, other_officer):
    from foi_cases.models import Topic

    security = Topic.objects.get(slug="security")
    dash = _dash(manager)
    links = {row.cells[0]: row.href for row in dash.tables["topics"].rows}
    assert links["Security"] == (
        f"/cases/all/?topic={security.pk}&status=any"
        "&received_from=2026-01-01&received_to=2026-03-31"
    )
    status_links = {row.cells[0]: row.href for row in dash.tables["open_by_status"].rows}
    assert status_links["In review"] == "/cases/all/?status=in_review"
    workload = {row.cells[0]: row.href for row in dash.tables["workload"].rows}
    assert workload[other_officer.get_full_name()] == f"/cases/all/?officer={other_officer.pk}"
    narrowed = _dash(manager, regime="FOIA", topic=security)
    expected = f"/cases/all/?topic={security.pk}&regime=FOIA&overdue=1"
    assert narrowed.counts["overdue_url"] == expected


def _figures(dash) -> dict:
    return {
        "timeliness": dash.tables["timeliness"].csv_rows(),
        "outcomes": dash.tables["outcomes"].csv_rows(),
        "exemptions": dash.tables["exemptions"].csv_rows(),
        "topics": dash.tables["topics"].csv_rows(),
        "median": dash.median_days,
        "answered": dash.counts["answered"],
        "received": dash.counts["received"],
    }


@pytest.mark.parametrize("regime", ["", "FOIA", "EIR"])
def test_the_day_rows_give_the_figures_counting_the_cases_gives(
    cases, manager, monkeypatch, regime
):
    # Beside the hand-counted cases: an answer with no statutory due date recorded, an open
    # case without one, an EIR request answered late and a subject access request.
    factories.CaseFactory(
        received_at=dt.datetime(2026, 2, 3, 9, tzinfo=dt.UTC),
        status="responded",
        responded_at=dt.datetime(2026, 2, 20, 15, tzinfo=dt.UTC),
        due_on=None,
    )
    factories.CaseFactory(
        received_at=dt.datetime(2026, 3, 30, 23, 30, tzinfo=dt.UTC),  # 31 March in London
        status="in_progress",
        due_on=None,
    )
    factories.CaseFactory(
        received_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        regime="EIR",
        status="responded",
        responded_at=dt.datetime(2026, 2, 26, 15, tzinfo=dt.UTC),
    )
    factories.CaseFactory(
        received_at=dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC),
        is_subject_access=True,
        status="closed",
        outcome="subject_access",
        responded_at=dt.datetime(2026, 3, 3, 15, tzinfo=dt.UTC),
    )
    by_day = _figures(_dash(manager, regime=regime))
    monkeypatch.setattr(dashboards.daily, "covers", lambda **_: False)
    by_case = _figures(_dash(manager, regime=regime))
    assert by_day == by_case
    assert by_day["received"] > 0


def test_a_database_with_cases_but_no_day_rows_gets_them_after_migrate(cases, manager):
    from django.core.management import call_command

    from foi_cases.models import DailyExemptionReceipts, DailyReceipts, DailyTopicReceipts

    before = _figures(_dash(manager))
    for model in (DailyReceipts, DailyTopicReceipts, DailyExemptionReceipts):
        model.objects.all().delete()
    assert _figures(_dash(manager))["received"] == 0

    call_command("migrate", verbosity=0)

    assert _figures(_dash(manager)) == before  # and the drift check finds every row right
