"""Single sign-on through a real OpenID Connect provider, and the local-password rules.

The provider is django-oauth-toolkit in its own process (tests/oidc_provider). The test
client plays the service's side; a `requests` session plays the person's browser at the
provider, signed in there as they would be at their organisation.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from foi_cases.models import AccessEvent, Notification
from foi_cases.permissions import MANAGER, OFFICER, REVIEWER, roles_of
from tests import factories
from tests.factories import DEFAULT_PASSWORD

oidc = pytest.mark.oidc
CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="foi_cases.audit")
    return caplog


def start(client) -> str:
    """The service's redirect to the provider's authorisation endpoint."""
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    return response["Location"]


def with_param(url: str, **changes: str | None) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    query = {key: value for key, value in query.items() if value is not None}
    return parts._replace(query=urlencode(query)).geturl()


def through_provider(browser, authorize_url: str) -> str:
    """Where the provider sends the browser back to: the service's callback, as a path."""
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["Location"]
    assert location.startswith(CALLBACK), location
    return location.removeprefix("http://testserver")


def sign_in(client, provider, username: str):
    browser = provider.signed_in_browser(username)
    return client.get(through_provider(browser, start(client))), browser


def recheck_now(client) -> None:
    """Make the session's check with the provider due, as if the interval had passed."""
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


@oidc
@pytest.mark.django_db
def test_code_flow_with_pkce_signs_a_person_in_with_their_groups_roles(
    client, single_sign_on, settings, audit
):
    settings.FOI_REQUIRE_TWO_FACTOR = settings.FOI_REQUIRE_TWO_FACTOR_FOR_ALL = True
    single_sign_on.put_user("sso-olivia", groups=["foi-officers", "canteen-committee"])

    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"] and query["nonce"]
    browser = single_sign_on.signed_in_browser("sso-olivia")
    response = client.get(through_provider(browser, authorize))

    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert user.email == "sso-olivia@example.org" and not user.has_usable_password()
    assert roles_of(user) == {OFFICER}
    # Two-factor is the provider's business: no code or set-up page, although required.
    assert client.get(reverse("home")).status_code == 200
    assert "Single sign-on sign-in by sso-olivia@example.org" in audit.text


@oidc
def test_provider_refuses_an_authorisation_request_without_pkce(client, single_sign_on, db):
    single_sign_on.put_user("sso-pat", groups=["foi-officers"])
    browser = single_sign_on.signed_in_browser("sso-pat")
    plain = with_param(start(client), code_challenge=None, code_challenge_method=None)

    answer = browser.get(plain, allow_redirects=False, timeout=10)

    back = answer.headers["Location"]
    assert "error=invalid_request" in back and "Code+challenge+required" in back
    assert "code=" not in back


@oidc
@pytest.mark.django_db
@pytest.mark.parametrize(
    "changed, why",
    [("state", "state not found in session"), ("nonce", "Nonce verification failed")],
)
def test_a_changed_state_or_nonce_is_refused(client, single_sign_on, changed, why, audit):
    single_sign_on.put_user("sso-sam", groups=["foi-officers"])
    browser = single_sign_on.signed_in_browser("sso-sam")
    forged = with_param(start(client), **{changed: "chosen-by-an-attacker-0123456789"})

    response = client.get(through_provider(browser, forged))

    assert response["Location"] == reverse("sign_in_refused")
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="sso-sam@example.org").exists()
    assert "Single sign-on refused" in audit.text and why in audit.text
    page = client.get(response["Location"]).content.decode()
    assert "Signing in did not complete" in page


@oidc
@pytest.mark.django_db
def test_a_tampered_id_token_is_refused(client, single_sign_on, settings, audit):
    single_sign_on.put_user("sso-tom", groups=["foi-officers"])
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{single_sign_on.url}/forging/token/"

    response, _ = sign_in(client, single_sign_on, "sso-tom")

    assert response["Location"] == reverse("sign_in_refused")
    assert signed_in_user(client) is None
    assert not User.objects.filter(email__in=["sso-tom@example.org", "someone.else@example.org"])
    assert "JWS token verification failed" in audit.text


@oidc
@pytest.mark.django_db
def test_a_person_with_no_mapped_group_is_refused_with_a_clear_page(client, single_sign_on, audit):
    single_sign_on.put_user("sso-nora", groups=["canteen-committee"])

    response, _ = sign_in(client, single_sign_on, "sso-nora")

    assert response["Location"] == reverse("sign_in_refused")
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="sso-nora@example.org").exists()
    assert "Single sign-on refused (no_role)" in audit.text
    page = client.get(response["Location"]).content.decode()
    assert "not in a group that gives a role in this service" in page


@oidc
@pytest.mark.django_db
def test_an_account_outside_the_hosted_domain_is_refused(client, single_sign_on, settings, audit):
    settings.OIDC_HOSTED_DOMAIN = "council.example"
    single_sign_on.put_user("sso-gail", groups=["foi-officers"], email="gail@gmail.example")
    single_sign_on.put_user("sso-hal", groups=["foi-officers"], email="hal@council.example")

    response, _ = sign_in(client, single_sign_on, "sso-gail")
    assert response["Location"] == reverse("sign_in_refused")
    assert "Single sign-on refused (other_domain)" in audit.text
    response, _ = sign_in(client, single_sign_on, "sso-hal")
    assert signed_in_user(client).email == "hal@council.example"


@oidc
@pytest.mark.django_db
def test_a_break_glass_account_cannot_be_reached_through_the_provider(
    client, single_sign_on, settings
):
    settings.FOI_BREAK_GLASS_USERNAMES = ["emergency"]
    factories.UserFactory(username="emergency", email="sso-eve@example.org", roles=[MANAGER])
    single_sign_on.put_user("sso-eve", groups=["foi-officers"])

    response, _ = sign_in(client, single_sign_on, "sso-eve")

    assert response["Location"] == reverse("sign_in_refused")
    assert roles_of(User.objects.get(username="emergency")) == {MANAGER}
    assert "emergency account" in client.get(response["Location"]).content.decode()


@oidc
@pytest.mark.django_db
def test_roles_follow_the_groups_at_the_next_sign_in_and_at_the_recheck(
    client, single_sign_on, audit
):
    single_sign_on.put_user("sso-rita", groups=["foi-officers"])
    sign_in(client, single_sign_on, "sso-rita")
    single_sign_on.put_user("sso-rita", groups=["foi-reviewers"])

    recheck_now(client)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "prompt=none" in response["Location"]
    back = through_provider(single_sign_on.signed_in_browser("sso-rita"), response["Location"])
    assert client.get(back)["Location"] == reverse("home")

    user = signed_in_user(client)
    assert roles_of(user) == {REVIEWER}
    assert "Roles of sso-rita@example.org changed by the identity provider: Reviewer" in audit.text
    assert client.get(reverse("home")).status_code == 200

    single_sign_on.put_user("sso-rita", groups=["foi-managers", "foi-reviewers"])
    client.post(reverse("logout"))
    sign_in(client, single_sign_on, "sso-rita")
    assert roles_of(signed_in_user(client)) == {MANAGER, REVIEWER}
    # The team's access log shows each change, made by the provider, not by a person.
    changes = AccessEvent.objects.filter(person=user).order_by("at", "pk")
    assert [(e.verb, e.actor, e.data.get("after")) for e in changes] == [
        (AccessEvent.Verb.JOINED, None, None),
        (AccessEvent.Verb.ROLES_CHANGED, None, [OFFICER]),
        (AccessEvent.Verb.ROLES_CHANGED, None, [REVIEWER]),
        (AccessEvent.Verb.ROLES_CHANGED, None, [MANAGER, REVIEWER]),
    ]
    assert {e.data["source"] for e in changes} == {"the identity provider"}


@oidc
@pytest.mark.django_db
def test_a_person_removed_from_the_groups_loses_their_session_at_the_recheck(
    client, single_sign_on, audit
):
    single_sign_on.put_user("sso-lee", groups=["foi-officers"])
    _, browser = sign_in(client, single_sign_on, "sso-lee")
    assert client.get(reverse("home")).status_code == 200
    single_sign_on.put_user("sso-lee", groups=[])

    recheck_now(client)
    response = client.get(reverse("home"))
    refused = client.get(through_provider(browser, response["Location"]))

    assert refused["Location"] == reverse("sign_in_refused")
    assert signed_in_user(client) is None
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert "Signed out sso-lee@example.org" in audit.text


@oidc
@pytest.mark.django_db
def test_a_person_disabled_at_the_provider_is_signed_out_at_the_recheck(
    client, single_sign_on, settings, audit
):
    single_sign_on.put_user("sso-dan", groups=["foi-officers"])
    _, browser = sign_in(client, single_sign_on, "sso-dan")
    # A form sent soon after the check fell due goes through; long after, it is checked first.
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 60
    session.save()
    assert client.post(reverse("account_sessions_end_others"))["Location"] == reverse("account")
    session["oidc_id_token_expiration"] = time.time() - settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS
    session.save()
    single_sign_on.put_user("sso-dan", groups=["foi-officers"], is_active=False)

    posted = client.post(reverse("account_sessions_end_others"))
    assert posted["Location"].startswith(settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    back = through_provider(browser, posted["Location"])
    assert "error=login_required" in back  # the provider no longer knows them
    assert client.get(back)["Location"] == reverse("sign_in_refused")
    assert signed_in_user(client) is None
    assert "Signed out sso-dan@example.org" in audit.text


@oidc
@pytest.mark.django_db
def test_local_passwords_off_leaves_only_single_sign_on(client, single_sign_on, settings, officer):
    page = client.get(reverse("login")).content.decode()
    assert reverse("oidc_authentication_init") in page and 'name="password"' in page

    settings.FOI_LOCAL_PASSWORDS = False
    page = client.get(reverse("login")).content.decode()
    assert reverse("oidc_authentication_init") in page
    assert 'name="password"' not in page
    emergency = client.get(reverse("sign_in_emergency")).content.decode()
    assert 'name="password"' in emergency and "break-glass accounts only" in emergency


@pytest.mark.django_db
def test_break_glass_sign_in_is_audited_and_every_manager_told(
    client, settings, officer, manager, audit, django_capture_on_commit_callbacks
):
    settings.FOI_LOCAL_PASSWORDS = False
    settings.FOI_REQUIRE_TWO_FACTOR = True
    settings.FOI_BREAK_GLASS_USERNAMES = ["emergency"]
    breakglass = factories.UserFactory(username="emergency", roles=[MANAGER])

    refused = client.post(reverse("login"), {"username": "olivia", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 200 and signed_in_user(client) is None
    assert "Password sign-in refused for olivia: local passwords are turned off" in audit.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sign_in_emergency"),
            {"username": "emergency", "password": DEFAULT_PASSWORD},
        )
    assert response.status_code == 302 and signed_in_user(client) == breakglass
    assert any(
        r.levelno == logging.CRITICAL and "Break-glass sign-in by emergency" in r.getMessage()
        for r in audit.records
    )
    told = Notification.objects.filter(kind=Notification.Kind.ACCOUNT_SECURITY)
    assert {n.user for n in told} == {manager, breakglass}
    used = AccessEvent.objects.get(verb=AccessEvent.Verb.BREAK_GLASS_SIGN_IN)
    assert used.person == breakglass and used.actor == breakglass
    assert {m.to[0] for m in mail.outbox} >= {manager.email}
    # Still a local account: two-factor is demanded before anything else.
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


@oidc
@pytest.mark.django_db
def test_without_role_sync_roles_come_from_the_groups_only_at_the_first_sign_in(
    client, single_sign_on, settings
):
    settings.OIDC_SYNC_ROLES = False
    single_sign_on.put_user("sso-una", groups=["foi-managers"])
    sign_in(client, single_sign_on, "sso-una")
    assert roles_of(signed_in_user(client)) == {MANAGER}

    single_sign_on.put_user("sso-una", groups=[])
    client.post(reverse("logout"))
    sign_in(client, single_sign_on, "sso-una")
    assert roles_of(signed_in_user(client)) == {MANAGER}  # given here now, kept

    # Google sends no groups: only people given a role here sign in.
    client.post(reverse("logout"))
    single_sign_on.put_user("sso-vic", groups=[])
    response, _ = sign_in(client, single_sign_on, "sso-vic")
    assert response["Location"] == reverse("sign_in_refused")
    factories.UserFactory(username="vic", email="sso-vic@example.org", roles=[REVIEWER])
    sign_in(client, single_sign_on, "sso-vic")
    assert roles_of(signed_in_user(client)) == {REVIEWER}


def test_a_role_map_naming_an_unknown_role_fails_the_system_check(settings):
    from foi_cases.single_sign_on import check_role_map

    settings.OIDC_ROLE_MAP = {"foi-officers": OFFICER, "foi-bosses": "Boss"}
    assert [error.id for error in check_role_map()] == ["foi_cases.E101"]
    settings.OIDC_ROLE_MAP = {"foi-officers": OFFICER}
    assert check_role_map() == []
