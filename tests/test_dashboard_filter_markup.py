"""The dashboard's filter form keeps the GOV.UK markup crispy-forms-gds gave it.

The fields are drawn by templates/foi_cases/_select_field.html and _input_field.html: the
same ids, classes, selected options, error messages and aria-describedby as before.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The filter form's elements: attributes by id, options by select, text by id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.options: dict[str, list[tuple[str, bool]]] = {}
        self.text: dict[str, str] = {}
        self.error_links: list[str] = []
        self._select = ""
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "id" in attributes:
            self.by_id[attributes["id"] or ""] = attributes
        if tag == "select":
            self._select = attributes["id"] or ""
            self.options[self._select] = []
        elif tag == "option":
            self.options[self._select].append((attributes["value"] or "", "selected" in attributes))
        elif tag == "a" and (attributes.get("href") or "").startswith("#id_"):
            self.error_links.append(attributes["href"] or "")
        if tag == "span":
            self._open.append(attributes.get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for span_id in self._open:
            if span_id:
                self.text[span_id] = " ".join(f"{self.text.get(span_id, '')} {data}".split())


def _form(client, user, **params) -> _Form:
    client.force_login(user)
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    parsed = _Form()
    parsed.feed(response.content.decode())
    return parsed


def _selected(form: _Form, select_id: str) -> list[str]:
    return [value for value, selected in form.options[select_id] if selected]


def test_chosen_filters_stay_selected(client, manager, officer):
    form = _form(client, manager, period="year", year="2024", quarter="2", officer=officer.pk)
    assert _selected(form, "id_period") == ["year"]
    assert _selected(form, "id_quarter") == ["2"]
    assert _selected(form, "id_officer") == [str(officer.pk)]
    assert _selected(form, "id_regime") == [""]  # "Any regime", as Django selects it
    assert [value for value, _ in form.options["id_quarter"]] == ["", "1", "2", "3", "4"]
    assert form.by_id["id_period"] == {"name": "period", "class": "govuk-select", "id": "id_period"}
    assert form.by_id["id_year"] == {
        "type": "number",
        "name": "year",
        "value": "2024",
        "min": "2005",
        "id": "id_year",
        "class": "govuk-input govuk-input--width-4",
    }
    # The custom range is a GOV.UK date input per date, showing the chosen period (2024).
    assert form.by_id["id_date_from"] == {
        "class": "govuk-input govuk-date-input__input govuk-input--width-2",
        "id": "id_date_from",
        "name": "date_from-day",
        "type": "text",
        "inputmode": "numeric",
        "value": "1",
    }
    assert form.by_id["id_date_from_month"]["value"] == "1"
    assert form.by_id["id_date_from_year"]["value"] == "2024"
    assert form.by_id["id_date_to"]["name"] == "date_to-day"
    assert (form.by_id["id_date_to"]["value"], form.by_id["id_date_to_month"]["value"]) == (
        "31",
        "12",
    )
    assert form.by_id["div_id_topic"]["class"] == "govuk-form-group"


def test_a_custom_range_is_read_from_the_date_inputs(client, manager):
    form = _form(
        client,
        manager,
        period="custom",
        **{"date_from-day": "2", "date_from-month": "3", "date_from-year": "2025"},
        **{"date_to-day": "31", "date_to-month": "5", "date_to-year": "2025"},
    )
    assert form.by_id["id_date_from"]["value"] == "2"
    assert form.by_id["id_date_to_month"]["value"] == "5"
    assert "id_date_from_1_error" not in form.by_id
    client.force_login(manager)
    response = client.get(
        reverse("dashboard"),
        {"period": "custom", "date_from-day": "2", "date_from-month": "3", "date_from-year": "2025",
         "date_to-day": "31", "date_to-month": "5", "date_to-year": "2025"},
    )  # fmt: skip
    assert response.context["dash"].filters.period_label == "02 Mar 2025 to 31 May 2025"
    wrong = _form(
        client,
        manager,
        period="custom",
        **{"date_from-day": "31", "date_from-month": "2", "date_from-year": "2025"},
        **{"date_to-day": "", "date_to-month": "5", "date_to-year": "2025"},
    )
    assert wrong.text["id_date_from_1_error"].startswith("Error: Enter the start date as a real")
    assert wrong.text["id_date_to_1_error"].startswith("Error: Enter the end date as a real")
    assert wrong.by_id["id_date_to_month"]["class"].endswith("govuk-input--error")


def test_errors_are_shown_beside_their_fields_and_named_by_them(client, manager):
    form = _form(client, manager, period="custom", year="3000", date_from="nonsense", quarter="9")
    assert form.by_id["div_id_year"]["class"] == "govuk-form-group govuk-form-group--error"
    assert form.by_id["id_year"]["aria-describedby"] == "id_year_1_error"
    assert form.by_id["id_year"]["aria-invalid"] == "true"
    assert form.by_id["id_year_1_error"]["class"] == "govuk-error-message"
    assert form.text["id_year_1_error"].startswith("Error: Enter a year no later than")
    # A date input's hint and errors describe its fieldset, the GOV.UK date input pattern.
    assert form.by_id["div_id_date_from"]["class"] == "govuk-form-group govuk-form-group--error"
    assert form.text["id_date_from_1_error"].startswith("Error: Enter the start date as a real")
    assert form.by_id["id_quarter"]["class"] == "govuk-select govuk-select--error"
    assert form.by_id["id_year"]["class"] == "govuk-input govuk-input--width-4 govuk-input--error"
    assert form.by_id["id_quarter"]["aria-describedby"] == "id_quarter_1_error"
    assert "id_date_to_1_error" not in form.by_id
    assert form.error_links == ["#id_year", "#id_quarter", "#id_date_from"]


def test_an_officers_own_dashboard_has_no_officer_filter(client, officer):
    form = _form(client, officer)
    assert "id_officer" not in form.by_id
    assert "id_topic" in form.options
