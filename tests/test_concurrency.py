"""Two people acting on the same case at the same moment, on two PostgreSQL connections.

One wins, the other gets a clear message (never a 500), nothing is lost or done twice, and
the database's own constraints make the impossible states impossible.
"""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from exemptions.models import Review
from foi_cases import workflow
from foi_cases.models import Case, CaseEvent, Letter
from tests import factories
from tests.letter_helpers import complete_letter_settings, log_case
from tests.test_views_intake import with_questions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*posts: tuple[Client, str, dict]) -> list:
    """POST each (client, url, data) from its own thread and connection, released together."""
    barrier = threading.Barrier(len(posts))
    responses: list = [None] * len(posts)

    def run(i: int, client: Client, url: str, data: dict) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            responses[i] = client.post(url, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def people(roles):
    return {
        "officer": factories.UserFactory(username="olivia", roles=["FOI officer"]),
        "manager": factories.UserFactory(username="maya", roles=["Manager"]),
        "rita": factories.UserFactory(username="rita", roles=["Reviewer"]),
        "ravi": factories.UserFactory(username="ravi", roles=["Reviewer"]),
    }


def test_two_reviewers_approving_one_letter_at_once_one_wins_the_other_is_told(
    people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    complete_letter_settings()
    case = log_case(people["officer"], questions=["How many?"], assignee=people["officer"])
    letter = workflow.compose_letter(case, actor=people["officer"], kind="acknowledgement")
    url = reverse("letter_approve", args=[case.reference, letter.pk])
    data = {"seen_hash": letter.content_hash}

    responses = at_once(
        (signed_in(people["rita"]), url, data), (signed_in(people["ravi"]), url, data)
    )

    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 400]
    loser = next(r for r in responses if r.status_code == 400)
    assert "already approved" in loser.content.decode()
    letter.refresh_from_db()
    approvals = CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.LETTER_APPROVED)
    assert approvals.count() == 1
    assert letter.approved_by_id == approvals.get().actor_id
    assert letter.status in (Letter.Status.PENDING, Letter.Status.READY)


def test_two_people_composing_the_same_letter_at_once_never_share_a_version(people):
    complete_letter_settings()
    case = log_case(people["officer"], questions=["How many?"], assignee=people["officer"])
    url = reverse("letter_compose", args=[case.reference, "acknowledgement"])

    clients = [signed_in(people["officer"]), signed_in(people["manager"])]
    responses = at_once(*((client, url, {}) for client in clients))

    assert [r.status_code for r in responses] == [302, 302]
    versions = list(case.letters.values_list("version", flat=True).order_by("version"))
    composed = CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.LETTER_COMPOSED).count()
    assert versions == list(range(1, len(versions) + 1)) and composed == len(versions)
    if len(versions) == 1:
        # The race was lost on the unique constraint: the loser is sent back to the letter
        # list and told why, rather than shown someone else's letter as if it were theirs.
        letter_list = reverse("letter_list", args=[case.reference])
        loser = next(i for i, r in enumerate(responses) if r.url == letter_list)
        page = clients[loser].get(letter_list).content.decode()
        assert "Someone composed this letter a moment ago" in page


def test_two_reviewers_approving_the_decisions_at_once_record_one_approval(people):
    factories.catalogue_exemption("FOIA-s31")
    case = factories.case_in_progress(people["officer"], questions=("How many?",))
    workflow.record_answer(
        case.questions.get(),
        actor=people["officer"],
        held_status="held",
        outcome="disclosed",
        answer_text="Twelve.",
    )
    workflow.submit_for_review(case, actor=people["officer"])
    url = reverse("decision_review_approve", args=[case.reference])

    responses = at_once(
        (signed_in(people["rita"]), url, {"note": "Fine"}),
        (signed_in(people["ravi"]), url, {"note": "Fine"}),
    )

    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    assert sorted(r.status_code for r in responses)[0] == 302
    review = Review.objects.get(case=case)
    assert review.status == Review.Status.APPROVED and review.reviewed_by_id is not None
    case.refresh_from_db()
    assert case.status == "approved"
    approvals = CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.APPROVED)
    assert approvals.count() == 1 and approvals.get().actor_id == review.reviewed_by_id


def test_database_refuses_a_second_open_review_and_a_duplicate_letter_version(people):
    """The constraints hold even for code that skips the workflow's checks."""
    case = factories.case_in_progress(people["officer"])
    Review.objects.create(case=case, round=1, submitted_by=people["officer"], submitted_hash="a")
    with pytest.raises(IntegrityError, match="one_open_review_per_case"), transaction.atomic():
        Review.objects.create(
            case=case, round=2, submitted_by=people["officer"], submitted_hash="b"
        )

    complete_letter_settings()
    letter = workflow.compose_letter(case, actor=people["officer"], kind="acknowledgement")
    with pytest.raises(IntegrityError, match="unique_letter_version"), transaction.atomic():
        Letter.objects.create(
            case=case,
            kind=letter.kind,
            version=letter.version,
            dated=letter.dated,
            frame=letter.frame,
            body="A second letter 1",
            composed_by=people["manager"],
        )
    assert connection.is_usable()


def test_two_people_saving_a_cases_questions_at_once_the_loser_is_told_not_a_500(people):
    case = log_case(people["officer"], questions=["How many?"], assignee=people["officer"])
    url = reverse("triage_questions", args=[case.reference])
    # The questions have their own triage page now; its form carries what was seen.
    form = signed_in(people["manager"]).get(url)
    seen = form.context["questions_seen_hash"]

    edits = [["How many alarms?", "What did they cost?"], ["How many alarms were fitted?"]]
    responses = at_once(
        *(
            (signed_in(user), url, with_questions(texts) | {"action": "save", "seen_hash": seen})
            for user, texts in zip([people["officer"], people["manager"]], edits, strict=True)
        )
    )

    assert sorted(r.status_code for r in responses) == [200, 302]
    loser = next(r for r in responses if r.status_code == 200)
    assert "Someone else changed these questions a moment ago" in loser.content.decode()
    winner = edits[[r.status_code for r in responses].index(302)]
    assert list(case.questions.order_by("number").values_list("text", flat=True)) == winner
    edited = CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.QUESTIONS_EDITED)
    assert edited.count() == 1


def test_the_new_request_form_sent_twice_at_once_logs_one_case(people):
    from tests.test_views_intake import intake_data

    client = signed_in(people["officer"])
    data = intake_data(["What is the budget?"])
    url = reverse("case_new")

    responses = at_once((client, url, data), (client, url, data))

    case = Case.objects.get()
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {case.get_absolute_url()}
    assert CaseEvent.objects.filter(verb=CaseEvent.Verb.LOGGED).count() == 1
