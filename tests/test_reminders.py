"""Reminders and notifications: each sent once, none missed, e-mailed after the commit."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.urls import reverse

from foi_cases import notifications, tasks, workflow
from foi_cases.models import Case, CaseEvent, Notification, ReminderSent
from foi_cases.reporting.outcomes import refresh_reporting
from tests import factories

pytestmark = pytest.mark.django_db
MON_20_APRIL = dt.date(2026, 4, 20)
WED_22_APRIL = dt.date(2026, 4, 22)


@pytest.fixture
def deadlines(officer, other_officer, manager, reviewer):
    """S due soon and O overdue (olivia's), U overdue and unassigned, R restricted due soon."""
    make = factories.CaseFactory
    return {
        "S": make(reference="S", title="Soon", status="in_progress", assigned_to=officer,
                  due_on=dt.date(2026, 4, 22)),
        "O": make(reference="O", title="Late", status="in_progress", assigned_to=officer,
                  due_on=dt.date(2026, 3, 31)),
        "U": make(reference="U", title="Nobody's", status="received", due_on=dt.date(2026, 4, 1)),
        "R": make(reference="R", title="Secret title", status="in_progress", restricted=True,
                  assigned_to=other_officer, due_on=dt.date(2026, 4, 24)),
        "T": make(reference="T", title="Later", status="in_progress", assigned_to=officer,
                  due_on=dt.date(2026, 4, 28)),
        "done": make(reference="done", status="responded", assigned_to=officer,
                     due_on=dt.date(2026, 3, 31)),
        "paused": make(reference="paused", status="awaiting_fee", assigned_to=officer,
                       due_on=dt.date(2026, 3, 31)),
    }  # fmt: skip


def _run(day, capture):
    with capture(execute=True):
        return notifications.send_deadline_reminders(day)


def _sent():
    return sorted(
        ReminderSent.objects.values_list("user__username", "case__reference", "kind", "for_date")
    )


def test_daily_run_sends_one_digest_per_person(
    deadlines, django_capture_on_commit_callbacks, officer, other_officer, manager
):
    assert _run(MON_20_APRIL, django_capture_on_commit_callbacks) == 7
    assert _sent() == [
        ("maya", "O", "overdue", dt.date(2026, 3, 31)),
        ("maya", "R", "due_soon", dt.date(2026, 4, 24)),
        ("maya", "S", "due_soon", dt.date(2026, 4, 22)),
        ("maya", "U", "overdue", dt.date(2026, 4, 1)),
        ("olivia", "O", "overdue", dt.date(2026, 3, 31)),
        ("olivia", "S", "due_soon", dt.date(2026, 4, 22)),
        ("oscar", "R", "due_soon", dt.date(2026, 4, 24)),
    ]
    by_person = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_person) == [manager.email, officer.email, other_officer.email]
    subject = by_person[manager.email].subject
    assert subject == "[FOI case manager] Your FOI cases: 2 overdue, 2 due soon"
    assert len(mail.outbox) == 3
    body = by_person[officer.email].body
    assert "O Late is overdue: it was due on 31 March 2026 (12 working days late" in body
    assert "S Soon is due on 22 April 2026 (2 working days left)" in body
    assert "Secret title" not in by_person[manager.email].body
    assert "R (restricted)" in by_person[manager.email].body
    assert Notification.objects.filter(user=officer, read_at__isnull=True).count() == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_running_twice_sends_each_reminder_once(deadlines, django_capture_on_commit_callbacks):
    first = _run(MON_20_APRIL, django_capture_on_commit_callbacks)
    emails = len(mail.outbox)
    assert _run(MON_20_APRIL, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == emails
    assert ReminderSent.objects.count() == first == Notification.objects.count()
    # The next day only T (due Tuesday 28 April) is new: nothing already sent is repeated.
    assert _run(MON_20_APRIL + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 2
    assert _run(MON_20_APRIL + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert ReminderSent.objects.exclude(case__reference="T").count() == first
    assert len(mail.outbox) == emails + 2


def test_a_missed_day_misses_nothing(deadlines, django_capture_on_commit_callbacks, officer):
    _run(MON_20_APRIL, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # No run on Tuesday; on Wednesday T (due Tuesday 28 April) has come within 5 working days.
    assert _run(WED_22_APRIL, django_capture_on_commit_callbacks) == 2
    people = ReminderSent.objects.filter(case__reference="T").values_list("user__username")
    assert sorted(people) == [("maya",), ("olivia",)]
    assert len(mail.outbox) == 2


def test_a_new_deadline_earns_a_new_reminder(deadlines, django_capture_on_commit_callbacks):
    _run(MON_20_APRIL, django_capture_on_commit_callbacks)
    Case.objects.filter(reference="O").update(extended_due_on=dt.date(2026, 4, 27))
    # Written without an audit event, so the reporting rows are refreshed by hand.
    refresh_reporting(Case.objects.filter(reference="O").values_list("pk", flat=True))
    assert _run(WED_22_APRIL, django_capture_on_commit_callbacks) == 4  # O and T, two people
    assert (
        ReminderSent.objects.filter(
            case__reference="O", kind="due_soon", for_date=dt.date(2026, 4, 27)
        ).count()
        == 2
    )


def test_a_reminder_recorded_by_another_run_is_not_sent_again(
    deadlines, django_capture_on_commit_callbacks, officer
):
    ReminderSent.objects.create(
        user=officer, case=deadlines["S"], kind="due_soon", for_date=dt.date(2026, 4, 22)
    )
    _run(MON_20_APRIL, django_capture_on_commit_callbacks)
    body = next(m.body for m in mail.outbox if m.to == [officer.email])
    assert "S Soon" not in body and "O Late" in body


def test_person_without_email_still_gets_the_in_app_notification(
    deadlines, django_capture_on_commit_callbacks, officer
):
    officer.email = ""
    officer.save()
    _run(MON_20_APRIL, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=officer).count() == 2
    assert all(officer.email not in m.to for m in mail.outbox)


def test_the_task_runs_for_today_and_is_in_the_beat_schedule(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_deadline_reminders.delay().get() == 0
    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    assert entry["task"] == "foi_cases.tasks.send_deadline_reminders"
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {7}


def test_assigning_a_case_notifies_the_officer_once(
    django_capture_on_commit_callbacks, manager, officer
):
    case = factories.CaseFactory(reference="ASSIGN-1", title="Budget")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_case(case, actor=manager, assignee=officer)
    case.refresh_from_db()
    assert case.assigned_to == officer
    assert CaseEvent.objects.filter(case=case, verb="assigned").count() == 1
    (note,) = Notification.objects.filter(user=officer)
    assert note.kind == "assigned" and "ASSIGN-1 Budget was assigned to you" in note.message
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert mail.outbox[0].subject.endswith("A case was assigned to you")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_case(case, actor=manager, assignee=officer)
    assert Notification.objects.filter(user=officer).count() == 1
    assert len(mail.outbox) == 1


def test_assigning_yourself_sends_nothing(django_capture_on_commit_callbacks, officer):
    case = factories.CaseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_case(case, actor=officer, assignee=officer)
    assert not Notification.objects.exists() and not mail.outbox


def test_review_waiting_and_returned(
    django_capture_on_commit_callbacks, officer, reviewer, manager, roles
):
    other_reviewer = factories.UserFactory(username="rob", roles=["Reviewer"])
    case = factories.CaseFactory(reference="REV-1", assigned_to=officer, restricted=True)
    case.team.add(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_review_waiting(case, actor=officer)
    # Rob is not on the restricted case's team: he could not open it, so is not told.
    assert sorted(Notification.objects.values_list("user__username", "kind")) == [
        ("rita", "review_waiting"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_returned(case, officer=officer, actor=other_reviewer)
    returned = Notification.objects.get(user=officer)
    assert (
        returned.message
        == "REV-1 (restricted) was returned for revision by "
        + (other_reviewer.get_full_name())
        + "."
    )
    assert len(mail.outbox) == 2


def test_notification_page_lists_and_marks_read(client, officer):
    case = factories.CaseFactory(reference="N-1")
    Notification.objects.create(user=officer, case=case, kind="overdue", message="N-1 is overdue")
    client.force_login(officer)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert "N-1 is overdue" in response.content.decode()
    response = client.post(reverse("notifications_mark_read"))
    assert response.status_code == 302
    assert Notification.objects.get().read_at is not None


def test_submit_and_return_through_the_decision_workflow_notify_people(
    django_capture_on_commit_callbacks, officer, reviewer
):
    from tests.test_review import decide

    case = factories.case_in_progress(officer, questions=("What budget?", "How many referrals?"))
    decide(case, officer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(case, actor=officer)
    (waiting,) = Notification.objects.filter(kind="review_waiting")
    assert waiting.user == reviewer and waiting.case == case
    citation = case.questions.get(number=2).citations.get()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_decisions(case, actor=reviewer, comments={citation.pk: "Which advice?"})
    (returned,) = Notification.objects.filter(kind="returned")
    assert returned.user == officer
    assert [m.to for m in mail.outbox] == [[reviewer.email], [officer.email]]
