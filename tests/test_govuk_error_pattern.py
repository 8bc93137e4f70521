"""Every form follows the GOV.UK error pattern: "Error: " in the title, a red border on the
field in error, and messages that say what to do."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no <title>"
    return " ".join(match.group(1).split())


def test_sign_in_with_nothing_typed_says_what_to_enter(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})

    html = response.content.decode()
    assert title(response).startswith("Error: Sign in")
    assert title(response).count("Error:") == 1
    assert "Enter your username" in html
    assert "Enter your password" in html
    assert "This field is required" not in html
    assert re.search(
        r'<input[^>]*class="[^"]*govuk-input--error[^"]*"[^>]*name="username"', html
    ) or re.search(r'<input[^>]*name="username"[^>]*class="[^"]*govuk-input--error', html)


def test_sign_in_page_without_errors_has_no_error_prefix(client):
    response = client.get(reverse("login"))
    assert title(response).startswith("Sign in")


def test_wrong_password_says_how_to_put_it_right(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})
    assert title(response).startswith("Error: ")
    assert "Enter a correct username and password" in response.content.decode()


def test_new_request_saved_empty_has_error_in_the_title_and_red_borders(client, officer):
    client.force_login(officer)
    response = client.post(reverse("case_new"), {"action": "save"})

    html = response.content.decode()
    assert title(response).startswith("Error: Log a new request")
    assert title(response).count("Error:") == 1
    assert "govuk-input--error" in html
    assert "govuk-textarea--error" in html
    assert "Enter the requester&#x27;s name" in html
    assert "Enter the date received" in html


def test_a_page_that_still_prefixes_its_own_title_gets_error_once():
    from django.template import Context, Template

    from foi_cases.forms import SignInForm

    form = SignInForm(data={"username": "", "password": ""})
    rendered = Template(
        "{% load foi_tags %}{% page_title %}"
        "{% if form.errors %}Error: {% endif %}Page"
        "{% endpage_title %}"
    ).render(Context({"form": form}))
    assert rendered == "Error: Page"


# --- Dates: the GOV.UK date input, starting at today where that is the usual answer --------


def test_a_clock_step_date_starts_as_today(client, officer):
    from tests.factories import CaseFactory

    case = CaseFactory(assigned_to=officer, status="in_progress")
    client.force_login(officer)
    response = client.get(reverse("case_action", args=[case.reference, "request-clarification"]))

    html = response.content.decode()
    today = timezone.localdate()
    assert 'name="on_0"' in html and 'name="on_1"' in html and 'name="on_2"' in html
    assert re.search(rf'name="on_2"[^>]*value="{today.year}"', html) or re.search(
        rf'value="{today.year}"[^>]*name="on_2"', html
    )


def test_the_letter_sent_date_is_the_shared_govuk_date_field_starting_today():
    from foi_cases.forms import GovukDateField
    from foi_cases.letter_forms import LetterEditForm, LetterSentForm

    sent = LetterSentForm()
    assert isinstance(sent.fields["sent_on"], GovukDateField)
    assert sent["sent_on"].value() == timezone.localdate()
    assert isinstance(LetterEditForm().fields["dated"], GovukDateField)
    refused = LetterSentForm(data={"sent_on_0": "31", "sent_on_1": "2", "sent_on_2": "2026"})
    assert "Enter a real date, for example 17 3 2026" in refused.errors["sent_on"]


def test_no_form_says_this_field_is_required():
    from foi_cases import forms, review_forms

    cost = forms.CostEstimateForm(data={})
    assert cost.errors["locating"] == ["Enter the hours for locating it"]
    appeal = review_forms.TribunalAppealForm(data={})
    assert appeal.errors["appellant"] == ["Select who appealed"]
    complaint = review_forms.ICOComplaintForm(data={})
    assert complaint.errors["ico_reference"] == ["Enter the ICO reference"]
    for form in (cost, appeal, complaint):
        assert not any("This field is required" in str(e) for e in form.errors.values())


def test_cost_estimate_left_empty_says_what_to_enter_with_red_borders(client, manager):
    from tests.factories import CaseFactory

    case = CaseFactory()
    client.force_login(manager)
    response = client.post(reverse("triage_cost", args=[case.reference]), {})
    html = response.content.decode()
    assert title(response).startswith("Error: Cost limit estimate")
    assert "Enter the hours for determining whether it is held" in html
    assert html.count("govuk-input--error") >= 4
