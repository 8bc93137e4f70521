"""axe-core and error summaries on Your account, the lockout page and Sign-in security."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.test_page_sweep import assert_error_summary, nav

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_account_lockout_and_sign_in_security_pages_pass_axe(
    page, other_desk, officer, reviewer, manager, sign_in, axe_check, settings
):
    # Someone types the reviewer's name with wrong passwords until it locks at this address.
    visitor = other_desk()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        visitor.goto("/sign-in/")
        visitor.get_by_label("Username").fill(reviewer.username)
        visitor.get_by_label("Password").fill("not the password")
        visitor.get_by_role("button", name="Sign in").click()
    expect(visitor.get_by_role("heading", level=1, name="Sign-in locked")).to_be_visible()
    axe_check(visitor, "locked-out")

    # The officer, signed in at two desks, sees both sessions and changes the password.
    sign_in(other_desk(), officer)
    sign_in(page, officer)
    # "Your account" is in the header's account links, beside Sign out.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1, name="Your account")).to_be_visible()
    axe_check(page, "your-account")
    expect(page.get_by_text("This session")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out everywhere else")).to_be_visible()
    page.get_by_role("link", name="Change password").click()
    axe_check(page, "change-password")
    page.get_by_role("button", name="Change password").click()
    assert_error_summary(page)
    axe_check(page, "change-password-errors")

    # The manager unlocks the reviewer and removes the officer's lost device.
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    boss = other_desk()
    sign_in(boss, manager)
    nav(boss, axe_check, "Team", "Team", "team")
    boss.get_by_role("navigation", name="Access").get_by_role(
        "link", name="Sign-in security"
    ).click()
    expect(boss.get_by_role("heading", level=1, name="Sign-in security")).to_be_visible()
    axe_check(boss, "sign-in-security")
    expect(boss.locator("#lockouts")).to_contain_text(reviewer.username)
    boss.get_by_role("link", name="Remove the two-factor device of Olivia Officer").click()
    axe_check(boss, "two-factor-remove")
    boss.get_by_role("button", name="Remove two-factor device").click()
    assert_error_summary(boss)
    axe_check(boss, "two-factor-remove-errors")
    boss.get_by_role("link", name="Back to sign-in security").click()
    boss.locator("#lockouts").get_by_role("button").first.click()
    expect(boss.get_by_text(f"Sign-in unlocked for {reviewer.username}")).to_be_visible()
    axe_check(boss, "sign-in-security-unlocked")
