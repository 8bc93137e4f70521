"""Every figure on the dashboard links to a case list showing exactly the cases it counted.

Generic over the panels: each linked figure in the dashboard's tables and its headline
counts is compared with the number of cases on the list behind its link.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from foi_cases.reporting.live_panels import LinkedRow
from tests import factories
from tests.test_dashboard_queries import bulk_cases

pytestmark = pytest.mark.django_db

HEADLINES = ("open", "due_soon", "overdue", "extensions", "received")
# Tables whose every row counts cases and links to them. The timeliness table links its
# counts (not its percentage and band); the internal review table counts reviews, not cases.
LINKED_TABLES = {
    "open_by_status",
    "overdue",
    "extensions",
    "workload",
    "outcomes",
    "exemptions",
    "topics",
}
TIMELINESS_LINKS = 12  # six measures, for the rolling quarter and the chosen period


@pytest.fixture
def many_cases(manager, officer, other_officer):
    from tests.factories import _catalogue

    _catalogue("FOIA-s31")
    bulk_cases(70, [officer, other_officer], manager)
    today = timezone.localdate()
    factories.CaseFactory(reference="LOOSE-1", status="received", assigned_to=None, due_on=today)
    factories.CaseFactory(
        reference="LOOSE-2", status="in_progress", assigned_to=None, due_on=today - dt.timedelta(50)
    )


def _figures(dash):
    """(what, figure, url) for every linked figure on the dashboard."""
    found = [(name, dash.counts[name], dash.counts[f"{name}_url"]) for name in HEADLINES]
    for slug, table in dash.tables.items():
        for row in table.rows:
            if isinstance(row, LinkedRow):
                found += [
                    (f"{slug}: {row.cells[0]} / {table.columns[i]}", row.cells[i], url)
                    for i, url in enumerate(row.links)
                    if url
                ]
            elif row.href:
                found.append((f"{slug}: {row.cells[0]}", row.cells[1], row.href))
    return found


def _listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    assert not response.context["form"].errors, (url, response.context["form"].errors)
    assert len(page.object_list) == min(page.paginator.count, 25)
    return page.paginator.count


def _check_every_link(client, params):
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    dash = response.context["dash"]
    figures = _figures(dash)
    html = response.content.decode()
    missing = [url for _, _, url in figures if f'href="{url.replace("&", "&amp;")}"' not in html]
    assert not missing, f"figures not linked on the page: {missing}"
    linked = {what.split(":")[0] for what, _, _ in figures}
    assert LINKED_TABLES | {"timeliness"} <= linked, LINKED_TABLES - linked
    assert sum(what.startswith("timeliness:") for what, _, _ in figures) == TIMELINESS_LINKS
    for slug in LINKED_TABLES:  # every row of these tables carries a link
        assert all(row.href for row in dash.tables[slug].rows), slug
    wrong = []
    for what, figure, url in figures:
        shown = _listed(client, url)
        if shown != figure:
            wrong.append(f"{what}: the dashboard says {figure}, the list at {url} shows {shown}")
    assert not wrong, "\n".join(wrong)
    return figures


def test_every_figure_on_the_managers_dashboard_matches_its_list(client, manager, many_cases):
    client.force_login(manager)
    today = timezone.localdate()
    period = {
        "period": "custom",
        "date_from": (today - dt.timedelta(days=120)).isoformat(),
        "date_to": today.isoformat(),
    }
    figures = _check_every_link(client, period)
    assert sum(1 for _, figure, _ in figures if figure) > 20  # the check covered real numbers
    assert len(figures) > 35


def test_figures_narrowed_by_officer_and_topic_match_their_lists(
    client, manager, officer, many_cases
):
    from foi_cases.models import Topic

    client.force_login(manager)
    topic = Topic.objects.get(slug="topic-1")
    _check_every_link(client, {"officer": officer.pk, "period": "year"})
    _check_every_link(client, {"topic": topic.pk, "regime": "FOIA"})


def test_an_officers_own_figures_match_their_own_list(client, officer, many_cases):
    client.force_login(officer)
    figures = _check_every_link(client, {"period": "year"})
    assert all(urlsplit(url).path == reverse("case_list_mine") for _, _, url in figures)


def test_the_list_names_the_filters_a_dashboard_link_added_and_keeps_them(client, manager):
    late = factories.CaseFactory(
        reference="LATE-1",
        status="in_progress",
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )
    factories.CaseFactory(reference="LATE-2", status="in_progress", due_on=dt.date(2020, 1, 6))
    client.force_login(manager)
    response = client.get(
        reverse("case_list_all"), {"late_from": 1, "late_to": 5, "regime": "FOIA"}
    )
    html = response.content.decode()
    assert [case.reference for case in response.context["page"]] == [late.reference]
    assert "Also filtered by" in html
    assert "At least this many working days late: 1;" in html
    assert "Regime: Freedom of Information Act 2000;" in html
    assert '<input type="hidden" name="late_to" value="5">' in html
    # A value no dashboard link would send is explained and ignored; the rest still apply.
    response = client.get(reverse("case_list_all"), {"exemption": "<script>", "late_from": 1})
    assert response.context["form"].errors["exemption"] == [
        "Choose an exemption from the dashboard"
    ]
    assert response.context["page"].paginator.count == 2
