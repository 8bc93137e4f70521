"""CSV exports: formulas neutralised in every download, and the case list export's filters."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from foi_cases.reporting.csv_export import safe_cell
from tests import factories

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example", "x")', '\'=HYPERLINK("http://evil.example", "x")'),
        ("+44 20 7219 3000", "'+44 20 7219 3000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Security of MPs", "Security of MPs"),
        ("a=b", "a=b"),
        (-3, -3),
        (2.5, 2.5),
        (None, ""),
        (True, "Yes"),
        (dt.date(2026, 4, 20), "2026-04-20"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_case_list_export_neutralises_formulas_and_keeps_the_filters(
    client, manager, officer, other_officer
):
    factories.CaseFactory(reference="CSV-1", title='=HYPERLINK("http://evil")', assigned_to=officer)
    factories.CaseFactory(reference="CSV-2", title="@cmd", assigned_to=other_officer)
    factories.CaseFactory(reference="CSV-3", title="Closed one", status="closed")
    client.force_login(manager)
    rows = _rows(client.get(reverse("case_list_export"), {"tab": "all"}))
    assert rows[0][:3] == ["Reference", "Title", "Received"]
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles == {"CSV-1": '\'=HYPERLINK("http://evil")', "CSV-2": "'@cmd"}
    rows = _rows(
        client.get(
            reverse("case_list_export"),
            {"tab": "all", "status": "any", "officer": other_officer.pk},
        )
    )
    assert [row[0] for row in rows[1:]] == ["CSV-2"]


def test_case_list_export_respects_access(client, officer, other_officer):
    factories.CaseFactory(reference="MINE", assigned_to=officer)
    factories.CaseFactory(reference="SECRET", assigned_to=other_officer, restricted=True)
    factories.CaseFactory(reference="OPEN", assigned_to=other_officer)
    client.force_login(officer)
    assert client.get(reverse("case_list_export"), {"tab": "all"}).status_code == 403
    team = _rows(client.get(reverse("case_list_export"), {"tab": "team"}))
    assert sorted(row[0] for row in team[1:]) == ["MINE", "OPEN"]
    mine = _rows(client.get(reverse("case_list_export")))
    assert [row[0] for row in mine[1:]] == ["MINE"]


def test_case_list_export_needs_a_role(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("case_list_export")).status_code == 403


def test_dashboard_csv_neutralises_a_topic_name(client, manager):
    topic = factories.TopicFactory(name="=2+5", slug="formula")
    case = factories.CaseFactory(
        received_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1), topics=[topic]
    )
    assert case.topics.count() == 1
    client.force_login(manager)
    rows = _rows(client.get(reverse("dashboard_csv", args=["topics"])))
    assert rows == [["Topic", "Requests"], ["'=2+5", "1"]]
