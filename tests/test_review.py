"""Review of exemption decisions: submit, approve by someone else only, return, withdraw."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from exemptions.models import Review, ReviewComment
from exemptions.permissions import review_queue_for
from exemptions.validation import CitationData, FactorData, PitData
from foi_cases import workflow
from foi_cases.models import CaseEvent
from foi_cases.permissions import MANAGER, REVIEWER
from foi_cases.workflow import InvalidTransition
from tests import factories

pytestmark = pytest.mark.django_db

PIT = PitData(
    as_at=dt.date(2026, 3, 10),
    conclusion="maintain",
    summary="The public interest in protecting Members outweighs disclosure.",
    factors=(
        FactorData("disclosure", "Transparency about security spending.", 2),
        FactorData("maintain", "Risk to Members' safety.", 5),
    ),
)


def decide(case, officer):
    """Question 1 disclosed, question 2 withheld under s38(1)(b) with a PIT."""
    q1, q2 = case.questions.order_by("number")
    workflow.record_answer(
        q1, actor=officer, held_status="held", outcome="disclosed", answer_text="£2.2 million."
    )
    workflow.record_answer(q2, actor=officer, held_status="held", outcome="withheld_in_full")
    return workflow.apply_exemption(
        q2,
        actor=officer,
        exemption=factories.catalogue_exemption("FOIA-s38"),
        data=CitationData(
            limbs=("s38(1)(b)",),
            likelihood="would_be_likely",
            harm_interest="Safety of Members and staff.",
            harm_mechanism="Reveals gaps in monitoring.",
            harm_evidence="Police advice.",
            reasoning="Disclosure would be likely to endanger safety.",
        ),
        pit=PIT,
    )


@pytest.fixture
def case(officer):
    case = factories.case_in_progress(officer, questions=("What budget?", "How many referrals?"))
    decide(case, officer)
    return case


@pytest.fixture
def submitted(case, officer):
    workflow.submit_for_review(case, actor=officer)
    return case


def test_submit_moves_the_case_into_review_with_the_hash(case, officer):
    review = workflow.submit_for_review(case, actor=officer)

    case.refresh_from_db()
    assert case.status == "in_review"
    assert review.round == 1 and review.submitted_hash == workflow.decisions_hash(case)
    event = CaseEvent.objects.get(case=case, verb="submitted_for_review")
    assert event.actor == officer and event.data["decisions_hash"] == review.submitted_hash


def test_submit_refuses_incomplete_decisions(officer):
    case = factories.case_in_progress(officer, questions=("What budget?",))
    q = case.questions.get()
    workflow.record_answer(q, actor=officer, held_status="held", outcome="withheld_in_full")
    with pytest.raises(ValidationError, match="cite the exemption the information is withheld"):
        workflow.submit_for_review(case, actor=officer)
    case.refresh_from_db()
    assert case.status == "in_progress"


def test_decisions_are_frozen_while_in_review(submitted, officer):
    q1 = submitted.questions.get(number=1)
    with pytest.raises(InvalidTransition, match="Wait for the reviewer"):
        workflow.record_answer(q1, actor=officer, held_status="not_held", outcome="not_held")


def test_reviewer_approves_and_the_hash_is_recorded(submitted, reviewer):
    review = workflow.approve_decisions(submitted, actor=reviewer)

    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert review.status == "approved" and review.reviewed_by == reviewer
    assert review.approved_hash == workflow.decisions_hash(submitted)
    assert workflow.approved_hash(submitted) == review.approved_hash
    assert workflow.is_approved(submitted)
    event = CaseEvent.objects.get(case=submitted, verb="approved")
    assert event.actor == reviewer and event.data["final"] is True


def test_author_cannot_approve_their_own_decisions_even_with_the_reviewer_role(
    case, officer, roles
):
    officer.groups.add(roles[REVIEWER])
    del officer._foi_roles
    workflow.submit_for_review(case, actor=officer)
    with pytest.raises(workflow.NotAllowed, match="another reviewer"):
        workflow.approve_decisions(case, actor=officer)
    case.refresh_from_db()
    assert case.status == "in_review"
    assert not CaseEvent.objects.filter(verb="approved").exists()


def test_a_reviewer_who_changed_a_decision_cannot_approve(case, officer, roles):
    editor = factories.UserFactory(username="ed", roles=[MANAGER, REVIEWER])
    q1 = case.questions.get(number=1)
    workflow.record_answer(
        q1, actor=editor, held_status="held", outcome="disclosed", answer_text="£2.3 million."
    )
    workflow.submit_for_review(case, actor=officer)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve_decisions(case, actor=editor)


def test_officer_without_reviewer_role_cannot_approve(submitted, other_officer):
    with pytest.raises(workflow.NotAllowed, match="Only a reviewer"):
        workflow.approve_decisions(submitted, actor=other_officer)


def test_edit_after_approval_withdraws_it(submitted, officer, reviewer):
    workflow.approve_decisions(submitted, actor=reviewer)
    q1 = submitted.questions.get(number=1)

    workflow.record_answer(
        q1, actor=officer, held_status="held", outcome="disclosed", answer_text="£2.5 million."
    )

    submitted.refresh_from_db()
    assert submitted.status == "in_progress"
    assert not workflow.is_approved(submitted) and workflow.approved_hash(submitted) == ""
    review = Review.objects.get(case=submitted)
    assert review.status == "withdrawn" and review.withdrawn_by == officer
    verbs = list(submitted.events.values_list("verb", flat=True))
    assert verbs[-2:] == ["approval_withdrawn", "decision_recorded"]


def test_saving_unchanged_decisions_keeps_the_approval(submitted, officer, reviewer):
    workflow.approve_decisions(submitted, actor=reviewer)
    q1 = submitted.questions.get(number=1)
    workflow.record_answer(
        q1, actor=officer, held_status="held", outcome="disclosed", answer_text="£2.2 million."
    )
    submitted.refresh_from_db()
    assert submitted.status == "approved" and workflow.is_approved(submitted)


def test_changing_a_pit_weight_after_approval_withdraws_it(submitted, officer, reviewer):
    workflow.approve_decisions(submitted, actor=reviewer)
    citation = submitted.questions.get(number=2).citations.get()
    data = CitationData(
        limbs=("s38(1)(b)",),
        likelihood="would_be_likely",
        harm_interest="Safety of Members and staff.",
        harm_mechanism="Reveals gaps in monitoring.",
        harm_evidence="Police advice.",
        reasoning="Disclosure would be likely to endanger safety.",
    )
    heavier = PitData(
        **{
            **PIT.__dict__,
            "factors": (*PIT.factors[:1], FactorData("maintain", "Risk to Members' safety.", 4)),
        }
    )
    workflow.update_citation(citation, actor=officer, data=data, pit=heavier)
    submitted.refresh_from_db()
    assert submitted.status == "in_progress"
    assert CaseEvent.objects.filter(case=submitted, verb="approval_withdrawn").count() == 1


def test_hash_changes_when_content_is_changed_behind_the_workflow(submitted, reviewer):
    workflow.approve_decisions(submitted, actor=reviewer)
    submitted.questions.filter(number=1).update(answer_text="Tampered.")
    assert not workflow.is_approved(submitted)


def test_reviewer_returns_a_decision_with_a_comment_and_officer_resubmits(
    submitted, officer, reviewer
):
    citation = submitted.questions.get(number=2).citations.get()
    review = workflow.return_decisions(
        submitted, actor=reviewer, comments={citation.pk: "Say which police advice."}
    )

    submitted.refresh_from_db()
    assert submitted.status == "in_progress" and review.status == "returned"
    comment = ReviewComment.objects.get()
    assert comment.citation == citation and comment.author == reviewer
    event = CaseEvent.objects.get(case=submitted, verb="decision_returned")
    assert event.data["citations"] == [citation.pk]

    second = workflow.submit_for_review(submitted, actor=officer)
    assert second.round == 2
    assert workflow.approve_decisions(submitted, actor=reviewer).status == "approved"


def test_return_needs_at_least_one_comment(submitted, reviewer):
    with pytest.raises(ValidationError, match="Comment on at least one decision"):
        workflow.return_decisions(submitted, actor=reviewer, comments={})


def test_author_cannot_return_their_own_decisions(submitted, officer):
    citation = submitted.questions.get(number=2).citations.get()
    with pytest.raises(workflow.NotAllowed):
        workflow.return_decisions(submitted, actor=officer, comments={citation.pk: "Fine"})


def test_restricted_case_needs_a_managers_second_approval(
    case, officer, reviewer, manager, settings
):
    settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL = True
    case.restricted = True
    case.save()
    case.team.add(reviewer)
    workflow.submit_for_review(case, actor=officer)

    first = workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()
    assert first.status == "awaiting_manager" and case.status == "in_review"
    assert not workflow.is_approved(case)
    with pytest.raises(workflow.NotAllowed, match="manager"):
        workflow.approve_decisions(case, actor=reviewer)

    second = workflow.approve_decisions(case, actor=manager)
    case.refresh_from_db()
    assert case.status == "approved" and second.manager_approved_by == manager
    assert workflow.is_approved(case)
    stages = [e.data["stage"] for e in CaseEvent.objects.filter(case=case, verb="approved")]
    assert stages == ["reviewer", "manager"]


def test_restricted_case_needs_no_second_approval_when_the_setting_is_off(
    case, officer, reviewer, settings
):
    settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL = False
    case.restricted = True
    case.save()
    case.team.add(reviewer)
    workflow.submit_for_review(case, actor=officer)
    assert workflow.approve_decisions(case, actor=reviewer).status == "approved"


def test_a_manager_who_edited_cannot_give_the_second_approval(
    case, officer, reviewer, manager, settings
):
    settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL = True
    case.restricted = True
    case.save()
    case.team.add(reviewer)
    q1 = case.questions.get(number=1)
    workflow.record_answer(
        q1, actor=manager, held_status="held", outcome="disclosed", answer_text="£2.4 million."
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    with pytest.raises(workflow.NotAllowed, match="another manager"):
        workflow.approve_decisions(case, actor=manager)


def test_review_queue_lists_cases_waiting_oldest_deadline_first(officer, reviewer):
    later = factories.case_in_progress(officer, questions=("A?", "B?"), due_on=dt.date(2026, 4, 20))
    sooner = factories.case_in_progress(officer, questions=("A?", "B?"), due_on=dt.date(2026, 4, 1))
    draft = factories.case_in_progress(officer, questions=("A?", "B?"))
    for case in (later, sooner, draft):
        decide(case, officer)
    workflow.submit_for_review(later, actor=officer)
    workflow.submit_for_review(sooner, actor=officer)

    assert list(review_queue_for(reviewer)) == [sooner, later]
    assert list(review_queue_for(officer)) == []
