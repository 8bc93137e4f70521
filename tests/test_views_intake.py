"""Logging a new request through the web form: split, edit, save, and bad input."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from foi_cases import form_tokens
from foi_cases.models import Case, CaseEvent, Requester
from tests.factories import CaseFactory, RequesterFactory

pytestmark = pytest.mark.django_db

SEEDS = Path("/work/shared/seeds")
LONDON = ZoneInfo("Europe/London")
URL = reverse("case_new")
SEED_001_QUESTIONS = [
    "What is the annual budget of the Members' Security Support Service for 2019-20?",
    "How many people work within the unit?",
    "How many MPs as of today's date have opted into the social media monitoring service?",
    "How many alerts have been sent to MPs regarding threats or abuse on social media since "
    "April 1st 2019?",
    "And how many referrals have been made to police?",
]


def seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed {path} is not available")
    return path.read_text()


def intake_data(questions: list[str] | None = None, **overrides: str) -> dict[str, str]:
    data = {
        "requester_name": "Alex Example",
        "requester_email": "alex@example.com",
        "requester_address": "",
        "requester_type": "journalist",
        "channel": "email",
        # Monday 16 March 2026: St Patrick's Day (NI only) is the next day.
        "received_at_0": "16",
        "received_at_1": "3",
        "received_at_2": "2026",
        "received_time": "10:15",
        "regime": "FOIA",
        "title": "Members' security (2019)",
        "request_text": "1. What is the budget?\n2. How many staff?",
        "reference": "",
        "action": "save",
        "form_token": form_tokens.issue(),  # as the form page gives each time it is opened
    }
    data.update(with_questions(questions or []))
    data.update(overrides)
    return data


def with_questions(texts: list[str], **flags: set[int]) -> dict[str, str]:
    data = {
        "questions-TOTAL_FORMS": str(len(texts)),
        "questions-INITIAL_FORMS": str(len(texts)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "100",
    }
    for index, text in enumerate(texts):
        data[f"questions-{index}-text"] = text
        if index in flags.get("merge", set()):
            data[f"questions-{index}-merge_with_next"] = "on"
        if index in flags.get("delete", set()):
            data[f"questions-{index}-DELETE"] = "on"
    return data


def shown_questions(response) -> list[str]:
    return [form["text"].value() for form in response.context["questions"].forms]


def error_summary(response) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "expected a GOV.UK error summary"
    return html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_officer_sees_the_intake_form(officer_client):
    response = officer_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Log a new request" in html
    assert 'name="received_at_0"' in html and 'name="received_time"' in html
    assert "Split into questions" in html


@pytest.mark.parametrize("persona", ["reviewer", "outsider"])
def test_only_officers_and_managers_can_log_requests(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, intake_data(["Q"])).status_code == 403
    assert not Case.objects.exists()


def test_seed_001_splits_into_its_five_questions_and_keeps_what_was_typed(officer_client):
    text = seed("001_2c337ac142043556.txt")
    response = officer_client.post(URL, intake_data(request_text=text, action="split"))

    assert response.status_code == 200
    assert shown_questions(response) == SEED_001_QUESTIONS
    html = response.content.decode()
    assert 'value="Alex Example"' in html and 'value="alex@example.com"' in html
    assert "split into 5 questions" in html
    assert "There is a problem" not in html
    assert not Case.objects.exists()


def test_seed_001_logged_through_the_web_has_five_questions_and_the_statutory_date(
    officer_client, officer
):
    text = seed("001_2c337ac142043556.txt")
    split = officer_client.post(URL, intake_data(request_text=text, action="split"))
    response = officer_client.post(
        URL, intake_data(shown_questions(split), request_text=text, action="save")
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.reference])
    assert [q.text for q in case.questions.order_by("number")] == SEED_001_QUESTIONS
    # Received Mon 16 Mar 2026; day 1 would be Tue 17 Mar, St Patrick's Day (NI), so day 1 is
    # Wed 18 Mar; Good Friday 3 Apr and Easter Monday 6 Apr are skipped: day 20 is 16 Apr.
    assert case.due_on == dt.date(2026, 4, 16)
    assert case.received_at == dt.datetime(2026, 3, 16, 10, 15, tzinfo=LONDON)
    assert case.request_text == text
    assert case.requester.requester_type == "journalist"
    assert case.status == Case.Status.RECEIVED
    assert re.fullmatch(r"FOI-2026-\d{5}", case.reference)
    event = CaseEvent.objects.get(case=case)
    assert (event.verb, event.actor, event.data["questions"]) == (
        CaseEvent.Verb.LOGGED,
        officer,
        5,
    )
    page = officer_client.get(response["Location"]).content.decode()
    assert "Thursday 16 April 2026" in page
    assert "How many people work within the unit?" in page


def test_seed_000_logged_through_the_web_has_one_question(officer_client, settings):
    settings.FOI_REGIMES = ["FOISA", "EIR"]  # a Scottish authority
    text = seed("000_0e3c0c63b778d97c.txt")
    request_part = text.split("Security Assistance may be claimed", 1)[0]
    split = officer_client.post(
        URL, intake_data(request_text=request_part, regime="FOISA", action="split")
    )
    assert len(shown_questions(split)) == 1

    officer_client.post(
        URL, intake_data(shown_questions(split), request_text=request_part, regime="FOISA")
    )

    case = Case.objects.get()
    assert case.questions.count() == 1
    assert "panic room" in case.questions.get().text
    # FOISA counts only Scottish holidays: 17 Mar and Easter Monday are working days, so day
    # 1 is Tue 17 Mar and day 20 is Tue 14 Apr (Good Friday skipped).
    assert case.due_on == dt.date(2026, 4, 14)


def test_saving_without_splitting_first_saves_with_the_split_questions(officer_client):
    response = officer_client.post(URL, intake_data())

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert [q.text for q in case.questions.order_by("number")] == [
        "What is the budget?",
        "How many staff?",
    ]


def test_saving_an_empty_form_shows_the_error_summary_not_a_split(officer_client):
    response = officer_client.post(URL, {"action": "save", "form_token": form_tokens.issue()})

    summary = error_summary(response)
    for message in (
        "Enter the requester&#x27;s name",
        "Select how the request arrived",
        "Enter the date received",
        "Enter a short title",
        "Paste the text of the request",
    ):
        assert message in summary
    assert "split into" not in response.content.decode()
    assert not Case.objects.exists()


def test_saving_an_incomplete_form_keeps_the_text_and_shows_its_questions(officer_client):
    response = officer_client.post(URL, intake_data(requester_name="", title=""))

    assert "Enter the requester&#x27;s name" in error_summary(response)
    assert "Enter a short title" in error_summary(response)
    assert shown_questions(response) == ["What is the budget?", "How many staff?"]
    assert not Case.objects.exists()


def test_one_question_found_is_said_in_correct_english(officer_client):
    response = officer_client.post(
        URL, intake_data(request_text="How much did the new bins cost?", action="split")
    )
    html = response.content.decode()
    assert "split into 1 question." in html
    assert "1 questions" not in html


def test_officer_merges_deletes_edits_and_adds_questions_before_saving(officer_client):
    texts = ["First part", "continues here", "Not a question", "Third"]
    merged = officer_client.post(
        URL,
        intake_data(action="update_questions") | with_questions(texts, merge={0}, delete={2}),
    )
    assert shown_questions(merged) == ["First part\ncontinues here", "Third"]

    added = officer_client.post(URL, intake_data(shown_questions(merged), action="add_question"))
    assert shown_questions(added) == ["First part\ncontinues here", "Third", ""]

    officer_client.post(
        URL, intake_data(["First part\ncontinues here", "Third, edited", "A new one"])
    )

    case = Case.objects.get()
    assert [q.text for q in case.questions.order_by("number")] == [
        "First part\ncontinues here",
        "Third, edited",
        "A new one",
    ]


def test_subject_access_request_is_pre_ticked_with_the_reasons(officer_client):
    text = "Please send me copies of all personal data you hold about me, including e-mails."
    response = officer_client.post(URL, intake_data(request_text=text, action="split"))

    html = response.content.decode()
    assert response.context["form"]["is_subject_access"].value() is True
    assert "own personal data" in html
    assert response.context["subject_access_reasons"]

    officer_client.post(
        URL, intake_data(shown_questions(response), request_text=text, is_subject_access="on")
    )
    assert Case.objects.get().is_subject_access is True


def test_received_time_is_read_as_uk_time_across_the_clock_change(officer_client):
    # 00:30 on Sunday 25 Oct 2026 is still BST; it is 23:30 on Saturday in UTC.
    officer_client.post(
        URL,
        intake_data(
            ["Q"],
            received_at_0="25",
            received_at_1="10",
            received_at_2="2026",
            received_time="00:30",
        ),
    )
    case = Case.objects.get()
    assert case.received_at == dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC)
    # Sunday receipt: day 1 is Mon 26 Oct, day 20 is Fri 20 Nov.
    assert case.due_on == dt.date(2026, 11, 20)


def test_blank_time_counts_from_the_start_of_the_day(officer_client):
    officer_client.post(URL, intake_data(["Q"], received_time=""))
    case = Case.objects.get()
    assert case.received_at == dt.datetime(2026, 3, 16, 0, 0, tzinfo=LONDON)


def test_blank_time_is_shown_as_not_recorded_not_midnight(officer_client):
    officer_client.post(URL, intake_data(["Q"], received_time=""))
    html = officer_client.get(Case.objects.get().get_absolute_url()).content.decode()
    assert "Monday 16 March 2026, time not recorded" in html
    assert "00:00" not in html


def test_a_recorded_midnight_is_shown_as_00_00(officer_client):
    officer_client.post(URL, intake_data(["Q"], received_time="00:00"))
    html = officer_client.get(Case.objects.get().get_absolute_url()).content.decode()
    assert "Monday 16 March 2026, 00:00 (UK time)" in html
    assert "time not recorded" not in html


def test_date_received_starts_as_today(officer_client):
    form = officer_client.get(URL).context["form"]
    today = timezone.localdate()
    html = officer_client.get(URL).content.decode()
    assert form["received_at"].value() == today
    assert f'name="received_at_2" value="{today.year}"' in html.replace(
        'class="govuk-input govuk-date-input__input govuk-input--width-4" ', ""
    ) or re.search(rf'name="received_at_2"[^>]*value="{today.year}"', html)


def test_only_the_regimes_the_authority_is_subject_to_are_offered(officer_client, settings):
    settings.FOI_REGIMES = ["FOIA", "EIR"]
    html = officer_client.get(URL).content.decode()
    assert 'value="FOIA"' in html and 'value="EIR"' in html
    assert 'value="FOISA"' not in html
    assert "Freedom of Information (Scotland) Act" not in html

    response = officer_client.post(URL, intake_data(["Q"], regime="FOISA"))
    assert "Select" in error_summary(response)
    assert not Case.objects.exists()


def test_a_scottish_authority_is_offered_foisa_and_eir_only(officer_client, settings):
    settings.FOI_REGIMES = ["FOISA", "EIR"]
    html = officer_client.get(URL).content.decode()
    assert 'value="FOISA"' in html and 'value="EIR"' in html
    assert 'value="FOIA"' not in html


# --- Bad input: a clear message, and nothing typed is lost -------------------------------


def assert_rejected_keeping_input(response, message: str, typed: str = "Alex Example"):
    assert response.status_code in (200, 413)
    assert message in error_summary(response)
    html = response.content.decode()
    assert typed in html
    assert not Case.objects.exists()


def test_received_date_in_the_future_is_refused(officer_client):
    next_year = str(timezone.localdate().year + 1)
    response = officer_client.post(
        URL, intake_data(["Keep this question"], received_at_2=next_year)
    )
    assert_rejected_keeping_input(response, "cannot be in the future")
    assert shown_questions(response) == ["Keep this question"]
    assert f'value="{next_year}"' in response.content.decode()


def test_received_date_before_2005_is_refused(officer_client):
    response = officer_client.post(URL, intake_data(["Q"], received_at_2="2004"))
    assert_rejected_keeping_input(response, "2005 or later")


def test_impossible_date_is_refused(officer_client):
    response = officer_client.post(URL, intake_data(["Q"], received_at_0="31", received_at_1="2"))
    assert_rejected_keeping_input(response, "Enter a real date")


def test_missing_date_is_refused(officer_client):
    response = officer_client.post(
        URL, intake_data(["Q"], received_at_0="", received_at_1="", received_at_2="")
    )
    assert_rejected_keeping_input(response, "Enter the date received")


def test_empty_request_is_refused(officer_client):
    response = officer_client.post(URL, intake_data(["Q"], request_text="   \n  "))
    assert_rejected_keeping_input(response, "Paste the text of the request")


def test_a_request_with_only_blank_questions_is_refused(officer_client):
    response = officer_client.post(URL, intake_data(["  ", ""]))
    assert_rejected_keeping_input(response, "Add at least one question")


def test_one_megabyte_paste_gets_a_form_error_not_a_crash(officer_client):
    huge = ("I would like to know the cost of security. " * 25_000)[:1_000_000]
    response = officer_client.post(URL, intake_data(["Q"], request_text=huge))
    assert_rejected_keeping_input(response, "100,000 characters or fewer")


def test_one_megabyte_paste_passes_the_csrf_check_and_gets_a_form_error(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.get(URL)
    token = client.cookies["csrftoken"].value
    huge = "Security costs for constituency offices. " * 25_000
    response = client.post(URL, intake_data(["Q"], request_text=huge, csrfmiddlewaretoken=token))
    assert response.status_code == 200
    assert "100,000 characters or fewer" in error_summary(response)


def test_html_and_script_are_stored_as_typed_and_shown_escaped(officer_client):
    script = "<script>alert('x')</script>"
    response = officer_client.post(
        URL,
        intake_data(
            [f"Question {script}"],
            requester_name=f"Eve {script}",
            title="Title <b>bold</b> {{ settings.SECRET_KEY }}",
            request_text=f"Request {script}",
        ),
    )
    case = Case.objects.get()
    assert case.requester.name == f"Eve {script}"
    assert case.request_text == f"Request {script}"
    assert case.questions.get().text == f"Question {script}"
    page = officer_client.get(response["Location"]).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "{{ settings.SECRET_KEY }}" in page


def test_script_in_a_rejected_form_is_redisplayed_escaped(officer_client):
    script = "<script>alert(1)</script>"
    response = officer_client.post(
        URL, intake_data([script], requester_name=script, requester_email="not-an-email")
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_invalid_email_is_refused(officer_client):
    response = officer_client.post(URL, intake_data(["Q"], requester_email="alex@"))
    assert_rejected_keeping_input(response, "Enter an e-mail address like name@example.com")
    assert 'value="alex@"' in response.content.decode()


def test_a_contact_address_is_required(officer_client):
    response = officer_client.post(
        URL, intake_data(["Q"], requester_email="", requester_address="")
    )
    assert_rejected_keeping_input(response, "Enter an e-mail address or a postal address")


def test_postal_address_alone_is_enough(officer_client):
    officer_client.post(
        URL, intake_data(["Q"], requester_email="", requester_address="1 High Street\nLeeds")
    )
    assert Case.objects.get().requester.postal_address == "1 High Street\nLeeds"


def test_duplicate_hand_typed_reference_is_refused(officer_client):
    CaseFactory(reference="FOI-2026-00042")
    response = officer_client.post(URL, intake_data(["Q"], reference="FOI-2026-00042"))
    assert response.status_code == 200
    assert "already in use" in error_summary(response)
    assert 'value="FOI-2026-00042"' in response.content.decode()
    assert Case.objects.count() == 1
    assert not Requester.objects.filter(name="Alex Example").exists()


def test_hand_typed_reference_is_used(officer_client):
    officer_client.post(URL, intake_data(["Q"], reference="HOC-FOI-2026-777"))
    assert Case.objects.get().reference == "HOC-FOI-2026-777"


@pytest.mark.parametrize("reference", ["new", "a/b", "FOI 2026 1", "<b>1</b>"])
def test_reference_that_could_not_be_a_page_address_is_refused(officer_client, reference):
    response = officer_client.post(URL, intake_data(["Q"], reference=reference))
    assert_rejected_keeping_input(response, "A reference can only contain")


def test_every_error_is_listed_at_once(officer_client):
    response = officer_client.post(
        URL,
        intake_data(
            ["Q"], requester_name="", title="", request_text="", requester_email="x", channel=""
        ),
    )
    summary = error_summary(response)
    for message in (
        "Enter the requester&#x27;s name",
        "Enter a short title",
        "Paste the text of the request",
        "Enter an e-mail address like",
        "Select how the request arrived",
    ):
        assert message in summary


@pytest.mark.parametrize(
    "value",
    ["", "-1", "NaN", "99999999999999999999", "\x00", "\u202e<b>", "=1+1", "{% debug %}"],
)
def test_no_odd_value_in_any_intake_field_gives_a_500(officer_client, value):
    for field in [*intake_data(), "questions-0-text", "questions-0-merge_with_next"]:
        data = intake_data(["Q"]) | {field: value}
        response = officer_client.post(URL, data)
        assert response.status_code < 500, field


def test_an_email_known_only_from_a_restricted_case_is_neither_shown_nor_merged(
    officer_client, other_officer
):
    hidden = CaseFactory(
        restricted=True,
        assigned_to=other_officer,
        requester=RequesterFactory(name="Priya Hidden", email="priya@example.com"),
    )

    split = officer_client.post(
        URL, intake_data(requester_email="PRIYA@example.com", action="split")
    )
    response = officer_client.post(URL, intake_data(["Q"], requester_email="PRIYA@example.com"))

    for page in (split, response):
        html = page.content.decode()
        assert "Priya Hidden" not in html and hidden.reference not in html
        assert "existing requester" not in html
    case = Case.objects.exclude(pk=hidden.pk).get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.requester != hidden.requester and case.requester.name == "Alex Example"
    assert officer_client.get(response["Location"]).content.decode().count("Priya Hidden") == 0


def test_a_known_email_offers_the_existing_requester_and_the_officer_chooses(officer_client):
    known = CaseFactory(requester=RequesterFactory(name="Sam Known", email="sam@example.com"))
    typed = intake_data(["Q"], requester_name="S. Known", requester_email="SAM@example.com")

    offered = officer_client.post(URL, typed)

    assert offered.status_code == 200 and Case.objects.count() == 1
    html = offered.content.decode()
    assert f"Use the existing requester Sam Known from {known.reference}" in html
    assert 'value="S. Known"' in html  # what was typed is kept
    as_new = officer_client.post(URL, typed | {"existing_requester": ""})
    chose_known = {
        "existing_requester": str(known.requester_id),
        "form_token": "another-form-1234567890",
    }
    as_known = officer_client.post(URL, typed | chose_known)

    assert as_new.status_code == 302 and as_known.status_code == 302
    new_case, known_again = Case.objects.exclude(pk=known.pk).order_by("pk")
    assert new_case.requester.name == "S. Known" and new_case.requester != known.requester
    assert known_again.requester == known.requester


def test_choosing_a_requester_who_was_not_offered_is_refused(officer_client, other_officer):
    hidden = CaseFactory(restricted=True, assigned_to=other_officer)
    data = intake_data(["Q"], requester_email=hidden.requester.email)

    response = officer_client.post(URL, data | {"existing_requester": str(hidden.requester_id)})

    assert response.status_code == 200 and Case.objects.count() == 1
    html = response.content.decode()
    assert "Choose one of the requesters offered" in error_summary(response)
    assert hidden.requester.name not in html


def test_the_same_form_sent_twice_logs_one_case_and_shows_it_the_second_time(officer_client):
    data = intake_data(["What is the budget?"])

    first = officer_client.post(URL, data)
    second = officer_client.post(URL, data, follow=True)

    case = Case.objects.get()
    assert first.status_code == 302 and first["Location"] == case.get_absolute_url()
    assert second.redirect_chain == [(case.get_absolute_url(), 302)]
    assert "already sent, so nothing was done twice" in second.content.decode()
    assert CaseEvent.objects.filter(verb=CaseEvent.Verb.LOGGED).count() == 1


def test_a_refused_save_frees_its_token_so_the_corrected_form_saves(officer_client):
    data = intake_data(["Q"], reference="FOI-2026-00001")
    CaseFactory(reference="FOI-2026-00001")

    refused = officer_client.post(URL, data)
    corrected = officer_client.post(URL, data | {"reference": ""})

    assert refused.status_code == 200 and "already in use" in error_summary(refused)
    assert f'value="{data["form_token"]}"' in refused.content.decode()
    assert corrected.status_code == 302 and Case.objects.count() == 2


def test_a_save_without_the_forms_token_asks_to_save_again_and_keeps_what_was_typed(
    officer_client,
):
    data = intake_data(["What is the budget?"])
    del data["form_token"]

    response = officer_client.post(URL, data)

    assert response.status_code == 200 and not Case.objects.exists()
    html = response.content.decode()
    assert "Check the details, then save again" in html and 'value="Alex Example"' in html
    token = response.context["form_token"]
    assert form_tokens.TOKEN_PATTERN.match(token) and f'value="{token}"' in html
    assert officer_client.post(URL, data | {"form_token": token}).status_code == 302
