"""A case that passes its due date unanswered gets one OVERDUE event on its timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from foi_cases import tasks, workflow
from foi_cases.models import CaseEvent
from tests import factories

pytestmark = pytest.mark.django_db
MON_20_APRIL = dt.date(2026, 4, 20)


def _overdue_events(case):
    return list(case.events.filter(verb=CaseEvent.Verb.OVERDUE).values_list("actor", "data"))


def test_a_case_past_its_due_date_is_marked_overdue_once(officer):
    late = factories.CaseFactory(status="in_progress", due_on=dt.date(2026, 4, 15))
    in_time = factories.CaseFactory(status="in_progress", due_on=dt.date(2026, 4, 20))
    answered = factories.CaseFactory(status="responded", due_on=dt.date(2026, 4, 1))
    paused = factories.CaseFactory(status="awaiting_fee", due_on=dt.date(2026, 4, 1))

    assert workflow.record_overdue_cases(MON_20_APRIL) == 1
    assert _overdue_events(late) == [(None, {"due": "2026-04-15", "working_days_late": 3})]
    for case in (in_time, answered, paused):
        assert _overdue_events(case) == []

    assert workflow.record_overdue_cases(MON_20_APRIL) == 0  # a second run writes nothing
    # The next day only the case due on the 20th is newly overdue.
    assert workflow.record_overdue_cases(MON_20_APRIL + dt.timedelta(days=1)) == 1
    assert len(_overdue_events(late)) == 1
    assert _overdue_events(in_time) == [(None, {"due": "2026-04-20", "working_days_late": 1})]


def test_an_extended_date_that_passes_is_marked_again(officer):
    case = factories.CaseFactory(status="in_progress", due_on=dt.date(2026, 3, 2))
    assert workflow.record_overdue_cases(dt.date(2026, 3, 3)) == 1
    case.extended_due_on = dt.date(2026, 3, 30)
    case.save()
    assert workflow.record_overdue_cases(dt.date(2026, 3, 20)) == 0  # within the extension
    assert workflow.record_overdue_cases(dt.date(2026, 3, 31)) == 1
    assert [data["due"] for _, data in _overdue_events(case)] == ["2026-03-02", "2026-03-30"]


def test_the_daily_task_marks_overdue_cases_and_the_timeline_shows_it(
    client, officer, django_capture_on_commit_callbacks
):
    due = timezone.localdate() - dt.timedelta(days=7)
    case = factories.CaseFactory(status="in_progress", due_on=due, assigned_to=officer)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_deadline_reminders.delay().get()
        tasks.send_deadline_reminders.delay().get()
    assert len(_overdue_events(case)) == 1
    client.force_login(officer)
    html = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Became overdue" in html
    assert f"was due {due.day} " in html
