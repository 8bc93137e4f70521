"""Internal review: its own deadline, the 40-working-day flag, an independent reviewer, and
outcomes that reopen the case and compose the outcome letter."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exemptions.models import Review
from foi_cases import workflow
from foi_cases.models import Case, CaseEvent, InternalReview, Letter
from foi_cases.permissions import REVIEWER
from tests import factories

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def letter_approver(roles):
    return factories.UserFactory(username="rex", roles=[REVIEWER])


@pytest.fixture
def independent(roles):
    return factories.UserFactory(username="ivy", roles=[REVIEWER])


@pytest.fixture
def decided(db, officer, reviewer, letter_approver):
    """Responded on 1 April 2026: officer decided, reviewer approved, rex approved the letter."""
    case = factories.RespondedCaseFactory(assigned_to=officer)
    q1 = factories.QuestionFactory(case=case, number=1, held_status="held", outcome="disclosed")
    q2 = factories.QuestionFactory(
        case=case, number=2, held_status="held", outcome="withheld_in_full"
    )
    factories.ExemptionCitationFactory(question=q2, created_by=officer)
    Review.objects.create(
        case=case,
        round=1,
        status=Review.Status.APPROVED,
        submitted_by=officer,
        submitted_hash="0" * 64,
        reviewed_by=reviewer,
        approved_hash="0" * 64,
    )
    Letter.objects.create(
        case=case,
        kind=Letter.Kind.FINAL_RESPONSE,
        version=1,
        dated=dt.date(2026, 4, 1),
        body="Dear Ms Smith,",
        composed_by=officer,
        approved_by=letter_approver,
        sent_at=case.responded_at,
    )
    case.q1, case.q2 = q1, q2
    return case


def _request(case, actor, on=dt.date(2026, 4, 15)):
    return workflow.request_internal_review(
        case, actor=actor, requested_on=on, grounds="The s31 refusal was wrong."
    )


def test_a_review_request_opens_a_review_with_its_own_deadline(decided, officer):
    review = _request(decided, officer)
    review.refresh_from_db()
    assert review.case == decided and review.is_open
    assert review.target_due_on == dt.date(2026, 5, 14)  # 20 working days (4 May a holiday)
    assert review.due_on == dt.date(2026, 6, 12)  # 40 working days (25 May a holiday)
    assert review.working_days_after_response == 8 and not review.requested_late
    event = decided.events.last()
    assert event.verb == CaseEvent.Verb.REVIEW_REQUESTED and event.actor == officer
    assert event.data["due_on"] == "2026-06-12"


def test_an_eir_review_is_due_in_forty_working_days(decided, officer):
    Case.objects.filter(pk=decided.pk).update(regime="EIR")
    decided.refresh_from_db()
    review = _request(decided, officer)
    assert review.target_due_on == review.due_on == dt.date(2026, 6, 12)


def test_a_request_forty_working_days_after_the_response_is_not_flagged(decided, officer):
    review = _request(decided, officer, on=dt.date(2026, 6, 2))
    assert review.working_days_after_response == 40 and not review.requested_late


def test_a_request_more_than_forty_working_days_after_the_response_is_flagged(decided, officer):
    review = _request(decided, officer, on=dt.date(2026, 6, 3))
    review.refresh_from_db()
    assert review.working_days_after_response == 41 and review.requested_late
    assert decided.events.last().data["late"] is True


def test_a_review_needs_a_response(db, officer):
    case = factories.CaseFactory(status="in_progress")
    with pytest.raises(ValidationError, match="follow a response"):
        _request(case, officer)
    assert not InternalReview.objects.exists()


def test_only_one_review_is_open_at_a_time(decided, officer):
    _request(decided, officer)
    with pytest.raises(ValidationError, match="already open"):
        _request(decided, officer)


@pytest.mark.parametrize("who", ["officer", "reviewer", "letter_approver"])
def test_someone_involved_in_the_original_decision_cannot_review_it(
    decided, officer, manager, roles, who, request
):
    review = _request(decided, officer)
    person = request.getfixturevalue(who)
    person.groups.add(roles[REVIEWER])  # the officer too, so only involvement stops them
    person._foi_roles = None
    with pytest.raises(ValidationError, match="original decision"):
        workflow.assign_internal_reviewer(review, actor=manager, reviewer=person)
    review.refresh_from_db()
    assert review.reviewer is None


def test_an_independent_reviewer_is_assigned(decided, officer, manager, independent):
    review = _request(decided, officer)
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)
    review.refresh_from_db()
    assert review.reviewer == independent
    event = decided.events.last()
    assert event.verb == CaseEvent.Verb.REVIEWER_ASSIGNED and event.data["reviewer"] == "ivy"


def test_the_internal_reviewer_of_a_restricted_case_joins_its_team(
    decided, officer, manager, independent
):
    decided.restricted = True
    decided.save(update_fields=["restricted"])
    review = _request(decided, officer)
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)
    assert decided.team.filter(pk=independent.pk).exists()
    assert decided.events.last().data["added_to_team"] is True


def test_a_letters_first_approver_is_not_independent(decided, officer, manager, independent):
    Letter.objects.filter(case=decided).update(reviewed_by=independent)
    review = _request(decided, officer)
    with pytest.raises(ValidationError, match="original decision"):
        workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)


def test_an_officer_without_a_review_role_cannot_review(decided, officer, manager, other_officer):
    review = _request(decided, officer)
    with pytest.raises(ValidationError, match="reviewer or manager"):
        workflow.assign_internal_reviewer(review, actor=manager, reviewer=other_officer)


def test_independence_is_checked_again_at_decision(decided, officer, manager, independent):
    review = _request(decided, officer)
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)
    Review.objects.filter(case=decided).update(manager_approved_by=independent)
    with pytest.raises(ValidationError, match="original decision"):
        workflow.decide_internal_review(
            review, actor=independent, outcome="upheld", reasons="Fine."
        )
    review.refresh_from_db()
    assert review.is_open


def test_only_the_assigned_reviewer_decides(decided, officer, manager, independent):
    review = _request(decided, officer)
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)
    with pytest.raises(PermissionDenied):
        workflow.decide_internal_review(review, actor=manager, outcome="upheld", reasons="Fine.")


def test_an_upheld_decision_leaves_the_case_and_composes_the_outcome_letter(
    decided, officer, manager, independent
):
    review = _request(decided, officer)
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)
    workflow.decide_internal_review(
        review, actor=independent, outcome="upheld", reasons="s31 applies."
    )
    review.refresh_from_db()
    decided.refresh_from_db()
    assert review.outcome == "upheld" and review.decided_at is not None
    assert decided.status == "responded" and not review.reopened_questions.exists()
    assert review.letter.kind == Letter.Kind.INTERNAL_REVIEW
    assert review.letter.composed_by == independent
    verbs = list(decided.events.values_list("verb", flat=True))[-2:]
    assert verbs == [CaseEvent.Verb.REVIEW_DECIDED, CaseEvent.Verb.LETTER_COMPOSED]


def test_an_overturned_decision_reopens_the_affected_questions(
    decided, officer, manager, independent
):
    review = _request(decided, officer)
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)
    workflow.decide_internal_review(
        review,
        actor=independent,
        outcome="overturned",
        reasons="The harm is not made out.",
        reopen=[decided.q2],
    )
    review.refresh_from_db()
    decided.refresh_from_db()
    assert decided.status == "in_progress"
    assert list(review.reopened_questions.all()) == [decided.q2]
    event = decided.events.get(verb=CaseEvent.Verb.REVIEW_DECIDED)
    assert event.data == {
        "review": review.pk,
        "outcome": "overturned",
        "reopened_questions": [2],
    }
    assert review.letter is not None


def test_a_decided_review_cannot_be_decided_again(decided, officer, manager, independent):
    review = _request(decided, officer)
    workflow.assign_internal_reviewer(review, actor=manager, reviewer=independent)
    workflow.decide_internal_review(review, actor=independent, outcome="upheld", reasons="x")
    with pytest.raises(ValidationError, match="already been decided"):
        workflow.decide_internal_review(
            review, actor=independent, outcome="overturned", reasons="y"
        )


# --- Pages -----------------------------------------------------------------------------------


def test_a_review_request_is_logged_through_the_page(decided, officer, client):
    client.force_login(officer)
    response = client.post(
        f"/cases/{decided.reference}/internal-review/new/",
        {"requested_on_0": "3", "requested_on_1": "6", "requested_on_2": "2026", "grounds": "x"},
    )
    assert response.status_code == 302
    review = InternalReview.objects.get(case=decided)
    assert review.requested_late
    page = client.get(f"/cases/{decided.reference}/after-response/")
    assert "More than 40 working days after the response" in page.text


def test_the_assign_page_offers_only_independent_reviewers(
    decided, officer, manager, independent, client
):
    review = _request(decided, officer)
    client.force_login(manager)
    page = client.get(f"/cases/{decided.reference}/internal-review/{review.pk}/assign/")
    assert page.status_code == 200
    assert f'value="{independent.pk}"' in page.text
    assert f'value="{Review.objects.get(case=decided).reviewed_by_id}"' not in page.text
    response = client.post(
        f"/cases/{decided.reference}/internal-review/{review.pk}/assign/",
        {"reviewer": independent.pk},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.reviewer == independent


def test_outsiders_cannot_see_the_after_response_page(decided, outsider, client):
    client.force_login(outsider)
    assert client.get(f"/cases/{decided.reference}/after-response/").status_code == 404


def test_legal_hold_is_set_through_the_page(decided, manager, officer, client):
    client.force_login(officer)
    assert (
        client.post(
            f"/cases/{decided.reference}/legal-hold/", {"hold": "1", "reason": "x"}
        ).status_code
        == 403
    )
    client.force_login(manager)
    response = client.post(
        f"/cases/{decided.reference}/legal-hold/", {"hold": "1", "reason": "Litigation"}
    )
    decided.refresh_from_db()
    assert response.status_code == 302 and decided.legal_hold
    assert decided.events.last().verb == CaseEvent.Verb.LEGAL_HOLD_CHANGED


def test_a_review_request_page_sent_twice_logs_one_review_and_says_so(decided, officer, client):
    client.force_login(officer)
    url = f"/cases/{decided.reference}/internal-review/new/"
    page = client.get(url)
    token = page.context["form_token"]
    assert f'name="form_token" value="{token}"' in page.text
    data = {
        "requested_on_0": "3",
        "requested_on_1": "6",
        "requested_on_2": "2026",
        "grounds": "x",
        "form_token": token,
    }

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    overview = f"/cases/{decided.reference}/after-response/"
    assert first.status_code == 302 and second.redirect_chain == [(overview, 302)]
    assert "already sent, so nothing was done twice" in second.text
    assert InternalReview.objects.filter(case=decided).count() == 1
    assert decided.events.filter(verb=CaseEvent.Verb.REVIEW_REQUESTED).count() == 1
