"""Journey: a restricted (need-to-know) case goes through review and out, never un-restricted.

The officer restricts the case and sends its decisions to a chosen reviewer; the reviewer
approves them from the queue and a manager gives the second approval; the reviewer returns
the final response once, then approves it; the manager gives its second approval; the real
worker makes the PDF and the officer records it as sent. A reviewer not on the team gets 404
on every page of the case and is never told about it. Screenshots of each step are saved
under test-artifacts/screenshots.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_officer_journey import choose, fill_date, success_banner
from tests.browser.test_review_journey import measure, reload_until, seed_001_decided

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

RETURN_COMMENT = "Say in the first paragraph that the request was handled as restricted."
REDRAFT = "Your request has been handled with particular care because it concerns security."


@pytest.fixture
def outside_reviewer(app_data):
    from tests import factories

    return factories.UserFactory(
        username="rob", first_name="Rob", last_name="Outsider", roles=["Reviewer"]
    )


def _case_urls(case, letter, citation_pk: int, member_pk: int):
    """Every URL of the case (GET), built from the URLconf."""

    def patterns(items, prefix=""):
        for pattern in items:
            if isinstance(pattern, URLResolver):
                yield from patterns(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern

    values = {"reference": case.reference, "number": 1, "kind": "final_response"}
    values["action"] = "close"
    values["letter_pk"] = letter.pk
    from exemptions.models import ExemptionCitation

    values["exemption_id"] = ExemptionCitation.objects.get(pk=citation_pk).exemption_id
    values["step"] = "reasons"
    values["redaction"] = 1
    for pattern in patterns(get_resolver().url_patterns):
        groups = pattern.pattern.regex.groupindex.keys() - pattern.default_args.keys()
        if "reference" not in groups:
            continue
        if "pk" in groups:
            if "letter" in pattern.name:
                pk = letter.pk
            elif "citation" in pattern.name:
                pk = citation_pk
            elif pattern.name == "case_team_remove":
                pk = member_pk
            else:
                pk = 1
        kwargs = {k: (pk if k == "pk" else values[k]) for k in groups}
        yield reverse(pattern.name, kwargs=kwargs)


def test_restricted_case_through_review_allocation_letter_return_and_second_approvals(
    page,
    other_desk,
    officer,
    reviewer,
    manager,
    outside_reviewer,
    sign_in,
    axe_check,
    live_celery,
):
    from exemptions.models import ExemptionCitation
    from foi_cases.models import Case, CaseEvent, Letter, Notification

    case = seed_001_decided(officer)

    # The officer restricts the case (need to know) on the triage page.
    sign_in(page, officer)
    page.goto(reverse("case_triage", args=[case.reference]))
    page.get_by_role("link", name="Change need to know").click()
    page.get_by_label("Restricted: only the assigned officer").check()
    page.get_by_label("Reason for restricting").fill("Names the security of Members.")
    page.get_by_role("button", name="Save restriction").click()
    success_banner(page, "The case is now restricted.")

    # ... and sends the decisions to Rita, choosing her as the reviewer.
    page.goto(reverse("exemption_check", args=[case.reference]))
    page.get_by_label("Reviewer", exact=True).select_option(label="Rita Reviewer")
    axe_check(page, "officer-chooses-reviewer")
    page.get_by_role("button", name="Send the decisions for review").click()
    success_banner(page, "The decisions were sent for review.")
    case.refresh_from_db()
    assert case.restricted and case.team.filter(pk=reviewer.pk).exists()
    assert CaseEvent.objects.filter(
        case=case, verb="submitted_for_review", data__added_to_team=True
    ).exists()
    assert Notification.objects.filter(user=reviewer, case=case, kind="review_waiting").exists()

    # Rob, a reviewer not on the team, cannot find the case and was not told about it.
    rob = other_desk()
    sign_in(rob, outside_reviewer)
    rob.get_by_role("link", name="Review queue").click()
    expect(rob.get_by_text("Nothing is waiting for your review.")).to_be_visible()
    response = rob.goto(case.get_absolute_url())
    assert response.status == 404

    # Rita approves the decisions from her queue; the case needs a manager's second approval.
    rita = other_desk()
    sign_in(rita, reviewer)
    rita.get_by_role("link", name="Review queue").click()
    axe_check(rita, "reviewer-queue-decisions")
    rita.get_by_role("link", name=case.reference).click()
    expect(rita.get_by_text("Rita Reviewer, the allocated reviewer")).to_be_visible()
    measure(rita, "restricted overview")
    rita.get_by_role("button", name="Continue to approve or return").click()
    measure(rita, "restricted approve or return")
    rita.get_by_role("button", name="Approve the decisions").click()
    success_banner(rita, "Approved: a manager's second approval is now needed.")
    expect(rita.get_by_text("A manager's second approval").first).to_be_visible()
    axe_check(rita, "decisions-awaiting-manager")

    maya = other_desk()
    sign_in(maya, manager)
    maya.get_by_role("link", name="Review queue").click()
    axe_check(maya, "manager-queue-decisions")
    maya.get_by_role("link", name=case.reference).click()
    maya.get_by_role("button", name="Continue to approve or return").click()
    maya.get_by_role("button", name="Approve the decisions").click()
    success_banner(maya, "Approved.")
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED and case.restricted

    # The officer composes the final response and sends it to Rita for approval.
    page.goto(reverse("letter_list", args=[case.reference]))
    page.get_by_role("button", name="Final response").click()
    expect(page.get_by_role("heading", level=1, name="Final response, version 1")).to_be_visible()
    page.get_by_label("Reviewer", exact=True).select_option(label="Rita Reviewer")
    page.get_by_role("button", name="Send the letter for approval").click()
    success_banner(page, "The letter was sent for approval.")
    axe_check(page, "letter-sent-for-approval")
    letter_url = page.url

    # Rita finds it in her queue beside the decisions she reviewed, and returns it once.
    rita.get_by_role("link", name="Review queue").click()
    row = rita.get_by_role("row").filter(has_text="Final response letter, version 1")
    axe_check(rita, "reviewer-queue-letter")
    row.get_by_role("link", name=case.reference).click()
    rita.get_by_label("What needs redrafting").fill(RETURN_COMMENT)
    rita.get_by_role("button", name="Return for redraft").click()
    success_banner(rita, "The letter was returned to the officer for redraft.")
    assert Notification.objects.filter(user=officer, kind="letter_returned").exists()

    # The officer sees the comment, redrafts and sends it again.
    page.goto(letter_url)
    expect(page.get_by_text(RETURN_COMMENT)).to_be_visible()
    axe_check(page, "letter-returned")
    body = page.get_by_label("Text of the letter")
    body.fill(f"{REDRAFT}\n\n{body.input_value()}")
    page.get_by_role("button", name="Save the letter").click()
    success_banner(page, "Letter saved.")
    page.get_by_label("Reviewer", exact=True).select_option(label="Rita Reviewer")
    page.get_by_role("button", name="Send the letter for approval").click()
    success_banner(page, "The letter was sent for approval.")

    # Rita approves the redraft; Maya gives the second approval, which makes the PDF.
    rita.goto(letter_url)
    expect(rita.get_by_text(REDRAFT)).to_be_visible()
    rita.get_by_role("button", name="Approve this letter").click()
    success_banner(rita, "Letter approved: a manager's second approval is now needed.")
    expect(rita.get_by_text("Waiting for a manager's second approval").first).to_be_visible()
    axe_check(rita, "letter-awaiting-manager")
    assert Notification.objects.filter(user=officer, kind="letter_approved").exists()

    maya.get_by_role("link", name="Review queue").click()
    row = maya.get_by_role("row").filter(has_text="Final response letter, version 1")
    expect(row).to_contain_text("A manager's second approval")
    axe_check(maya, "manager-queue-letter")
    row.get_by_role("link", name=case.reference).click()
    maya.get_by_role("button", name="Give the second approval").click()
    success_banner(maya, "Letter approved. Its PDF is being made.")

    # The worker makes the PDF; the officer records the response as sent.
    page.goto(letter_url)
    reload_until(page, page.get_by_role("link", name="Download the PDF"))
    assert "generate_letter_pdf" in live_celery.log()
    page.get_by_role("link", name="Record that it was sent").click()
    fill_date(page, "Date sent", timezone.localdate())
    choose(page, "How it was sent", "E-mail")
    page.get_by_role("button", name="Record it").click()
    success_banner(page, "Final response: recorded as sent.")
    axe_check(page, "letter-sent")
    case.refresh_from_db()
    assert case.status == Case.Status.RESPONDED and case.restricted

    # The team page shows who is on the case and why.
    maya.goto(reverse("case_team", args=[case.reference]))
    expect(maya.get_by_role("cell", name="Rita Reviewer", exact=True)).to_be_visible()
    axe_check(maya, "case-team")

    # Rob was never told about the case and gets 404 on every one of its pages.
    assert not Notification.objects.filter(user=outside_reviewer).exists()
    letter = Letter.objects.get(case=case, kind="final_response")
    citation = ExemptionCitation.objects.filter(question__case=case).first()
    client = Client(raise_request_exception=False)
    client.force_login(outside_reviewer)
    urls = list(_case_urls(case, letter, citation.pk, reviewer.pk))
    assert len(urls) > 30
    reached = []
    for url in urls:
        status = client.get(url).status_code
        if status == 405:  # a POST-only page: try it as the form would
            status = client.post(url).status_code
        if status != 404:
            reached.append(f"{url} ({status})")
    assert not reached, f"A reviewer off the team reached: {reached}"
