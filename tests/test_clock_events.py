"""Clock events recorded from the case page, and holiday calendar changes moving due dates."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from foi_cases import bank_holidays, case_views, tasks, workflow
from foi_cases.models import BankHoliday, Case, CaseEvent, ClockEvent, SuspensionPeriod
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
Status = Case.Status


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=LONDON)


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def action_url(case: Case, action: str) -> str:
    return reverse("case_action", args=[case.reference, action])


@pytest.fixture
def case(officer):
    """Received Mon 2 Mar 2026, in progress with Olivia: due Tue 31 Mar 2026."""
    return CaseFactory(received_at=at(2026, 3, 2), assigned_to=officer, status=Status.IN_PROGRESS)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_clarification_requested_then_received_from_the_case_page(officer_client, case):
    response = officer_client.post(
        action_url(case, "request-clarification"),
        {**date_fields("on", dt.date(2026, 3, 5)), "note": "Which offices?"},
    )
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CLARIFICATION
    page = officer_client.get(case.get_absolute_url()).content.decode()
    assert "Clock stopped" in page

    officer_client.post(
        action_url(case, "clarification-received"), date_fields("on", dt.date(2026, 4, 10))
    )

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.due_on == dt.date(2026, 5, 11)
    assert case.events.filter(verb=CaseEvent.Verb.CLARIFICATION_RECEIVED).count() == 1
    assert "Monday 11 May 2026" in officer_client.get(case.get_absolute_url()).content.decode()


def test_fees_notice_and_fee_from_the_case_page(officer_client, case):
    officer_client.post(
        action_url(case, "fees-notice"),
        {**date_fields("on", dt.date(2026, 3, 9)), "amount": "12.50", "note": ""},
    )
    case.refresh_from_db()
    assert case.status == Status.AWAITING_FEE
    officer_client.post(action_url(case, "fee-received"), date_fields("on", dt.date(2026, 3, 13)))
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.due_on == dt.date(2026, 4, 9)
    assert list(case.clock_events.values_list("kind", flat=True)) == [
        ClockEvent.Kind.FEE_NOTICE_GIVEN,
        ClockEvent.Kind.FEE_RECEIVED,
    ]


def test_public_interest_extension_shows_its_warnings(officer_client, case):
    response = officer_client.post(
        action_url(case, "public-interest-extension"),
        {
            **date_fields("notice_on", dt.date(2026, 4, 1)),
            **date_fields("estimated_on", dt.date(2026, 5, 29)),
            "exemptions_cited": "s31(1)(a), s38(1)(b)",
            "reason": "Police consultation on the threat assessment",
        },
        follow=True,
    )
    case.refresh_from_db()
    assert case.extended_due_on == dt.date(2026, 5, 29)
    event = case.events.get(verb=CaseEvent.Verb.PIT_EXTENDED)
    assert len(event.data["warnings"]) == 2
    html = response.content.decode()
    for warning in event.data["warnings"]:
        assert warning.replace("'", "&#x27;") in html
    assert "Friday 29 May 2026" in html


def test_foisa_case_is_refused_a_public_interest_extension_on_the_form(officer_client, officer):
    case = CaseFactory(
        received_at=at(2026, 3, 2), regime="FOISA", assigned_to=officer, status="in_progress"
    )
    response = officer_client.post(
        action_url(case, "public-interest-extension"),
        {
            **date_fields("notice_on", dt.date(2026, 3, 20)),
            **date_fields("estimated_on", dt.date(2026, 4, 20)),
            "exemptions_cited": "s30",
        },
    )
    assert response.status_code == 200
    assert "no public interest extension" in response.content.decode()
    assert not case.clock_events.exists()


def test_close_as_withdrawn(officer_client, officer, case):
    officer_client.post(action_url(case, "close"), {"outcome": "withdrawn", "note": "By e-mail"})
    case.refresh_from_db()
    assert (case.status, case.outcome) == (Status.CLOSED, "withdrawn")
    event = case.events.get(verb=CaseEvent.Verb.CLOSED)
    assert event.actor == officer and event.data["note"] == "By e-mail"


def test_closing_with_an_outcome_only_a_response_can_have_is_refused(officer_client, case):
    response = officer_client.post(action_url(case, "close"), {"outcome": "granted_in_full"})
    assert "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_impossible_move_gets_a_message_not_a_500(officer_client, case):
    response = officer_client.post(
        action_url(case, "fee-received"), date_fields("on", dt.date(2026, 3, 9))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You cannot record a fee for a case that is in progress." in html
    assert "This step is not possible while the case is in progress." in html
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and not case.clock_events.exists()


def test_stale_page_gets_the_concurrent_update_message(officer_client, officer, case, monkeypatch):
    stale = Case.objects.get(pk=case.pk)
    workflow.request_clarification(
        Case.objects.get(pk=case.pk), actor=officer, on=dt.date(2026, 3, 5)
    )
    monkeypatch.setattr(
        case_views, "get_case_for_user", lambda request, reference, write=False: stale
    )

    response = officer_client.post(
        action_url(case, "fees-notice"),
        {**date_fields("on", dt.date(2026, 3, 6)), "amount": "5"},
    )

    assert response.status_code == 200
    assert "Someone else changed this case a moment ago" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CLARIFICATION
    assert not case.events.filter(verb=CaseEvent.Verb.FEE_NOTICE_GIVEN).exists()


def test_bad_dates_are_explained_next_to_the_field(officer_client, case):
    future = timezone.localdate() + dt.timedelta(days=30)
    for day, message in (
        (future, "The date cannot be in the future."),
        (dt.date(2026, 2, 27), "The date cannot be before the request was received."),
    ):
        response = officer_client.post(
            action_url(case, "request-clarification"), date_fields("on", day)
        )
        assert message in response.content.decode()
        assert f'value="{day.year}"' in response.content.decode()
    response = officer_client.post(
        action_url(case, "request-clarification"), {"on_0": "30", "on_1": "2", "on_2": "2026"}
    )
    assert "Enter a real date" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_only_the_assigned_officer_or_a_manager_records_clock_events(
    client, other_officer, reviewer, manager, case
):
    data = {**date_fields("on", dt.date(2026, 3, 5))}
    for user in (other_officer, reviewer):
        client.force_login(user)
        assert client.post(action_url(case, "request-clarification"), data).status_code == 403
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    client.force_login(manager)
    assert client.post(action_url(case, "request-clarification"), data).status_code == 302


def test_unknown_step_is_404(officer_client, case):
    assert officer_client.get(action_url(case, "teleport")).status_code == 404


# --- Holiday calendar changes ---------------------------------------------------------------


@pytest.fixture
def admin_client(client, roles):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True, roles=["Manager"])
    client.force_login(admin)
    return client


def test_adding_a_bank_holiday_in_the_admin_moves_open_due_dates(
    admin_client, case, officer, django_capture_on_commit_callbacks
):
    unaffected = CaseFactory(received_at=at(2026, 9, 1), status=Status.IN_PROGRESS)
    closed = CaseFactory(received_at=at(2026, 3, 2), status=Status.CLOSED, outcome="withdrawn")
    unaffected_due = unaffected.due_on

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            reverse("admin:foi_cases_bankholiday_add"),
            {
                "date": "2026-03-25",
                "division": "northern-ireland",
                "title": "Test proclamation",
                "source": "The Gazette",
            },
        )

    assert response.status_code == 302
    assert len(callbacks) == 1
    case.refresh_from_db()
    assert case.due_on == dt.date(2026, 4, 1)
    [event] = case.events.filter(verb=CaseEvent.Verb.DEADLINE_RECOMPUTED)
    assert event.actor is None
    assert (event.data["due_on_before"], event.data["due_on"]) == ("2026-03-31", "2026-04-01")
    assert "Test proclamation" in event.data["reason"]
    unaffected.refresh_from_db()
    assert unaffected.due_on == unaffected_due
    assert not unaffected.events.filter(verb=CaseEvent.Verb.DEADLINE_RECOMPUTED).exists()
    closed.refresh_from_db()
    assert closed.due_on == dt.date(2026, 3, 31)
    assert not closed.events.exists()


def test_deleting_the_bank_holiday_moves_the_date_back(
    admin_client, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:foi_cases_bankholiday_add"),
            {"date": "2026-03-25", "division": "scotland", "title": "Test", "source": "Test"},
        )
    holiday = BankHoliday.objects.get()
    case.refresh_from_db()
    assert case.due_on == dt.date(2026, 4, 1)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:foi_cases_bankholiday_delete", args=[holiday.pk]), {"post": "yes"}
        )

    case.refresh_from_db()
    assert case.due_on == dt.date(2026, 3, 31)
    assert case.events.filter(verb=CaseEvent.Verb.DEADLINE_RECOMPUTED).count() == 2


def test_recompute_task_is_safe_to_run_twice(case):
    BankHoliday.objects.create(
        date=dt.date(2026, 3, 25), division="england-and-wales", title="Test", source="Test"
    )
    bank_holidays.bump_calendar_version()
    assert tasks.recompute_open_deadlines.delay(reason="first").get() == 1
    assert tasks.recompute_open_deadlines.delay(reason="second").get() == 0
    assert case.events.filter(verb=CaseEvent.Verb.DEADLINE_RECOMPUTED).count() == 1


def test_adding_a_suspension_period_in_the_admin_moves_due_dates(
    admin_client, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:foi_cases_suspensionperiod_add"),
            {
                "first_day": "2026-03-23",
                "last_day": "2026-03-27",
                "reason": "Dissolution",
                "source": "",
            },
        )
    assert SuspensionPeriod.objects.count() == 1
    case.refresh_from_db()
    # Five working days suspended: 31 Mar becomes Thu 9 Apr (Good Friday, Easter Monday).
    assert case.due_on == dt.date(2026, 4, 9)
    assert case.events.filter(verb=CaseEvent.Verb.DEADLINE_RECOMPUTED).count() == 1


def test_the_workflow_offers_a_public_interest_extension_only_while_foia_decisions_are_open(
    case,
):
    assert workflow.public_interest_extension_available(case)
    case.status = Status.AWAITING_CLARIFICATION
    assert not workflow.public_interest_extension_available(case)
    case.status = Status.APPROVED
    assert workflow.public_interest_extension_available(case)
    case.regime = Case.Regime.EIR
    assert not workflow.public_interest_extension_available(case)
