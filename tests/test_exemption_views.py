"""The seed cases recorded entirely through the decisions and review pages, then approved."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from exemptions.models import ExemptionCitation, InternalHeldStatus, Review, ReviewDraftComment
from foi_cases import workflow
from foi_cases.models import CaseEvent
from foi_cases.permissions import REVIEWER
from tests import factories

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2026, 3, 12)


def date_fields(name, value):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def answer(client, case, number, held, outcome, text=""):
    response = client.post(
        reverse("exemption_answer", args=[case.reference, number]),
        {
            f"q{number}-held_status": held,
            f"q{number}-outcome": outcome,
            f"q{number}-answer_text": text,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def factor_rows(factors):
    data = {
        "factor-TOTAL_FORMS": len(factors),
        "factor-INITIAL_FORMS": 0,
        "factor-MIN_NUM_FORMS": 0,
        "factor-MAX_NUM_FORMS": 40,
    }
    for i, (side, text, weight) in enumerate(factors):
        data.update(
            {f"factor-{i}-side": side, f"factor-{i}-text": text, f"factor-{i}-weight": weight}
        )
    return data


def side_factor_rows(factors):
    """The aggregate page's factor rows: a table for disclosure and one against."""
    data = {}
    for side, prefix in (("disclosure", "factor_for"), ("maintain", "factor_against")):
        rows = [(text, weight) for s, text, weight in factors if s == side]
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0})
        for i, (text, weight) in enumerate(rows):
            data.update({f"{prefix}-{i}-text": text, f"{prefix}-{i}-weight": weight})
    return data


def cite(client, case, number, code, *, factors=(), conclusion="", expect=302, **fields):
    exemption = factories.catalogue_exemption(code)
    url = reverse("exemption_citation_new", args=[case.reference, number])
    data = {"action": "save", **fields, **factor_rows(factors)}
    if factors or conclusion:
        data.update(date_fields("pit_as_at", AS_AT))
        data.update(pit_conclusion=conclusion, pit_summary=fields.get("pit_summary", "On balance."))
    response = client.post(f"{url}?exemption={exemption.pk}", data)
    assert response.status_code == expect, response.content.decode()[:4000]
    return response


SECURITY_HARM = {
    "likelihood": "would_be_likely",
    "harm_interest": "The safety of Members, their staff and families.",
    "harm_mechanism": "It would show where protection is and is not in place.",
    "harm_evidence": "Police advice on the current threat to Members.",
}
PIT_FACTORS = [
    ("disclosure", "Transparency in the spending of public money on MPs.", 2),
    ("maintain", "Protecting Members and staff from threats to their safety.", 5),
]


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def approve_as(client, user, case):
    client.force_login(user)
    response = client.post(reverse("decision_review_approve", args=[case.reference]), {"note": ""})
    return response


def test_seed_000_ncnd_under_s38_2_recorded_and_approved(officer_client, officer, reviewer):
    case = factories.case_in_progress(
        officer,
        questions=("The summary costs of installing the panic room in Jess Phillips' office.",),
    )
    answer(officer_client, case, 1, "ncnd", "withheld_in_full")
    cite(
        officer_client,
        case,
        1,
        "FOIA-s38",
        role="ncnd",
        limbs=["s38(2)"],
        reasoning="Disclosure of the specific information, if held, would be likely to undermine "
        "the effectiveness of security measures recommended by the police.",
        factors=PIT_FACTORS,
        conclusion="maintain",
        pit_summary="The public interest in protecting the personal safety of MPs significantly "
        "outweighs the public interest in disclosure.",
        **SECURITY_HARM,
    )
    held_url = reverse("exemption_internal_held", args=[case.reference, 1])
    assert officer_client.post(held_url, {"held": "held", "note": "Claim file"}).status_code == 302
    page = officer_client.get(held_url)
    assert "Held" in page.content.decode()
    assert (
        CaseEvent.objects.filter(case=case, verb="held_status_viewed", actor=officer).count() == 1
    )

    response = officer_client.post(reverse("exemption_submit", args=[case.reference]))
    assert response.status_code == 302
    approve_as(officer_client, reviewer, case)

    case.refresh_from_db()
    citation = ExemptionCitation.objects.get(question__case=case)
    assert case.status == "approved" and workflow.is_approved(case)
    assert citation.role == "ncnd" and citation.provision == "s38(2)"
    assert citation.pit.conclusion == "maintain"
    assert InternalHeldStatus.objects.get(question__case=case).held == "held"
    assert "held" not in str(workflow.canonical_decisions(case)["questions"][0]["answer_text"])


def test_seed_001_disclosed_not_held_and_withheld_under_s31_and_s38(
    officer_client, officer, reviewer
):
    case = factories.case_in_progress(
        officer,
        questions=(
            "What is the annual budget of the Members' Security Support Service for 2019-20?",
            "How many people work within the unit?",
            "How many MPs have opted into the social media monitoring service?",
            "How many alerts have been sent to MPs regarding threats since April 2019?",
            "And how many referrals have been made to police?",
        ),
    )
    answer(officer_client, case, 1, "held", "disclosed", "The annual budget was £2.2 million.")
    answer(officer_client, case, 2, "held", "disclosed", "There are 10 members of staff.")
    answer(officer_client, case, 3, "held", "disclosed", "237 Members have opted in.")
    answer(
        officer_client,
        case,
        4,
        "not_held",
        "not_held",
        "There is no requirement to inform Members, so no record is held.",
    )
    answer(officer_client, case, 5, "held", "withheld_in_full")
    cite(
        officer_client,
        case,
        5,
        "FOIA-s31",
        limbs=["s31(1)(a)", "s31(1)(b)"],
        reasoning="Disclosure would prejudice law enforcement.",
        factors=[
            ("disclosure", "Understanding how the House cooperates with the police.", 2),
            ("maintain", "Increased risk of criminal activity against Members.", 4),
        ],
        conclusion="maintain",
        **{**SECURITY_HARM, "likelihood": "would"},
    )
    cite(
        officer_client,
        case,
        5,
        "FOIA-s38",
        limbs=["s38(1)(a)", "s38(1)(b)"],
        reasoning="Disclosure would endanger the health and safety of Members.",
        factors=[
            ("disclosure", "Knowing the effectiveness of the monitoring service.", 2),
            ("maintain", "Avoiding detection by motivated individuals.", 4),
        ],
        conclusion="maintain",
        **SECURITY_HARM,
    )
    s31, s38 = ExemptionCitation.objects.filter(question__number=5).order_by("position")
    aggregate_url = reverse("exemption_aggregate", args=[case.reference, 5])
    response = officer_client.post(
        aggregate_url,
        {
            "citations": [s31.pk, s38.pk],
            **date_fields("pit_as_at", AS_AT),
            "pit_conclusion": "maintain",
            "pit_summary": "Weighed together, the public interest favours withholding.",
            "pit_override_reason": "",
            "action": "save",
            **side_factor_rows(PIT_FACTORS),
        },
    )
    assert response.status_code == 302

    assert (
        officer_client.post(reverse("exemption_submit", args=[case.reference])).status_code == 302
    )
    approve_as(officer_client, reviewer, case)

    case.refresh_from_db()
    assert case.status == "approved" and workflow.is_approved(case)
    assert [q.outcome for q in case.questions.order_by("number")] == [
        "disclosed", "disclosed", "disclosed", "not_held", "withheld_in_full",
    ]  # fmt: skip
    assert [c.provision for c in (s31, s38)] == ["s31(1)(a) and (b)", "s38(1)(a) and (b)"]
    content = workflow.canonical_decisions(case)["questions"][4]
    assert content["aggregate_pit"]["combines"] == [
        ["FOIA-s31", "s31(1)(a) and (b)"],
        ["FOIA-s38", "s38(1)(a) and (b)"],
    ]


def test_seed_002_parts_withheld_under_s31_s24_and_s23(officer_client, officer, reviewer):
    case = factories.case_in_progress(
        officer,
        questions=(
            "The cover note and letter on MP security (Operation Bridger): contact details.",
            "The letter's paragraph on force returns of crimes against MPs.",
            "Who findings on crimes involving threats of sexual violence are reported to.",
        ),
    )
    for number in (1, 2, 3):
        answer(
            officer_client, case, number, "held", "withheld_in_part", "Disclosed with redactions."
        )
    cite(
        officer_client,
        case,
        1,
        "FOIA-s31",
        limbs=["s31(1)(a)"],
        reasoning="Direct contact details would aid those targeting the unit.",
        factors=PIT_FACTORS,
        conclusion="maintain",
        **SECURITY_HARM,
    )
    cite(
        officer_client,
        case,
        2,
        "FOIA-s31",
        limbs=["s31(1)(a)"],
        reasoning="It would reveal gaps in force returns.",
        factors=PIT_FACTORS,
        conclusion="maintain",
        **SECURITY_HARM,
    )
    cite(
        officer_client,
        case,
        2,
        "FOIA-s24",
        limbs=["s24(1)"],
        likelihood="required",
        harm_interest="National security.",
        harm_mechanism="It would reveal counter-terrorism reporting lines.",
        harm_evidence="Advice from the national coordinator.",
        omit_reasons="on",
        omit_reasons_justification="Explaining why would reveal the reporting lines.",
        factors=PIT_FACTORS,
        conclusion="maintain",
    )
    cite(
        officer_client,
        case,
        3,
        "FOIA-s23",
        limbs=["s23(1)"],
        reasoning="The information relates to a body listed in s23(3).",
    )

    assert (
        officer_client.post(reverse("exemption_submit", args=[case.reference])).status_code == 302
    )
    approve_as(officer_client, reviewer, case)

    case.refresh_from_db()
    assert case.status == "approved" and workflow.is_approved(case)
    s24 = ExemptionCitation.objects.get(question__case=case, exemption__code="FOIA-s24")
    assert s24.omit_reasons and s24.likelihood == "required"
    assert not hasattr(
        ExemptionCitation.objects.get(exemption__code="FOIA-s23", question__case=case), "pit"
    )


@pytest.fixture
def submitted(officer_client, officer):
    case = factories.case_in_progress(officer, questions=("What budget?",))
    answer(officer_client, case, 1, "held", "disclosed", "£2.2 million.")
    officer_client.post(reverse("exemption_submit", args=[case.reference]))
    case.refresh_from_db()
    assert case.status == "in_review"
    return case


def test_author_cannot_approve_by_form_or_direct_post(submitted, officer, roles, client):
    officer.groups.add(roles[REVIEWER])
    client.force_login(officer)
    page = client.get(reverse("decision_review", args=[submitted.reference]))
    assert "Approve the decisions" not in page.content.decode()

    response = client.post(reverse("decision_review_approve", args=[submitted.reference]), {})

    assert response.status_code == 403
    assert "another reviewer must review them" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "in_review"
    assert not CaseEvent.objects.filter(case=submitted, verb="approved").exists()


def test_approve_url_refuses_get(submitted, reviewer, client):
    client.force_login(reviewer)
    response = client.get(reverse("decision_review_approve", args=[submitted.reference]))
    assert response.status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == "in_review"


def test_reviewer_returns_a_question_with_a_comment(submitted, reviewer, client):
    client.force_login(reviewer)
    question = submitted.questions.get()
    response = client.post(
        reverse("decision_review_return", args=[submitted.reference]),
        {f"question-{question.pk}": "Give the source of the figure.", "note": ""},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "in_progress"
    assert Review.objects.get(case=submitted).status == "returned"
    assert CaseEvent.objects.filter(case=submitted, verb="decision_returned").exists()


def test_reviewer_gathers_comments_per_question_then_returns_them(submitted, reviewer, client):
    client.force_login(reviewer)
    question = submitted.questions.get()
    ref = submitted.reference
    overview = client.get(reverse("decision_review", args=[ref])).content.decode()
    assert "No comment" in overview and "Commented" not in overview

    response = client.post(
        reverse("decision_review_question", args=[ref, 1]),
        {f"question-{question.pk}": "Give the source of the figure."},
    )

    assert response["Location"] == reverse("decision_review_decide", args=[ref])
    assert "Commented" in client.get(reverse("decision_review", args=[ref])).content.decode()
    decide = client.get(reverse("decision_review_decide", args=[ref])).content.decode()
    assert "Give the source of the figure." in decide
    assert "sha256" not in decide and "sha256" not in overview
    form = re.search(r'action="[^"]*/return/".*?</form>', decide, re.S).group(0)
    posted = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    response = client.post(reverse("decision_review_return", args=[ref]), {**posted, "note": ""})
    assert response.status_code == 302
    review = Review.objects.get(case=submitted)
    assert review.status == "returned"
    assert question.review_comments.get().text == "Give the source of the figure."


def test_only_the_acting_reviewer_saves_comments(submitted, officer, client):
    client.force_login(officer)
    question = submitted.questions.get()
    url = reverse("decision_review_question", args=[submitted.reference, 1])
    assert client.get(url).status_code == 200
    assert client.post(url, {f"question-{question.pk}": "Mine."}).status_code == 403


def test_draft_comments_survive_a_new_session_and_are_sent_on_return(submitted, reviewer, client):
    question = submitted.questions.get()
    ref = submitted.reference
    client.force_login(reviewer)
    client.post(
        reverse("decision_review_question", args=[ref, 1]),
        {f"question-{question.pk}": "Give the source of the figure."},
    )
    client.logout()

    other_device = Client()
    other_device.force_login(reviewer)
    decide = other_device.get(reverse("decision_review_decide", args=[ref])).content.decode()
    assert "Give the source of the figure." in decide
    page = other_device.get(reverse("decision_review_question", args=[ref, 1])).content.decode()
    assert "Give the source of the figure." in page
    form = re.search(r'action="[^"]*/return/".*?</form>', decide, re.S).group(0)
    posted = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    other_device.post(reverse("decision_review_return", args=[ref]), {**posted, "note": ""})

    assert question.review_comments.get().text == "Give the source of the figure."
    decide = other_device.get(reverse("decision_review_decide", args=[ref])).content.decode()
    assert "Give the source of the figure." not in decide
    assert not ReviewDraftComment.objects.exists()


def test_draft_comments_are_gone_once_approved(submitted, reviewer, client):
    question = submitted.questions.get()
    client.force_login(reviewer)
    client.post(
        reverse("decision_review_question", args=[submitted.reference, 1]),
        {f"question-{question.pk}": "Fine in the end."},
    )
    assert ReviewDraftComment.objects.count() == 1
    client.post(reverse("decision_review_approve", args=[submitted.reference]), {"note": ""})
    assert Review.objects.get(case=submitted).status == "approved"
    assert not ReviewDraftComment.objects.exists()


def test_another_reviewer_neither_sees_nor_saves_the_drafts(submitted, reviewer, roles, client):
    question = submitted.questions.get()
    ref = submitted.reference
    Review.objects.filter(case=submitted).update(reviewer=reviewer)
    client.force_login(reviewer)
    client.post(
        reverse("decision_review_question", args=[ref, 1]), {f"question-{question.pk}": "Rita's."}
    )
    rob = factories.UserFactory(username="rob", roles=[REVIEWER])
    other = Client()
    other.force_login(rob)

    assert (
        "Rita&#x27;s."
        not in other.get(reverse("decision_review_question", args=[ref, 1])).content.decode()
    )
    assert "Rita" not in other.get(reverse("decision_review_decide", args=[ref])).content.decode()
    url = reverse("decision_review_question", args=[ref, 1])
    assert other.post(url, {f"question-{question.pk}": "Rob's."}).status_code == 403
    assert list(ReviewDraftComment.objects.values_list("text", flat=True)) == ["Rita's."]


def test_moving_to_another_question_saves_the_comment_typed(officer_client, officer, reviewer):
    case = factories.case_in_progress(officer, questions=("What budget?", "Who signed?"))
    answer(officer_client, case, 1, "held", "disclosed", "£2.2 million.")
    answer(officer_client, case, 2, "held", "disclosed", "The director.")
    officer_client.post(reverse("exemption_submit", args=[case.reference]))
    first = case.questions.get(number=1)
    client = Client()
    client.force_login(reviewer)
    page = client.get(reverse("decision_review_question", args=[case.reference, 1]))
    assert 'name="go_to" value="2"' in page.content.decode()

    response = client.post(
        reverse("decision_review_question", args=[case.reference, 1]),
        {f"question-{first.pk}": "Typed, then Next.", "go_to": "2"},
    )

    assert response["Location"] == reverse("decision_review_question", args=[case.reference, 2])
    back = client.get(reverse("decision_review_question", args=[case.reference, 1]))
    assert "Typed, then Next." in back.content.decode()


def test_the_approved_hash_is_shown_only_in_the_audit_view(submitted, reviewer, manager, client):
    approve_as(client, reviewer, submitted)
    review = Review.objects.get(case=submitted)
    assert len(review.approved_hash) == 64
    ref = submitted.reference
    for name in ("decision_review", "decision_review_decide"):
        body = client.get(reverse(name, args=[ref])).content.decode()
        assert "Unchanged since approval" in body
        assert review.approved_hash not in body and "sha256" not in body

    client.force_login(manager)
    audit = client.get(reverse("access_log", args=[ref])).content.decode()
    assert review.approved_hash in audit and "Matches the decisions" in audit


def test_aggregate_page_names_the_factor_row_that_is_incomplete(officer_client, officer):
    case = factories.case_in_progress(officer)
    answer(officer_client, case, 1, "held", "withheld_in_full")
    url = reverse("exemption_aggregate", args=[case.reference, 1])
    assert "Factors against disclosure" in officer_client.get(url).content.decode()

    response = officer_client.post(
        url,
        {
            "action": "save",
            **date_fields("pit_as_at", AS_AT),
            "pit_conclusion": "maintain",
            "pit_summary": "On balance.",
            **side_factor_rows([("disclosure", "", 3), ("maintain", "Safety of staff.", "")]),
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Factor 1 for disclosure: enter the factor" in body
    assert "Factor 1 against disclosure: choose its weight from 1 to 5" in body
    assert 'href="#id_factor_for-0-text"' in body
    assert "Safety of staff." in body


def test_aggregate_page_adds_a_factor_row_keeping_what_was_typed(officer_client, officer):
    case = factories.case_in_progress(officer)
    answer(officer_client, case, 1, "held", "withheld_in_full")
    url = reverse("exemption_aggregate", args=[case.reference, 1])
    response = officer_client.post(
        url,
        {"action": "add_factors", **side_factor_rows([("disclosure", "Openness.", 2)])},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Openness." in body and 'name="factor_for-3-text"' in body


def test_edit_through_the_page_after_approval_withdraws_it(submitted, officer, reviewer, client):
    approve_as(client, reviewer, submitted)
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    client.force_login(officer)
    answer(client, submitted, 1, "held", "disclosed", "£2.3 million.")
    submitted.refresh_from_db()
    assert submitted.status == "in_progress" and not workflow.is_approved(submitted)
    assert CaseEvent.objects.filter(case=submitted, verb="approval_withdrawn").count() == 1


def test_validation_message_shows_in_the_error_summary(officer_client, officer):
    case = factories.case_in_progress(officer)
    response = cite(
        officer_client,
        case,
        1,
        "FOIA-s31",
        limbs=["s31(1)(a)"],
        reasoning="x",
        expect=400,
        **SECURITY_HARM,
    )
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "qualified exemption: record a public interest test" in body
    assert not ExemptionCitation.objects.exists()


def test_tie_is_refused_through_the_page(officer_client, officer):
    case = factories.case_in_progress(officer)
    response = cite(
        officer_client,
        case,
        1,
        "FOIA-s38",
        limbs=["s38(1)(b)"],
        reasoning="x",
        factors=[("disclosure", "Transparency", 3), ("maintain", "Safety", 3)],
        conclusion="maintain",
        expect=400,
        **SECURITY_HARM,
    )
    assert "a tie means disclosure" in response.content.decode()


def test_outsider_and_other_officer_cannot_open_the_decisions_page(
    officer, other_officer, outsider, client
):
    case = factories.case_in_progress(officer)
    url = reverse("exemption_decisions", args=[case.reference])
    client.force_login(other_officer)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_decisions_page_and_review_queue_render(submitted, officer, reviewer, client):
    client.force_login(officer)
    assert client.get(reverse("exemption_decisions", args=[submitted.reference])).status_code == 200
    client.force_login(reviewer)
    queue = client.get(reverse("approval_queue"))
    assert queue.status_code == 200 and submitted.reference in queue.content.decode()
    assert client.get(reverse("decision_review", args=[submitted.reference])).status_code == 200


def test_restricted_ncnd_held_status_is_hidden_from_a_reviewer_not_on_the_case(
    officer_client, officer, reviewer, client
):
    case = factories.case_in_progress(officer, restricted=True)
    answer(officer_client, case, 1, "ncnd", "withheld_in_full")
    client.force_login(reviewer)
    url = reverse("exemption_internal_held", args=[case.reference, 1])
    assert client.get(url).status_code == 404
    assert not CaseEvent.objects.filter(verb="held_status_viewed").exists()


def test_procedural_ground_through_the_page(officer_client, officer):
    case = factories.case_in_progress(officer)
    answer(officer_client, case, 1, "held", "procedural")
    s12 = factories.catalogue_exemption("FOIA-s12")
    url = reverse("exemption_citation_new", args=[case.reference, 1])
    assert "s12" in officer_client.get(f"{url}?exemption={s12.pk}", follow=True).content.decode()
    cite(officer_client, case, 1, "FOIA-s12", limbs=[s12.limb_codes()[0]])
    assert ExemptionCitation.objects.get(question__case=case).role == "procedural"
    assert (
        officer_client.post(reverse("exemption_submit", args=[case.reference])).status_code == 302
    )


def test_restricted_case_second_approval_by_a_manager_through_the_page(
    officer_client, officer, reviewer, manager, settings
):
    settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL = True
    case = factories.case_in_progress(officer, restricted=True)
    case.team.add(officer, reviewer)
    answer(officer_client, case, 1, "held", "disclosed", "£2.2 million.")
    officer_client.post(reverse("exemption_submit", args=[case.reference]))

    assert approve_as(officer_client, reviewer, case).status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"
    page = officer_client.get(reverse("decision_review", args=[case.reference]))
    assert "second approval" in page.content.decode()

    client = officer_client
    client.force_login(manager)
    assert case.reference in client.get(reverse("approval_queue")).content.decode()
    assert approve_as(client, manager, case).status_code == 302
    case.refresh_from_db()
    assert case.status == "approved" and workflow.is_approved(case)


def test_a_citation_form_sent_twice_records_one_citation(officer_client, officer):
    case = factories.case_in_progress(officer, questions=("Where are the alarms?",))
    answer(officer_client, case, 1, "held", "withheld_in_full")
    exemption = factories.catalogue_exemption("FOIA-s38")
    url = reverse("exemption_citation_new", args=[case.reference, 1]) + f"?exemption={exemption.pk}"
    check = reverse("exemption_citation_new_check", args=[case.reference, 1, exemption.pk])
    page = officer_client.get(check)
    token = page.context["form_token"]
    assert f'name="form_token" value="{token}"' in page.content.decode()
    data = {
        "action": "save",
        "form_token": token,
        "limbs": ["s38(1)(a)"],
        "reasoning": "Disclosure would endanger the safety of Members.",
        **SECURITY_HARM,
        **factor_rows(PIT_FACTORS),
        **date_fields("pit_as_at", AS_AT),
        "pit_conclusion": "maintain",
        "pit_summary": "Safety outweighs transparency.",
    }

    first = officer_client.post(url, data)
    second = officer_client.post(url, data, follow=True)

    assert first.status_code == 302, first.content.decode()[:3000]
    assert "already sent, so nothing was done twice" in second.content.decode()
    assert ExemptionCitation.objects.filter(question__case=case).count() == 1
    applied = CaseEvent.objects.filter(
        case=case, verb=CaseEvent.Verb.DECISION_RECORDED, data__action="citation_added"
    )
    assert applied.count() == 1
