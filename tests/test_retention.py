"""Retention: anonymisation of expired cases, the ICO extension, legal hold, and s77."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from foi_cases import retention, tasks, workflow
from foi_cases.models import Case, CaseEvent, ClockEvent, ICOComplaint, InternalReview, Requester
from foi_cases.reporting import outcomes, statistics
from tests import factories

LONDON = ZoneInfo("Europe/London")
CLOSED_AT = dt.datetime(2022, 5, 3, 15, 0, tzinfo=LONDON)


@pytest.fixture
def closed_case(db, officer):
    topic = factories.TopicFactory(name="MP security", slug="mp-security")
    case = factories.RespondedCaseFactory(
        status="closed",
        outcome="partially_withheld",
        received_at=dt.datetime(2022, 3, 1, 9, 0, tzinfo=LONDON),
        responded_at=dt.datetime(2022, 3, 28, 9, 0, tzinfo=LONDON),
        closed_at=CLOSED_AT,
        assigned_to=officer,
        topics=[topic],
        cost_estimate_notes="Jane Smith's files took 3 hours.",
    )
    question = factories.QuestionFactory(
        case=case,
        number=1,
        text="Jane Smith asks: how many referrals to police?",
        answer_text="Withheld, Ms Smith.",
        held_status="held",
        outcome="withheld_in_full",
    )
    factories.ExemptionCitationFactory(question=question, created_by=officer)
    ClockEvent.objects.create(
        case=case, kind="clarification_requested", on=dt.date(2022, 3, 2), note="Rang Jane"
    )
    CaseEvent.objects.create(case=case, verb="closed", data={"note": "Jane was happy"})
    from foi_cases.models import Notification

    Notification.objects.create(
        user=officer, case=case, kind="assigned", message="Jane Smith's request assigned"
    )
    from exemptions.models import Review, ReviewComment

    review = Review.objects.create(
        case=case, round=1, status="returned", submitted_by=officer, submitted_hash="0" * 64
    )
    ReviewComment.objects.create(
        review=review, question=question, text="Ms Smith asked this before", author=officer
    )
    return case


def _statistics(case: Case) -> dict:
    """What dashboards and returns count: must survive anonymisation unchanged."""
    case = Case.objects.get(pk=case.pk)
    return {
        "status": case.status,
        "outcome": case.outcome,
        "regime": case.regime,
        "channel": case.channel,
        "dates": (case.received_at, case.due_on, case.responded_at, case.closed_at),
        "requester_type": case.requester.requester_type,
        "topics": sorted(case.topics.values_list("slug", flat=True)),
        "questions": list(case.questions.values_list("number", "held_status", "outcome")),
        "citations": list(
            case.questions.values_list("citations__exemption__code", "citations__provision")
        ),
        "by_outcome": Case.objects.filter(outcome=case.outcome).count(),
        # The figures the dashboard and the quarterly returns show.
        "reported": outcomes.count_outcomes(Case.objects.all()),
        "timeliness": statistics.timeliness(Case.objects.all(), dt.date(2026, 1, 1)),
        "exemptions": statistics.exemption_table(Case.objects.all()),
    }


def _personal(case: Case) -> str:
    case = Case.objects.get(pk=case.pk)
    parts = [
        case.title,
        case.request_text,
        case.cost_estimate_notes,
        case.requester.name,
        case.requester.email,
        case.requester.postal_address,
        *case.questions.values_list("text", flat=True),
        *case.questions.values_list("answer_text", flat=True),
        *case.clock_events.values_list("note", flat=True),
        *(str(e.data) for e in case.events.all()),
        *case.notifications.values_list("message", flat=True),
        *case.reviews.values_list("comments__text", flat=True),
    ]
    return " ".join(parts).lower()


def test_retention_expires_three_years_after_closure(closed_case):
    assert retention.retention_expires_on(closed_case) == dt.date(2025, 5, 3)


def test_an_open_case_never_expires(db):
    case = factories.RespondedCaseFactory()
    assert retention.retention_expires_on(case) is None


def test_the_retention_period_is_configurable(closed_case, settings):
    settings.FOI_RETENTION_YEARS = 6
    assert retention.retention_expires_on(closed_case) == dt.date(2028, 5, 3)


def test_an_ico_outcome_extends_retention_by_six_weeks(closed_case, officer):
    complaint = ICOComplaint.objects.create(
        case=closed_case,
        ico_reference="IC-1",
        notified_on=dt.date(2025, 1, 6),
        decision_notice_on=dt.date(2025, 4, 20),
        outcome="not_upheld",
        closed_on=dt.date(2025, 4, 20),
        created_by=officer,
    )
    from foi_cases.models import TribunalAppeal

    TribunalAppeal.objects.create(
        complaint=complaint,
        appellant="requester",
        lodged_on=dt.date(2025, 5, 1),
        decided_on=dt.date(2025, 6, 2),
        outcome="Dismissed",
        created_by=officer,
    )
    assert retention.retention_expires_on(closed_case) == dt.date(2025, 7, 14)


def test_an_open_ico_complaint_stops_expiry(closed_case, officer):
    ICOComplaint.objects.create(
        case=closed_case, ico_reference="IC-2", notified_on=dt.date(2025, 1, 6), created_by=officer
    )
    assert retention.retention_expires_on(closed_case) is None
    assert closed_case not in list(retention.cases_due_for_anonymisation())


def test_anonymisation_removes_personal_data_and_keeps_statistics(closed_case):
    before = _statistics(closed_case)
    assert "jane" in _personal(closed_case)
    assert tasks.anonymise_expired_cases.delay().get() == 1
    closed_case.refresh_from_db()
    assert closed_case.anonymised_at is not None
    for trace in ("jane", "smith", "acacia", "leeds", "ls1", "example.com"):
        assert trace not in _personal(closed_case), trace
    assert _statistics(closed_case) == before
    event = closed_case.events.last()
    assert event.verb == CaseEvent.Verb.ANONYMISED and event.actor is None
    assert event.data["retention_expired_on"] == "2025-05-03"


def test_anonymisation_is_idempotent(closed_case):
    assert tasks.anonymise_expired_cases() == 1
    assert tasks.anonymise_expired_cases() == 0
    assert workflow.anonymise_case(closed_case) is False
    assert closed_case.events.filter(verb=CaseEvent.Verb.ANONYMISED).count() == 1


def test_legal_hold_stops_anonymisation(closed_case, manager):
    workflow.set_legal_hold(closed_case, actor=manager, hold=True, reason="Litigation")
    assert tasks.anonymise_expired_cases() == 0
    with pytest.raises(ValidationError, match="legal hold"):
        workflow.anonymise_case(closed_case)
    closed_case.refresh_from_db()
    assert closed_case.anonymised_at is None and "jane" in _personal(closed_case)
    event = closed_case.events.filter(verb=CaseEvent.Verb.LEGAL_HOLD_CHANGED).get()
    assert event.actor == manager and event.data["legal_hold"] is True


def test_a_case_not_yet_expired_is_left_alone(db):
    case = factories.RespondedCaseFactory(
        status="closed", closed_at=dt.datetime(2025, 1, 1, tzinfo=LONDON)
    )
    assert tasks.anonymise_expired_cases() == 0
    with pytest.raises(ValidationError, match="not expired"):
        workflow.anonymise_case(case)


def test_a_requester_with_a_live_case_keeps_their_details_there(closed_case):
    live = factories.RespondedCaseFactory(requester=closed_case.requester)
    workflow.anonymise_case(closed_case)
    closed_case.refresh_from_db()
    live.refresh_from_db()
    assert live.requester.name == "Jane Smith"
    assert closed_case.requester.name == workflow.ANONYMISED_NAME
    assert closed_case.requester.requester_type == live.requester.requester_type
    assert Requester.objects.filter(anonymised_at__isnull=False).count() == 1


# --- Deletion (s77) ------------------------------------------------------------------------


def test_deletion_is_refused_under_legal_hold(closed_case, manager):
    Case.objects.filter(pk=closed_case.pk).update(legal_hold=True)
    closed_case.refresh_from_db()
    with pytest.raises(ValidationError, match="legal hold"):
        workflow.delete_case(closed_case, actor=manager, reason="Tidy up")
    assert Case.objects.filter(pk=closed_case.pk).exists()


def test_deletion_is_refused_while_an_internal_review_is_open(closed_case, manager):
    InternalReview.objects.create(
        case=closed_case,
        requested_on=dt.date(2022, 4, 1),
        target_due_on=dt.date(2022, 4, 29),
        due_on=dt.date(2022, 5, 27),
        created_by=manager,
    )
    with pytest.raises(ValidationError, match="internal review"):
        workflow.delete_case(closed_case, actor=manager, reason="Tidy up")
    assert Case.objects.filter(pk=closed_case.pk).exists()


def test_deletion_is_refused_while_an_ico_complaint_is_open(closed_case, manager):
    ICOComplaint.objects.create(
        case=closed_case, ico_reference="IC-3", notified_on=dt.date(2025, 1, 6), created_by=manager
    )
    with pytest.raises(ValidationError, match="ICO"):
        workflow.delete_case(closed_case, actor=manager, reason="Tidy up")


def test_deletion_is_refused_while_the_request_is_open(db, manager):
    case = factories.RespondedCaseFactory(status="in_progress")
    with pytest.raises(ValidationError, match="still open"):
        workflow.delete_case(case, actor=manager, reason="Tidy up")


def test_a_closed_case_with_nothing_open_can_be_deleted_by_a_manager(closed_case, manager):
    workflow.delete_case(closed_case, actor=manager, reason="Retention schedule")
    assert not Case.objects.filter(pk=closed_case.pk).exists()


def test_the_anonymisation_task_runs_daily_from_the_beat_schedule(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["anonymise-expired-cases"]
    assert entry["task"] == "foi_cases.tasks.anonymise_expired_cases"
    assert entry["schedule"] == 24 * 60 * 60
    assert entry["task"] in app.tasks


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_anonymises_an_expired_case_once(live_celery, roles):
    from tests.test_letter_pdf_worker import wait_for

    case = factories.RespondedCaseFactory(status="closed", closed_at=CLOSED_AT)
    factories.QuestionFactory(case=case, number=1, text="Jane Smith asks a question")
    tasks.anonymise_expired_cases.delay()
    wait_for(lambda: Case.objects.filter(pk=case.pk, anonymised_at__isnull=False).exists(),
             live_celery)  # fmt: skip
    tasks.anonymise_expired_cases.delay()
    done = "foi_cases.tasks.anonymise_expired_cases["
    wait_for(lambda: live_celery.log().count(done) >= 4, live_celery)  # received, succeeded x2
    case.refresh_from_db()
    assert case.requester.name == workflow.ANONYMISED_NAME
    assert "Jane" not in case.questions.get().text
    assert case.events.filter(verb=CaseEvent.Verb.ANONYMISED).count() == 1
