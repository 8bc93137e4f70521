"""Reminders for every clock besides the response: review, ICO steps, appeal, fee, clarification."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from foi_cases import clock_reminders, deadlines, tasks, workflow
from foi_cases.models import Case, CaseEvent, Notification, ReminderSent
from foi_cases.workflow import casework
from tests import factories

pytestmark = pytest.mark.django_db


def _run(day, capture):
    with capture(execute=True):
        return clock_reminders.send_clock_reminders(day)


def _kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_fee_due_is_three_months_beginning_with_the_notice():
    assert clock_reminders.fee_due_on(dt.date(2026, 1, 10)) == dt.date(2026, 4, 9)
    assert clock_reminders.fee_due_on(dt.date(2026, 11, 30)) == dt.date(2027, 2, 28)
    assert clock_reminders.fee_due_on(dt.date(2026, 10, 1)) == dt.date(2026, 12, 31)
    assert deadlines.fee_payment_due(dt.date(2027, 11, 30)) == dt.date(2028, 2, 29)  # leap year


def test_clarification_lapses_after_20_working_days(db):
    # Asked on Monday 2 March 2026: the 20th working day after is Tuesday 31 March (St
    # Patrick's Day, a bank holiday in Northern Ireland, does not count under FOIA).
    assert clock_reminders.clarification_lapses_on("FOIA", dt.date(2026, 3, 2)) == dt.date(
        2026, 3, 31
    )


def test_internal_review_due_reminds_officer_reviewer_and_managers_once(
    django_capture_on_commit_callbacks, officer, manager, reviewer
):
    case = factories.RespondedCaseFactory(assigned_to=officer)
    review = workflow.request_internal_review(
        case, actor=officer, requested_on=dt.date(2026, 4, 6), grounds="Too much withheld"
    )
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=reviewer)
    Notification.objects.all().delete()
    review.refresh_from_db()
    early = review.target_due_on - dt.timedelta(days=14)
    assert _run(early, django_capture_on_commit_callbacks) == 0
    assert _run(review.target_due_on, django_capture_on_commit_callbacks) == 3
    assert _run(review.target_due_on, django_capture_on_commit_callbacks) == 0
    for person in (officer, manager, reviewer):
        assert _kinds(person) == ["review_due"]
    message = Notification.objects.filter(user=officer).get().message
    assert message.startswith(f"The internal review of {case.reference}")
    assert "0 working days left" in message


def test_ico_steps_and_appeal_window(django_capture_on_commit_callbacks, officer):
    case = factories.RespondedCaseFactory(assigned_to=officer)
    complaint = workflow.record_ico_complaint(
        case, actor=officer, ico_reference="IC-1-A", notified_on=dt.date(2026, 5, 1)
    )
    workflow.record_decision_notice(
        complaint,
        actor=officer,
        notice_on=dt.date(2026, 7, 1),
        outcome="upheld",
        steps_required="Disclose the figures.",
    )
    # Steps due 5 August (35 days); the appeal window closes 29 July (28 days).
    assert _run(dt.date(2026, 7, 27), django_capture_on_commit_callbacks) == 1
    assert _kinds(officer) == ["appeal_window"]
    assert _run(dt.date(2026, 8, 3), django_capture_on_commit_callbacks) == 1
    assert _kinds(officer) == ["appeal_window", "ico_steps_due"]
    steps = Notification.objects.get(kind="ico_steps_due")
    assert "IC-1-A" in steps.message and "5 August 2026" in steps.message


def test_fee_not_paid_is_reminded_as_the_three_months_end(
    django_capture_on_commit_callbacks, officer
):
    case = factories.case_in_progress(officer)
    workflow.give_fee_notice(case, actor=officer, on=dt.date(2026, 3, 10), amount=Decimal("25"))
    assert _run(dt.date(2026, 5, 1), django_capture_on_commit_callbacks) == 0
    assert _run(dt.date(2026, 6, 5), django_capture_on_commit_callbacks) == 1
    assert "9 June 2026" in Notification.objects.get(user=officer, kind="fee_due").message
    assert _run(dt.date(2026, 6, 20), django_capture_on_commit_callbacks) == 0  # once per date


def _awaiting_clarification(officer):
    case = factories.case_in_progress(officer)
    workflow.request_clarification(case, actor=officer, on=dt.date(2026, 3, 2))
    return case


def test_a_lapsed_clarification_is_reported_and_left_open_by_default(
    django_capture_on_commit_callbacks, officer, settings
):
    settings.CLARIFICATION_LAPSE_CLOSES = False
    case = _awaiting_clarification(officer)
    assert _run(dt.date(2026, 3, 31), django_capture_on_commit_callbacks) == 0  # the 20th day
    assert _run(dt.date(2026, 4, 1), django_capture_on_commit_callbacks) == 1
    note = Notification.objects.get(user=officer)
    assert note.kind == "clarification_lapse" and "can be closed as lapsed" in note.message
    assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_CLARIFICATION
    assert _run(dt.date(2026, 4, 2), django_capture_on_commit_callbacks) == 0


def test_a_lapsed_clarification_closes_the_case_when_configured(
    django_capture_on_commit_callbacks, officer, settings
):
    settings.CLARIFICATION_LAPSE_CLOSES = True
    case = _awaiting_clarification(officer)
    _run(dt.date(2026, 4, 1), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == Case.Outcome.LAPSED
    event = case.events.get(verb=CaseEvent.Verb.CLOSED)
    assert event.actor is None  # the system
    assert "closed as lapsed" in Notification.objects.get(user=officer).message
    assert _run(dt.date(2026, 4, 2), django_capture_on_commit_callbacks) == 0
    assert case.events.filter(verb=CaseEvent.Verb.CLOSED).count() == 1


def test_watchers_get_clock_reminders_and_the_daily_task_sends_them(
    django_capture_on_commit_callbacks, officer, reviewer
):
    case = _awaiting_clarification(officer)
    casework.watch_case(case, actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_deadline_reminders()  # today, long after March 2026
    assert _kinds(reviewer) == ["clarification_lapse"]
    assert ReminderSent.objects.filter(user=reviewer, kind="clarification_lapse").count() == 1
    assert any("lapsed without clarification" in m.subject or "Requests lapsed" in m.subject
               for m in mail.outbox)  # fmt: skip
