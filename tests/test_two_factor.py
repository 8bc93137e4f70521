"""Optional TOTP two-factor sign-in: set-up, the code page, throttling, and the requirement."""

import logging

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the person's app shows now (offset in steps: -10 is long expired)."""
    device.refresh_from_db()
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


def wrong_code(device: TOTPDevice) -> str:
    right = {code_for(device, offset=step) for step in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@pytest.fixture
def device_for():
    def make(user):
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    return make


# --- Setting up ---------------------------------------------------------------------------------


def test_setup_page_shows_the_secret_the_link_and_a_qr_code(client, officer):
    client.force_login(officer)
    html = client.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    assert "otpauth://totp/" in html and device.config_url.replace("&", "&amp;") in html
    secret = html.split('id="secret-key">', 1)[1].split("<", 1)[0].replace(" ", "")
    assert len(secret) == 32 and secret in device.config_url
    assert 'src="data:image/svg+xml;base64,' in html
    assert "<script" not in html.split("</main>")[0]  # no inline script (the CSP forbids it)
    # A reload shows the same secret: the app the person just set up keeps working.
    client.get(reverse("two_factor_setup"))
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_setup_confirms_only_with_the_right_code(client, officer, caplog):
    client.force_login(officer)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=officer)

    response = client.post(reverse("two_factor_setup"), {"code": code_for(device, offset=-10)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html and 'href="#id_code"' in html
    assert "The security code is wrong or has expired" in html
    assert html.lstrip().count("Error:") >= 1
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()  # the wrong code made the next try wait a second
    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        response = client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    # The answer is the page of recovery codes (tests/test_recovery_codes.py), then onwards.
    assert response.status_code == 200
    html = response.content.decode()
    assert "Two-factor authentication is on" in html and "Save your recovery codes" in html
    assert f'href="{reverse("home")}"' in html
    device.refresh_from_db()
    assert device.confirmed
    assert "Two-factor authentication set up by olivia" in caplog.text
    # The session that set it up is verified: pages work, and the set-up page says it is on.
    assert client.get(reverse("home")).status_code == 200
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "Two-factor authentication is on" in page and "otpauth://" not in page


def test_setup_code_must_be_six_digits(client, officer):
    client.force_login(officer)
    response = client.post(reverse("two_factor_setup"), {"code": "12ab"})
    assert "Enter the security code as 6 digits" in response.content.decode()
    response = client.post(reverse("two_factor_setup"), {"code": ""})
    assert "Enter the 6-digit security code" in response.content.decode()


def test_a_password_alone_cannot_see_or_replace_a_device(client, officer, device_for):
    device = device_for(officer)
    client.force_login(officer)
    response = client.get(reverse("two_factor_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]


# --- Signing in with a device ------------------------------------------------------------------


def test_a_person_with_a_device_is_held_at_the_code_page_until_verified(
    client, officer, device_for
):
    device = device_for(officer)
    response = client.post(
        reverse("login"),
        {"username": "olivia", "password": DEFAULT_PASSWORD, "next": reverse("case_list")},
    )
    assert response.status_code == 302
    # Every page but the open ones sends the person to the code page, keeping where they were going.
    for name in ("home", "case_list", "dashboard"):
        blocked = client.get(reverse(name))
        assert blocked.status_code == 302
        assert blocked["Location"] == f"{reverse('two_factor_verify')}?next={reverse(name)}"
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("disclosure_log")).status_code == 200

    page = client.get(reverse("two_factor_verify") + f"?next={reverse('case_list')}")
    assert page.status_code == 200
    assert ">Enter your security code</h1>" in page.content.decode()

    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": reverse("case_list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("case_list")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("case_list")).status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_throttled(client, officer, device_for, caplog):
    device = device_for(officer)
    client.force_login(officer)
    with caplog.at_level(logging.WARNING, logger="foi_cases.audit"):
        response = client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "The security code is wrong or has expired" in html
    assert "Wrong two-factor code for olivia" in caplog.text
    assert client.get(reverse("home")).status_code == 302

    # Straight away, even the right code waits: django-otp's throttle (1, 2, 4 … seconds).
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert "Too many wrong codes. Wait 1 second" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # tries while throttled are not checked

    device.throttle_reset()
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_code_cannot_be_used_twice(client, officer, device_for):
    device = device_for(officer)
    code = code_for(device)
    client.force_login(officer)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    other = type(client)()
    other.force_login(officer)
    response = other.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert other.get(reverse("home")).status_code == 302


def test_the_code_page_does_not_send_people_off_site(client, officer, device_for):
    device = device_for(officer)
    client.force_login(officer)
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_without_the_middleware_a_device_would_not_be_asked_for(
    client, officer, device_for, settings
):
    """What the middleware protects: take it out and the password alone is enough."""
    device_for(officer)
    client.force_login(officer)
    assert client.get(reverse("home")).status_code == 302
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "two_factor" not in m]
    unprotected = type(client)()  # a client builds its middleware chain on its first request
    unprotected.force_login(officer)
    assert unprotected.get(reverse("home")).status_code == 200


def test_people_without_a_device_are_not_asked_by_default(client, manager):
    client.force_login(manager)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two_factor_verify")).status_code == 302
    # Offered where people manage their sign-in: their account page, linked from the header.
    header = client.get(reverse("home")).content.decode().split('aria-label="Account"', 1)[1]
    assert f'href="{reverse("account")}"' in header.split("</ul>", 1)[0]
    account = client.get(reverse("account")).content.decode()
    assert f'href="{reverse("two_factor_setup")}"' in account


# --- When the setting requires it ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "forced"), [("manager", True), ("reviewer", True), ("officer", False)]
)
def test_required_for_reviewers_and_managers_only(client, request, settings, persona, forced):
    settings.FOI_REQUIRE_TWO_FACTOR = True
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("case_list"))
    if forced:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('two_factor_setup')}?next={reverse('case_list')}"
        page = client.get(reverse("two_factor_setup")).content.decode()
        assert "You must set up two-factor authentication" in page
        assert client.get(reverse("healthz")).status_code == 200
        device = TOTPDevice.objects.get(user=user)
        response = client.post(
            reverse("two_factor_setup"), {"code": code_for(device), "next": reverse("case_list")}
        )
        assert "Save your recovery codes" in response.content.decode()
        assert f'href="{reverse("case_list")}"' in response.content.decode()
    assert client.get(reverse("case_list")).status_code == 200


def test_when_required_a_manager_can_still_sign_out(client, manager, settings):
    settings.FOI_REQUIRE_TWO_FACTOR = True
    client.force_login(manager)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_a_removed_device_stops_holding_the_person(client, officer, device_for):
    """A manager removed a lost phone's device: the code page notices and lets them on."""
    device = device_for(officer)
    client.force_login(officer)
    assert client.get(reverse("home")).status_code == 302
    device.delete()
    response = client.get(reverse("two_factor_verify") + "?next=/cases/")
    assert response["Location"] == "/cases/"
    assert client.get(reverse("home")).status_code == 200
