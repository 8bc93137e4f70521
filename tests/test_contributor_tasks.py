"""Colleagues asked to search for records: they see their task and nothing else of the case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from foi_cases import workflow
from foi_cases.models import (
    CaseAccessLog,
    CaseEvent,
    CaseWatcher,
    ContributorTask,
    Notification,
    Record,
)
from foi_cases.permissions import CONTRIBUTOR
from tests import factories

PDF = b"%PDF-1.4\n%%EOF\n"
Verb = CaseEvent.Verb


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def contributor(roles):
    return factories.UserFactory(username="carl", first_name="Carl", roles=[CONTRIBUTOR])


@pytest.fixture
def other_contributor(roles):
    return factories.UserFactory(username="cora", roles=[CONTRIBUTOR])


@pytest.fixture
def case(officer):
    return factories.case_in_progress(
        officer, questions=("How many officers guard MPs?", "What did the guards cost?")
    )


def ask(case, officer, contributor, *, numbers=(1,), due_on=None, **kwargs):
    return workflow.request_search(
        case,
        actor=officer,
        assignee=contributor,
        questions=[case.questions.get(number=n) for n in numbers],
        due_on=due_on or timezone.localdate() + dt.timedelta(days=14),
        **kwargs,
    )


def test_officer_asks_a_named_colleague_to_search(client, officer, contributor, case):
    client.force_login(officer)
    q1 = case.questions.get(number=1)
    response = client.post(
        reverse("search_new", args=[case.reference]),
        {
            "assignee": contributor.pk,
            "questions": [q1.pk],
            "instructions": "Rotas from the security office",
        },
    )
    assert response.status_code == 302
    task = ContributorTask.objects.get(case=case)
    assert task.assignee == contributor
    assert list(task.questions.all()) == [q1]
    assert task.due_on == workflow.default_search_due(case)
    assert task.status == ContributorTask.Status.OPEN
    event = CaseEvent.objects.get(case=case, verb=Verb.SEARCH_REQUESTED)
    assert event.actor == officer and event.data["questions"] == [1]
    notice = Notification.objects.get(user=contributor)
    assert case.reference in notice.message


def test_default_due_date_is_working_day_10_of_the_case(officer, case):
    # Received Monday 2 March 2026: working day 10 is Monday 16 March.
    assert workflow.default_search_due(case, today=dt.date(2026, 3, 3)) == dt.date(2026, 3, 16)
    # Once that has passed, 5 working days from today.
    assert workflow.default_search_due(case, today=dt.date(2026, 3, 20)) == dt.date(2026, 3, 27)


def test_only_a_contributor_can_be_asked(client, officer, other_officer, case):
    client.force_login(officer)
    response = client.post(
        reverse("search_new", args=[case.reference]),
        {"assignee": other_officer.pk, "questions": [case.questions.get(number=1).pk]},
    )
    assert response.status_code == 200
    assert "Choose a colleague who has the Contributor role" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        ask(case, officer, other_officer)
    assert "assignee" in refused.value.error_dict
    assert not ContributorTask.objects.exists()


def test_contributor_sees_only_their_task_and_its_questions(client, officer, contributor, case):
    task = ask(case, officer, contributor, instructions="Look in the rota system")
    client.force_login(contributor)
    assert client.get(reverse("home"))["Location"] == reverse("my_tasks")
    listing = client.get(reverse("my_tasks")).content.decode()
    assert reverse("task_detail", args=[task.pk]) in listing
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert "How many officers guard MPs?" in page
    assert "Look in the rota system" in page
    assert "What did the guards cost?" not in page  # a question not given to them
    assert case.requester.name not in page
    assert case.request_text not in page


def test_contributor_cannot_open_the_case_or_anything_on_it(client, officer, contributor, case):
    ask(case, officer, contributor)
    (officers_record,) = workflow.add_records(
        case, actor=officer, files=[SimpleUploadedFile("memo.pdf", PDF)]
    )
    client.force_login(contributor)
    ref = [case.reference]
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("case_records", args=ref)).status_code == 404
    assert client.get(reverse("search_new", args=ref)).status_code == 404
    assert client.get(reverse("consultation_new", args=ref)).status_code == 404
    assert client.get(reverse("case_list")).status_code == 403
    assert client.get(reverse("record_download", args=[officers_record.pk])).status_code == 404
    other_case = factories.case_in_progress(officer)
    assert client.get(other_case.get_absolute_url()).status_code == 404


def test_contributor_cannot_open_another_contributors_task_or_records(
    client, officer, contributor, other_contributor, case
):
    theirs = ask(case, officer, other_contributor)
    (record,) = workflow.add_task_records(
        theirs, actor=other_contributor, files=[SimpleUploadedFile("rota.pdf", PDF)]
    )
    ask(case, officer, contributor)
    client.force_login(contributor)
    assert client.get(reverse("task_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("record_download", args=[record.pk])).status_code == 404
    upload = client.post(
        reverse("task_upload", args=[theirs.pk]), {"files": [SimpleUploadedFile("x.pdf", PDF)]}
    )
    assert upload.status_code == 404
    statement = client.post(
        reverse("task_statement", args=[theirs.pk]),
        {"places_searched": "x", "search_terms": "y", "hours_searching": "1"},
    )
    assert statement.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ContributorTask.Status.OPEN
    assert theirs.records.count() == 1


def test_restricted_case_shows_the_contributor_only_its_reference(
    client, officer, contributor, case
):
    workflow.set_restricted(case, actor=officer, restricted=True, reason="Security")
    task = ask(case, officer, contributor)
    client.force_login(contributor)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert case.reference in page
    assert case.title not in page
    assert case.title not in client.get(reverse("my_tasks")).content.decode()
    assert case.title not in Notification.objects.get(user=contributor).message
    # Opening a task on a restricted case is recorded like any read of it.
    assert CaseAccessLog.objects.filter(case=case, user=contributor).exists()


def test_contributor_uploads_records_and_gives_a_search_statement(
    client, officer, contributor, case
):
    task = ask(case, officer, contributor)
    client.force_login(contributor)
    response = client.post(
        reverse("task_upload", args=[task.pk]),
        {"files": [SimpleUploadedFile("rota.pdf", PDF), SimpleUploadedFile("notes.txt", b"n")]},
    )
    assert response.status_code == 302
    records = Record.objects.filter(case=case).order_by("original_name")
    assert [(r.original_name, r.source, r.task_id) for r in records] == [
        ("notes.txt", Record.Source.CONTRIBUTOR, task.pk),
        ("rota.pdf", Record.Source.CONTRIBUTOR, task.pk),
    ]
    response = client.post(
        reverse("task_statement", args=[task.pk]),
        {
            "places_searched": "Security office shared drive",
            "search_terms": "rota, protection",
            "hours_searching": "3.5",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == ContributorTask.Status.SUBMITTED
    assert task.hours_searching == Decimal("3.5")
    event = CaseEvent.objects.get(case=case, verb=Verb.SEARCH_STATEMENT)
    assert event.actor == contributor and event.data["hours"] == "3.5"
    # Finished: no more files through it.
    late = client.post(
        reverse("task_upload", args=[task.pk]), {"files": [SimpleUploadedFile("late.pdf", PDF)]}
    )
    assert "This search is finished" in late.content.decode()
    assert Record.objects.filter(case=case).count() == 2


def test_search_statement_feeds_the_cost_estimate(officer, contributor, case):
    before = workflow.cost_estimate(case).hours
    task = ask(case, officer, contributor)
    workflow.give_search_statement(
        task,
        actor=contributor,
        places_searched="Finance system",
        search_terms="security",
        hours_searching=Decimal("12"),
    )
    case.refresh_from_db()
    assert case.hours_locating == Decimal("12")
    estimate = workflow.cost_estimate(case)
    assert estimate.hours == before + 12
    assert workflow.searched_hours(case) == Decimal("12")


def test_search_statement_needs_where_what_and_how_long(client, officer, contributor, case):
    task = ask(case, officer, contributor)
    client.force_login(contributor)
    response = client.post(reverse("task_statement", args=[task.pk]), {"hours_searching": "-1"})
    text = response.content.decode()
    assert "Say where you searched" in text
    assert "Say what terms you searched for" in text
    assert "The time taken cannot be negative" in text
    task.refresh_from_db()
    assert task.status == ContributorTask.Status.OPEN


def test_officer_sees_every_tasks_state_on_the_case(
    client, officer, contributor, other_contributor, case
):
    done = ask(case, officer, contributor)
    workflow.give_search_statement(
        done, actor=contributor, places_searched="Drive", search_terms="rota", hours_searching=1
    )
    late = ask(case, officer, other_contributor)
    ContributorTask.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 3, 10))
    client.force_login(officer)
    page = client.get(reverse("case_records", args=[case.reference])).content.decode()
    assert "Search statement given" in page
    assert "Searched: Drive" in page
    assert "Late" in page
    assert other_contributor.get_full_name() in page


def test_officer_cancels_a_search(client, officer, contributor, case):
    task = ask(case, officer, contributor)
    client.force_login(officer)
    response = client.post(reverse("search_cancel", args=[case.reference, task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == ContributorTask.Status.CANCELLED
    assert CaseEvent.objects.filter(case=case, verb=Verb.SEARCH_CANCELLED, actor=officer).exists()


def test_reminder_goes_once_per_due_date(officer, contributor, case):
    today = timezone.localdate()
    task = ask(case, officer, contributor, due_on=today + dt.timedelta(days=1))
    assert workflow.send_search_reminders(today) == 1
    assert workflow.send_search_reminders(today) == 0
    reminders = Notification.objects.filter(user=contributor, kind=Notification.Kind.SEARCH_DUE)
    assert reminders.count() == 1
    assert CaseEvent.objects.filter(case=case, verb=Verb.SEARCH_REMINDED).count() == 1
    # A new due date earns a new reminder.
    ContributorTask.objects.filter(pk=task.pk).update(due_on=today + dt.timedelta(days=2))
    assert workflow.send_search_reminders(today) == 1
    far = ask(case, officer, contributor, due_on=today + dt.timedelta(days=30))
    workflow.send_search_reminders(today)
    far.refresh_from_db()
    assert far.reminded_for is None


def test_a_contributors_notifications_lead_to_their_task_not_the_case(
    client, officer, contributor, case
):
    today = timezone.localdate()
    task = ask(case, officer, contributor, due_on=today + dt.timedelta(days=1))
    workflow.send_search_reminders(today)
    client.force_login(contributor)

    page = client.get(reverse("notifications")).content.decode()

    task_url = reverse("task_detail", args=[task.pk])
    assert page.count(f'href="{task_url}"') == 2  # the request and the reminder
    assert case.get_absolute_url() not in page
    assert client.get(task_url).status_code == 200


def test_a_watchers_copy_of_a_search_notice_leads_to_the_case(
    client, officer, other_officer, contributor, case
):
    CaseWatcher.objects.create(case=case, user=other_officer)
    ask(case, officer, contributor)
    client.force_login(other_officer)

    page = client.get(reverse("notifications")).content.decode()

    assert f'href="{case.get_absolute_url()}"' in page


def test_reviewer_cannot_ask_for_a_search(client, reviewer, case):
    client.force_login(reviewer)
    response = client.get(reverse("search_new", args=[case.reference]))
    assert response.status_code == 403
