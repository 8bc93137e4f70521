"""Team administration journeys: a manager invites a reviewer who sets up and signs in; a
manager deactivates a leaving officer and hands their cases over in one step."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.test_page_sweep import assert_error_summary, nav
from tests.test_two_factor import code_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a long enough new passphrase"


def test_a_manager_invites_a_reviewer_who_sets_up_two_factor_and_signs_in(
    page, other_desk, manager, sign_in, axe_check, settings
):
    sign_in(page, manager)
    nav(page, axe_check, "Team", "Team", "team")
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_role("button", name="Send invitation").click()
    assert_error_summary(page)
    axe_check(page, "invite-errors")
    page.get_by_label("E-mail address").fill("rosa.reviewer@example.org")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Reviewer")
    page.get_by_label("Reviewer").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to rosa.reviewer@example.org")).to_be_visible()
    expect(page.locator("#invitations")).to_contain_text("rosa.reviewer@example.org")

    # Reviewers must set up two-factor before anything else.
    settings.FOI_REQUIRE_TWO_FACTOR = True
    link = re.search(r"http://\S+/people/join/\S+/", mail.outbox[-1].body).group(0)
    rosa = other_desk()
    rosa.goto(link)
    expect(rosa.get_by_role("heading", level=1, name="Set up your account")).to_be_visible()
    axe_check(rosa, "join")
    rosa.get_by_label("Password", exact=True).fill(PASSWORD)
    rosa.get_by_label("Confirm password").fill(PASSWORD)
    rosa.get_by_role("button", name="Set password").click()
    expect(rosa.get_by_text("Your account is ready")).to_be_visible()
    rosa.get_by_label("Username").fill("rosa.reviewer@example.org")
    rosa.get_by_label("Password").fill(PASSWORD)
    rosa.get_by_role("button", name="Sign in").click()
    expect(rosa.get_by_label("Security code")).to_be_visible()
    device = TOTPDevice.objects.get(user__username="rosa.reviewer@example.org")
    rosa.get_by_label("Security code").fill(code_for(device))
    rosa.get_by_role("button", name="Turn on two-factor authentication").click()
    rosa.get_by_role("link", name="I have saved my recovery codes").click()
    expect(rosa.get_by_text("Signed in as rosa.reviewer@example.org")).to_be_visible()

    # The link worked once.
    used = other_desk()
    used.goto(link)
    expect(used.get_by_role("heading", level=1)).to_have_text("This link has already been used")
    axe_check(used, "join-used")


def test_a_manager_deactivates_an_officer_and_hands_over_their_cases_in_one_step(
    page, officer, manager, sign_in, axe_check, app_data
):
    from foi_cases.models import Case
    from tests import factories

    cases = [factories.case_in_progress(officer) for _ in range(2)]
    factories.UserFactory(
        username="owen", first_name="Owen", last_name="Officer", roles=["FOI officer"]
    )
    sign_in(page, manager)
    nav(page, axe_check, "Team", "Team", "team")
    page.locator("#team").get_by_role("link", name="Olivia Officer").click()
    axe_check(page, "person")
    page.get_by_role("link", name="Deactivate Olivia Officer").click()
    expect(page.locator("#open-cases li")).to_have_count(2)
    axe_check(page, "deactivate")
    page.get_by_role("button", name="Reassign the cases and deactivate").click()
    assert_error_summary(page)
    axe_check(page, "deactivate-errors")
    page.get_by_label("Officer who takes their open cases").select_option(label="Owen Officer")
    page.get_by_role("button", name="Reassign the cases and deactivate").click()
    expect(page.get_by_text("Olivia Officer deactivated and 2 cases reassigned")).to_be_visible()
    expect(page.locator("#access-events")).to_contain_text("Deactivated")
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list(
            "assigned_to__username", flat=True
        )
    ) == {"owen"}
