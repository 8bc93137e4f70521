"""A person signs in through the organisation's identity provider (the local test provider)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.oidc,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


def test_a_person_signs_in_with_the_identity_provider(
    page, other_desk, live_server, single_sign_on, app_data, axe_check, settings
):
    single_sign_on.allow_redirect_uri(f"{live_server.url}/oidc/callback/")
    settings.OIDC_PROVIDER_NAME = "Example Council"
    settings.FOI_LOCAL_PASSWORDS = False
    single_sign_on.put_user("sso-maya", groups=["foi-managers"], first_name="Maya")

    page.goto("/sign-in/")
    axe_check(page, "sign-in-single-sign-on")
    expect(page.get_by_label("Password")).to_have_count(0)
    page.get_by_role("button", name="Sign in with Example Council").click()
    # The provider's own sign-in page (not this service's).
    page.get_by_label("Username").fill("sso-maya")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Sign in to the provider").click()
    expect(page.get_by_text("Signed in as sso-maya@example.org")).to_be_visible()
    expect(page.get_by_role("link", name="Team", exact=True)).to_be_visible()  # a manager

    # Someone in none of the mapped groups is told why they cannot sign in.
    single_sign_on.put_user("sso-nobody", groups=["canteen-committee"])
    visitor = other_desk()
    visitor.goto("/sign-in/")
    visitor.get_by_role("button", name="Sign in with Example Council").click()
    visitor.get_by_label("Username").fill("sso-nobody")
    visitor.get_by_label("Password").fill("password")
    visitor.get_by_role("button", name="Sign in to the provider").click()
    expect(visitor.get_by_role("heading", level=1, name="You cannot sign in")).to_be_visible()
    expect(visitor.get_by_text("not in a group that gives a role")).to_be_visible()
    axe_check(visitor, "sign-in-refused")
