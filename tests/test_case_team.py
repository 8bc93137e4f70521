"""The case team, reviewer allocation and letter review, for restricted and open cases."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from exemptions.models import Review
from foi_cases import queue, team, workflow
from foi_cases.models import CaseEvent, Letter, Notification
from foi_cases.permissions import (
    DECISIONS,
    INTERNAL_REVIEW,
    can_view_case,
    may_review,
)
from tests import factories
from tests.letter_helpers import complete_letter_settings
from tests.test_review import decide

pytestmark = pytest.mark.django_db
Verb = CaseEvent.Verb


@pytest.fixture
def other_reviewer(roles):
    return factories.UserFactory(username="rob", roles=["Reviewer"])


@pytest.fixture
def restricted(officer, settings):
    settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL = True
    case = factories.case_in_progress(officer, questions=("What budget?", "How many referrals?"))
    workflow.set_restricted(case, actor=officer, restricted=True, reason="MP security")
    decide(case, officer)
    return case


def _letter(case, officer, manager):
    """Approved decisions and a final response composed by the officer."""
    complete_letter_settings()
    reviewer = factories.UserFactory(username="ria", roles=["Reviewer"])
    workflow.submit_for_review(case, actor=officer, reviewer=reviewer)
    workflow.approve_decisions(case, actor=reviewer)
    if case.needs_manager_clearance:
        workflow.approve_decisions(case, actor=manager)
    return workflow.compose_letter(case, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)


# --- The team ------------------------------------------------------------------------------


def test_manager_adds_a_reviewer_to_a_restricted_case_with_a_reason(
    restricted, manager, reviewer, client
):
    client.force_login(reviewer)
    assert client.get(restricted.get_absolute_url()).status_code == 404

    team.add_team_member(restricted, actor=manager, member=reviewer, reason="Security reviewer")

    assert client.get(restricted.get_absolute_url()).status_code == 200
    event = restricted.events.get(verb=Verb.TEAM_MEMBER_ADDED)
    assert event.actor == manager
    assert event.data == {"member": "rita", "reason": "Security reviewer"}


def test_officer_cannot_widen_a_restricted_case_but_can_add_to_an_open_one(
    restricted, officer, reviewer
):
    with pytest.raises(PermissionDenied):
        team.add_team_member(restricted, actor=officer, member=reviewer, reason="Help")
    open_case = factories.case_in_progress(officer)
    team.add_team_member(open_case, actor=officer, member=reviewer, reason="Second pair of eyes")
    assert open_case.team.filter(pk=reviewer.pk).exists()


def test_adding_needs_a_reason(restricted, manager, reviewer):
    with pytest.raises(ValidationError, match="Say why"):
        team.add_team_member(restricted, actor=manager, member=reviewer, reason="  ")
    assert not restricted.team.filter(pk=reviewer.pk).exists()


def test_removed_member_loses_access_at_once_and_their_allocation_returns_to_the_queue(
    restricted, officer, manager, reviewer, client
):
    workflow.submit_for_review(restricted, actor=officer, reviewer=reviewer)
    client.force_login(reviewer)
    assert client.get(reverse("decision_review", args=[restricted.reference])).status_code == 200

    response = client.post(
        reverse("case_team_remove", args=[restricted.reference, reviewer.pk]),
        {"reason": "Conflict of interest"},
    )
    assert response.status_code == 403  # on the team, but only a manager changes it
    client.force_login(manager)
    response = client.post(
        reverse("case_team_remove", args=[restricted.reference, reviewer.pk]),
        {"reason": "Conflict of interest"},
    )

    assert response.status_code == 302
    client.force_login(reviewer)
    assert client.get(reverse("decision_review", args=[restricted.reference])).status_code == 404
    assert Review.objects.get(case=restricted).reviewer is None
    event = restricted.events.get(verb=Verb.TEAM_MEMBER_REMOVED)
    assert event.actor == manager and event.data["reason"] == "Conflict of interest"
    assert event.data["unallocated"] == 1


def test_the_officer_cannot_be_removed_from_their_own_case(restricted, officer, manager):
    with pytest.raises(ValidationError, match="assign the case"):
        team.remove_team_member(restricted, actor=manager, member=officer, reason="Leaving")


def test_team_page_lists_members_and_the_history(restricted, officer, manager, reviewer, client):
    workflow.submit_for_review(restricted, actor=officer, reviewer=reviewer)
    client.force_login(manager)
    page = client.get(reverse("case_team", args=[restricted.reference])).content.decode()
    assert reviewer.get_full_name() in page and officer.get_full_name() in page
    assert "added rita (submitted for review)" in " ".join(page.split())


# --- Allocation and separation of duties -------------------------------------------------------


def test_officer_allocates_a_reviewer_who_joins_the_team_and_alone_is_told(
    restricted, officer, reviewer, other_reviewer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = workflow.submit_for_review(restricted, actor=officer, reviewer=reviewer)

    assert review.reviewer == reviewer
    assert can_view_case(reviewer, restricted) and not can_view_case(other_reviewer, restricted)
    event = restricted.events.get(verb=Verb.SUBMITTED_FOR_REVIEW)
    assert event.data["reviewer"] == "rita" and event.data["added_to_team"] is True
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["rita"]


def test_unallocated_restricted_decisions_are_told_to_managers_not_to_reviewers_off_the_team(
    restricted, officer, reviewer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(restricted, actor=officer)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["maya"]
    assert queue.items_for(reviewer) == []
    assert [item.case for item in queue.items_for(manager)] == [restricted]


def test_reviewer_cannot_assign_themselves_a_restricted_case_they_are_not_on(
    restricted, officer, reviewer, manager
):
    review = workflow.submit_for_review(restricted, actor=officer)
    with pytest.raises(PermissionDenied, match="A manager allocates"):
        team.allocate_reviewer(review, actor=reviewer, reviewer=reviewer)

    team.allocate_reviewer(review, actor=manager, reviewer=reviewer)

    assert restricted.team.filter(pk=reviewer.pk).exists()
    event = restricted.events.get(verb=Verb.REVIEWER_ALLOCATED)
    assert event.actor == manager and event.data["added_to_team"] is True


def test_reviewer_assigns_themselves_an_open_case_from_the_queue(officer, reviewer, client):
    case = factories.case_in_progress(officer, questions=("What budget?", "How many referrals?"))
    decide(case, officer)
    workflow.submit_for_review(case, actor=officer)
    client.force_login(reviewer)
    page = client.get(reverse("approval_queue")).content.decode()
    assert "Assign to me" in page and "Unallocated" in page

    client.post(
        reverse("decision_review_allocate", args=[case.reference]), {"reviewer": reviewer.pk}
    )

    assert Review.objects.get(case=case).reviewer == reviewer


def test_only_the_allocated_reviewer_may_approve(restricted, officer, reviewer, other_reviewer):
    restricted.team.add(other_reviewer)
    workflow.submit_for_review(restricted, actor=officer, reviewer=reviewer)
    with pytest.raises(workflow.NotAllowed, match="allocated to another reviewer"):
        workflow.approve_decisions(restricted, actor=other_reviewer)


def test_a_reviewer_who_edited_a_decision_cannot_be_allocated(officer, manager, roles):
    both = factories.UserFactory(username="bea", roles=["Reviewer", "Manager"])
    case = factories.case_in_progress(officer, questions=("What budget?", "How many referrals?"))
    decide(case, officer)
    q1 = case.questions.get(number=1)
    workflow.record_answer(
        q1, actor=both, held_status="held", outcome="disclosed", answer_text="£2.4 million."
    )
    review = workflow.submit_for_review(case, actor=officer)
    assert not may_review(both, case, work=DECISIONS)
    assert both not in team.eligible_reviewers(case, work=review)
    with pytest.raises(ValidationError, match="cannot review this"):
        team.allocate_reviewer(review, actor=manager, reviewer=both)


def test_the_officer_is_never_the_reviewer(officer, roles):
    officer.groups.add(roles["Reviewer"])
    officer._foi_roles = None
    case = factories.case_in_progress(officer)
    assert not may_review(officer, case, work=DECISIONS)
    assert not may_review(officer, case, work=INTERNAL_REVIEW)


# --- Letters in review ---------------------------------------------------------------------


def test_letter_waits_in_the_queue_is_returned_and_then_approved_twice(
    restricted, officer, reviewer, manager, django_capture_on_commit_callbacks
):
    restricted.team.add(reviewer)
    letter = _letter(restricted, officer, manager)
    workflow.submit_letter_for_review(letter, actor=officer)
    assert [item.work for item in queue.items_for(reviewer)] == [letter]

    with pytest.raises(ValidationError, match="Say what needs redrafting"):
        workflow.return_letter(letter, actor=reviewer, comments=" ", seen_hash=letter.content_hash)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_letter(
            letter, actor=reviewer, comments="Shorter, please.", seen_hash=letter.content_hash
        )
    letter.refresh_from_db()
    assert letter.return_comments == "Shorter, please." and queue.items_for(reviewer) == []
    assert Notification.objects.filter(user=officer, kind="letter_returned").exists()
    with pytest.raises(ValidationError, match="returned for redraft"):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)

    workflow.submit_letter_for_review(letter, actor=officer, reviewer=reviewer)
    workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.AWAITING_MANAGER and not letter.approved_hash
    assert "second approval" in queue.next_to_act(letter)
    with pytest.raises(PermissionDenied):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)

    with django_capture_on_commit_callbacks(execute=False):
        workflow.approve_letter(letter, actor=manager, seen_hash=letter.content_hash)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PENDING and letter.approved_by == manager
    assert letter.reviewed_by == reviewer and letter.is_approved
    stages = [e.data["stage"] for e in restricted.events.filter(verb=Verb.LETTER_APPROVED)]
    assert stages == ["reviewer", "manager"]


def test_the_letter_composer_cannot_approve_it(officer, reviewer, manager, roles):
    case = factories.case_in_progress(officer, questions=("What budget?", "How many referrals?"))
    decide(case, officer)
    letter = _letter(case, officer, manager)
    letter.edited_by = reviewer
    letter.save()
    with pytest.raises(ValidationError, match="another reviewer"):
        workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    assert not may_review(reviewer, case, work=letter)


def test_a_letters_first_approver_cannot_be_the_internal_reviewer(
    officer, reviewer, manager, restricted
):
    restricted.team.add(reviewer)
    letter = _letter(restricted, officer, manager)
    workflow.approve_letter(letter, actor=reviewer, seen_hash=letter.content_hash)
    assert not may_review(reviewer, restricted, work=INTERNAL_REVIEW)


def test_manager_waives_clearance_for_one_restricted_case(restricted, officer, reviewer, manager):
    with pytest.raises(PermissionDenied):
        team.set_manager_clearance(restricted, actor=officer, required=False, reason="Low risk")
    team.set_manager_clearance(restricted, actor=manager, required=False, reason="Low risk")

    review = workflow.submit_for_review(restricted, actor=officer)
    team.allocate_reviewer(review, actor=reviewer, reviewer=reviewer)
    workflow.approve_decisions(restricted, actor=reviewer)

    restricted.refresh_from_db()
    assert restricted.status == "approved" and restricted.team.filter(pk=reviewer.pk).exists()
    event = restricted.events.filter(verb=Verb.RESTRICTION_CHANGED).last()
    assert event.actor == manager and event.data["manager_clearance"] is False


def test_manager_reallocates_from_the_queue_and_unallocated_work_comes_first(
    restricted, officer, reviewer, other_reviewer, manager, client
):
    workflow.submit_for_review(restricted, actor=officer, reviewer=reviewer)
    # Due later than the allocated case, yet first: unallocated work leads the queue.
    waiting = factories.case_in_progress(
        officer, questions=("A?", "B?"), due_on=restricted.due_on.replace(month=5)
    )
    decide(waiting, officer)
    workflow.submit_for_review(waiting, actor=officer)
    client.force_login(manager)
    page = client.get(reverse("approval_queue")).content.decode()
    assert page.index(waiting.reference) < page.index(restricted.reference)
    assert "Allocate" in page

    response = client.post(
        reverse("decision_review_allocate", args=[restricted.reference]),
        {"reviewer": other_reviewer.pk, "next": reverse("approval_queue")},
    )

    assert response.status_code == 302 and response["Location"] == reverse("approval_queue")
    assert Review.objects.get(case=restricted).reviewer == other_reviewer
    assert restricted.team.filter(pk=other_reviewer.pk).exists()
    event = restricted.events.get(verb=Verb.REVIEWER_ALLOCATED)
    assert event.data["previous"] == "rita" and event.data["reviewer"] == "rob"
