"""Recovery codes: made when two-factor is turned on, shown once, each good for one sign-in."""

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from foi_cases.two_factor import new_recovery_codes
from tests.test_two_factor import code_for, wrong_code

pytestmark = pytest.mark.django_db

CODE = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>")


@pytest.fixture
def device_for():
    def make(user):
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    return make


def codes_in(response) -> list[str]:
    return CODE.findall(response.content.decode())


def verified(client, user, device):  # type: ignore[no-untyped-def]
    client.force_login(user)
    assert client.post(reverse("two_factor_verify"), {"code": code_for(device)}).status_code == 302
    return client


# --- Shown once, when two-factor is turned on ---------------------------------------------------


def test_turning_on_two_factor_shows_ten_codes_once(client, officer, caplog):
    client.force_login(officer)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=officer)
    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        response = client.post(
            reverse("two_factor_setup"), {"code": code_for(device), "next": reverse("case_list")}
        )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    codes = codes_in(response)
    assert len(codes) == len(set(codes)) == 10
    assert "You will not be able to see these codes again" in html
    assert "Keep them somewhere safe" in html
    assert f'href="{reverse("case_list")}"' in html
    assert "Recovery codes generated for olivia" in caplog.text
    # Stored as keyed hashes, not as the codes themselves.
    stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}
    # Never shown again: the set-up page gives only how many are left.
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert not CODE.search(page) and not any(code in page for code in codes)
    assert "You have 10 unused recovery codes" in page


# --- Signing in with one ------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, officer, device_for, caplog):
    device_for(officer)
    codes = new_recovery_codes(officer)
    client.force_login(officer)
    page = client.get(reverse("two_factor_verify")).content.decode()
    assert "recovery code" in page and "Each recovery code works once" in page

    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        response = client.post(
            reverse("two_factor_verify"), {"code": codes[0], "next": reverse("case_list")}
        )
    assert response.status_code == 302 and response["Location"] == reverse("case_list")
    assert "Recovery code used by olivia (9 left)" in caplog.text
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "You have 9 unused recovery codes left" in home.content.decode()
    assert StaticToken.objects.filter(device__user=officer).count() == 9
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "You have 9 unused recovery codes" in page

    # The same code a second time, in another session: refused.
    other = Client()
    other.force_login(officer)
    response = other.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert "The recovery code is wrong or has already been used" in response.content.decode()
    assert other.get(reverse("home")).status_code == 302


def test_a_recovery_code_may_be_typed_in_capitals_and_without_the_dash(client, officer, device_for):
    device_for(officer)
    code = new_recovery_codes(officer)[3]
    client.force_login(officer)
    typed = f" {code.replace('-', ' ').upper()} "
    assert client.post(reverse("two_factor_verify"), {"code": typed}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_recovery_code_is_refused_and_throttled_with_the_app_code(
    client, officer, device_for, caplog
):
    device = device_for(officer)
    codes = new_recovery_codes(officer)
    client.force_login(officer)
    with caplog.at_level(logging.WARNING, logger="foi_cases.audit"):
        response = client.post(reverse("two_factor_verify"), {"code": "aaaa-aaaa"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html and 'href="#id_code"' in html
    assert "The recovery code is wrong or has already been used" in html
    assert "Wrong recovery code for olivia" in caplog.text
    assert client.get(reverse("home")).status_code == 302

    # The failure counts against the app's device: neither kind of code is checked for a while.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "Too many wrong codes. Wait 1 second" in response.content.decode()
    response = client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert StaticToken.objects.filter(device__user=officer).count() == 10  # none used up

    device.throttle_reset()
    assert client.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_wrong_app_code_also_holds_back_recovery_codes(client, officer, device_for):
    device = device_for(officer)
    codes = new_recovery_codes(officer)
    client.force_login(officer)
    client.post(reverse("two_factor_verify"), {"code": wrong_code(device)})
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "Too many wrong codes. Wait 1 second" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_code_of_neither_shape_is_refused_with_what_to_enter(client, officer, device_for):
    device_for(officer)
    new_recovery_codes(officer)
    client.force_login(officer)
    for typed in ("12ab", "abcd-efg1", "<script>", "ａｂｃｄｅｆｇｈ"):
        response = client.post(reverse("two_factor_verify"), {"code": typed})
        assert response.status_code == 200
        assert "or a recovery code as 8 letters and numbers" in response.content.decode()
    response = client.post(reverse("two_factor_verify"), {"code": ""})
    assert "Enter the 6-digit security code from your authenticator app, or a recovery code" in (
        response.content.decode()
    )
    assert StaticToken.objects.filter(device__user=officer).count() == 10


def test_setting_up_accepts_only_an_app_code(client, officer):
    client.force_login(officer)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": "abcd-efgh"})
    assert "Enter the security code as 6 digits" in response.content.decode()
    assert not TOTPDevice.objects.get(user=officer).confirmed


# --- A new set ----------------------------------------------------------------------------------


def test_a_new_set_replaces_the_old_one(client, officer, device_for, caplog):
    device = device_for(officer)
    old = new_recovery_codes(officer)
    verified(client, officer, device)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert f'action="{reverse("two_factor_recovery_codes")}"' in page
    assert "Get new recovery codes" in page

    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        response = client.post(reverse("two_factor_recovery_codes"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new = codes_in(response)
    assert len(new) == 10 and not set(new) & set(old)
    assert "Your old recovery codes no longer work" in response.content.decode()
    assert f'href="{reverse("two_factor_setup")}"' in response.content.decode()
    assert "New recovery codes generated by olivia" in caplog.text
    assert StaticDevice.objects.filter(user=officer).count() == 1
    assert StaticToken.objects.filter(device__user=officer).count() == 10

    signing_in = Client()
    signing_in.force_login(officer)
    refused = signing_in.post(reverse("two_factor_verify"), {"code": old[0]})
    assert "The recovery code is wrong or has already been used" in refused.content.decode()
    device.throttle_reset()
    assert signing_in.post(reverse("two_factor_verify"), {"code": new[0]}).status_code == 302


def test_people_who_set_up_before_recovery_codes_are_told_to_get_some(client, officer, device_for):
    device = device_for(officer)
    verified(client, officer, device)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "You have 0 unused recovery codes" in page
    assert "Get new recovery codes so you can still sign in" in page


def test_only_a_signed_in_verified_person_may_get_new_codes_for_themselves(
    client, officer, manager, device_for
):
    url = reverse("two_factor_recovery_codes")
    officer_device = device_for(officer)
    officer_codes = set(new_recovery_codes(officer))
    stored = set(StaticToken.objects.values_list("token", flat=True))

    # Anonymous: to the sign-in page.
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    # A password alone: to the code page first.
    client.force_login(officer)
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # Only by POST, and only with the CSRF token.
    verified(client, officer, officer_device)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    strict.cookies = client.cookies
    assert strict.post(url).status_code == 403
    # Without an app set up there is nothing to recover: to the set-up page, no codes made.
    other = Client()
    other.force_login(manager)
    response = other.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("two_factor_setup")
    assert not StaticDevice.objects.filter(user=manager).exists()
    # Nobody's request touched the officer's codes.
    assert set(StaticToken.objects.values_list("token", flat=True)) == stored
    assert len(officer_codes) == 10

    # A manager with their own app gets codes for themselves, never for anyone else.
    manager_device = device_for(manager)
    verified(other, manager, manager_device)
    assert len(codes_in(other.post(url))) == 10
    assert (
        set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
        == stored
    )
