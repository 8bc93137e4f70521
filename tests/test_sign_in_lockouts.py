"""Sign-in lockouts: a name at an address, an address past its ceiling, and managers' unlock."""

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

DESK = "10.0.0.1"
OTHER_DESK = "10.0.0.2"


def sign_in(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail_until_locked(client, settings, username="olivia", address=DESK):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, "wrong", address)


def signed_in_as(response, username) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.get_username() == username


def test_wrong_passwords_lock_the_name_at_that_address_only(
    client, settings, officer, other_officer
):
    fail_until_locked(client, settings)

    locked = sign_in(client, "olivia", DEFAULT_PASSWORD, DESK)
    assert locked.status_code == 429
    assert "Sign-in locked" in locked.content.decode()
    # Anyone can type a colleague's name: that must not lock the colleague out elsewhere,
    assert signed_in_as(sign_in(client, "olivia", DEFAULT_PASSWORD, OTHER_DESK), "olivia")
    client.logout()
    # nor lock everyone else out of the desk where it was typed.
    assert signed_in_as(sign_in(client, "oscar", DEFAULT_PASSWORD, DESK), "oscar")


def test_an_address_trying_many_names_is_locked_for_everyone(
    client, settings, officer, other_officer
):
    settings.FOI_ADDRESS_FAILURE_LIMIT = 8
    for number in range(settings.FOI_ADDRESS_FAILURE_LIMIT):
        response = sign_in(client, f"guess{number}", "Summer2026!", DESK)
    assert response.status_code == 429  # the failure that reached the ceiling says so

    assert sign_in(client, "oscar", DEFAULT_PASSWORD, DESK).status_code == 429
    assert signed_in_as(sign_in(client, "oscar", DEFAULT_PASSWORD, OTHER_DESK), "oscar")


def test_an_address_below_its_ceiling_is_not_locked(client, settings, officer):
    settings.FOI_ADDRESS_FAILURE_LIMIT = 8
    for number in range(settings.FOI_ADDRESS_FAILURE_LIMIT - 1):
        sign_in(client, f"guess{number}", "Summer2026!", DESK)
    assert signed_in_as(sign_in(client, "olivia", DEFAULT_PASSWORD, DESK), "olivia")


def test_failures_during_a_lockout_do_not_restart_the_cool_off(client, settings, officer):
    fail_until_locked(client, settings)
    twenty_minutes_ago = AccessAttempt.objects.get().attempt_time - dt.timedelta(minutes=20)
    AccessAttempt.objects.update(attempt_time=twenty_minutes_ago)

    assert sign_in(client, "olivia", "still wrong", DESK).status_code == 429
    assert AccessAttempt.objects.get().attempt_time == twenty_minutes_ago

    # 31 minutes after the fifth failure the lock has run out, despite the try in between.
    AccessAttempt.objects.update(attempt_time=twenty_minutes_ago - dt.timedelta(minutes=11))
    assert signed_in_as(sign_in(client, "olivia", DEFAULT_PASSWORD, DESK), "olivia")


def test_the_lockout_page_says_how_long_and_that_a_manager_can_unlock(client, settings, officer):
    fail_until_locked(client, settings)
    html = sign_in(client, "olivia", DEFAULT_PASSWORD, DESK).content.decode()
    assert "locked here for 30 minutes after the last attempt" in html
    assert "managers can do this on the Sign-in security page" in html


def test_a_manager_sees_and_clears_a_lockout(client, settings, officer, manager, caplog):
    other = type(client)()
    fail_until_locked(other, settings)
    client.force_login(manager)

    page = client.get(reverse("sign_in_security")).content.decode()
    table = page.split('id="lockouts"', 1)[1].split("</table>", 1)[0]
    assert "olivia" in table and DESK in table

    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        response = client.post(
            reverse("sign_in_unlock"), {"ip_address": DESK, "username": "olivia"}, follow=True
        )
    html = response.content.decode()
    assert f"Sign-in unlocked for olivia from {DESK}" in html
    assert 'id="no-lockouts"' in html
    assert f"Sign-in of olivia from address {DESK} unlocked by maya" in caplog.text
    assert signed_in_as(sign_in(other, "olivia", DEFAULT_PASSWORD, DESK), "olivia")


def test_a_manager_clears_an_address_lockout(client, settings, officer, manager, caplog):
    settings.FOI_ADDRESS_FAILURE_LIMIT = 8
    other = type(client)()
    for number in range(settings.FOI_ADDRESS_FAILURE_LIMIT):
        sign_in(other, f"guess{number}", "Summer2026!", DESK)
    client.force_login(manager)
    table = client.get(reverse("sign_in_security")).content.decode().split('id="lockouts"')[1]
    assert "Everyone" in table.split("</table>")[0]

    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        client.post(reverse("sign_in_unlock"), {"ip_address": DESK, "username": ""})
    assert f"Sign-in from address {DESK} unlocked by maya" in caplog.text
    assert signed_in_as(sign_in(other, "olivia", DEFAULT_PASSWORD, DESK), "olivia")


@pytest.mark.parametrize("persona", ["officer", "reviewer"])
def test_only_managers_can_unlock(client, request, settings, other_officer, persona):
    fail_until_locked(type(client)(), settings, username="oscar")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("sign_in_security")).status_code == 403
    response = client.post(reverse("sign_in_unlock"), {"ip_address": DESK, "username": "oscar"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="oscar").exists()


def test_unlocking_what_is_no_longer_locked_says_so(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("sign_in_unlock"), {"ip_address": DESK, "username": "olivia"}, follow=True
    )
    assert "That sign-in is not locked any more" in response.content.decode()
    response = client.post(reverse("sign_in_unlock"), {"ip_address": "not\x00an address"})
    assert response.status_code == 302
