"""Your account: your password, your sessions; managers removing a lost two-factor device."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from foi_cases.models import Notification, SignedInSession
from foi_cases.two_factor import new_recovery_codes
from tests.factories import DEFAULT_PASSWORD
from tests.services import REPO_ROOT
from tests.test_two_factor import code_for

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new long passphrase 42"


def signed_out(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def sessions_table(client: Client) -> str:
    html = client.get(reverse("account")).content.decode()
    return html.split('id="sessions"', 1)[1].split("</table>", 1)[0]


def session_rows(client: Client) -> int:
    return sessions_table(client).split("<tbody", 1)[1].count("<tr ")


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


# --- Ending other sessions ----------------------------------------------------------------------


def test_turning_on_two_factor_signs_out_the_person_s_other_sessions(client, officer, caplog):
    laptop = Client()
    laptop.force_login(officer)
    assert laptop.get(reverse("home")).status_code == 200
    client.force_login(officer)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=officer)

    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        client.post(reverse("two_factor_setup"), {"code": code_for(device)})

    # The laptop signed in without a code: it must sign in again, and be asked for one.
    assert signed_out(laptop)
    assert client.get(reverse("home")).status_code == 200
    assert "1 other session of olivia ended (two-factor turned on)" in caplog.text


def test_changing_the_password_signs_out_everywhere_else(client, officer, caplog):
    laptop = Client()
    laptop.force_login(officer)
    laptop_key = laptop.session.session_key
    client.force_login(officer)
    assert session_rows(client) == 2

    with caplog.at_level(logging.INFO, logger="foi_cases.audit"):
        response = client.post(
            reverse("account_password"),
            {
                "old_password": DEFAULT_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            follow=True,
        )
    html = response.content.decode()
    assert "Your password has been changed. You were signed out everywhere else" in html
    assert "Password changed by olivia" in caplog.text
    # This session carries on (with a new key); the laptop's is gone from the store at once.
    assert client.get(reverse("home")).status_code == 200
    assert not laptop.session.exists(laptop_key)
    assert signed_out(laptop)
    assert sessions_table(client).count("This session") == 1
    assert session_rows(client) == 1
    again = Client()
    again.post(reverse("login"), {"username": "olivia", "password": NEW_PASSWORD})
    assert again.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("persona", ["officer", "reviewer"])
def test_officers_and_reviewers_change_their_own_password(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    # "Your account" sits with "Sign out" in the header's account links.
    header = client.get(reverse("home")).content.decode().split('aria-label="Account"', 1)[1]
    assert f'href="{reverse("account")}"' in header.split("</ul>", 1)[0]
    assert (
        f'href="{reverse("account_password")}"' in client.get(reverse("account")).content.decode()
    )

    wrong = client.post(
        reverse("account_password"),
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert 'class="govuk-error-summary"' in wrong.content.decode()
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)

    client.post(
        reverse("account_password"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_short_new_password_is_refused_with_a_message(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("account_password"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "too short" in html and 'href="#id_new_password2"' in html
    officer.refresh_from_db()
    assert officer.check_password(DEFAULT_PASSWORD)


# --- Seeing and ending your own sessions --------------------------------------------------------


def test_a_person_sees_their_sessions_and_signs_one_out(client, officer):
    laptop = Client()
    laptop.post(
        reverse("login"),
        {"username": "olivia", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="Laptop browser/1.0",
    )
    client.force_login(officer)
    table = sessions_table(client)
    assert "10.1.2.3" in table and "Laptop browser/1.0" in table
    assert table.count("This session") == 1

    laptop_row = SignedInSession.objects.get(ip_address="10.1.2.3")
    response = client.post(reverse("account_session_end", args=[laptop_row.pk]), follow=True)
    assert "That session has been signed out" in response.content.decode()
    assert signed_out(laptop)
    assert "10.1.2.3" not in sessions_table(client)
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_everywhere_else_keeps_this_session(client, officer):
    phone, laptop = Client(), Client()
    phone.force_login(officer)
    laptop.force_login(officer)
    client.force_login(officer)
    response = client.post(reverse("account_sessions_end_others"), follow=True)
    assert "You were signed out everywhere else (2 other sessions)" in response.content.decode()
    assert signed_out(phone) and signed_out(laptop)
    assert client.get(reverse("home")).status_code == 200


def test_nobody_can_sign_out_another_person_s_session(client, officer, other_officer):
    theirs = Client()
    theirs.force_login(other_officer)
    their_row = SignedInSession.objects.get(user=other_officer)
    client.force_login(officer)
    response = client.post(reverse("account_session_end", args=[their_row.pk]), follow=True)
    assert "That session had already ended" in response.content.decode()
    assert theirs.get(reverse("home")).status_code == 200


def test_the_list_follows_the_session_through_the_two_factor_code(client, officer):
    device = device_for(officer)
    client.post(reverse("login"), {"username": "olivia", "password": DEFAULT_PASSWORD})
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("home")).status_code == 200
    # The code gave the session a new key; the list still knows it as this session.
    assert sessions_table(client).count("This session") == 1


def test_signing_out_forgets_the_session(client, officer):
    client.force_login(officer)
    assert SignedInSession.objects.filter(user=officer).count() == 1
    client.post(reverse("logout"))
    assert not SignedInSession.objects.filter(user=officer).exists()


def test_an_expired_session_is_not_listed(client, officer):
    laptop = Client()
    laptop.force_login(officer)
    laptop.session.delete()  # as when it times out and the store drops it
    client.force_login(officer)
    assert session_rows(client) == 1
    assert SignedInSession.objects.filter(user=officer).count() == 1


# --- Managers remove a lost two-factor device ---------------------------------------------------


def test_a_manager_removes_a_lost_device_audited_and_the_person_is_told(
    client, officer, manager, caplog, django_capture_on_commit_callbacks
):
    officer.email = "olivia@example.org"
    officer.save()
    device_for(officer)
    new_recovery_codes(officer)
    client.force_login(manager)
    page = client.get(reverse("sign_in_security")).content.decode()
    assert f'href="{reverse("two_factor_remove", args=[officer.pk])}"' in page

    empty = client.post(reverse("two_factor_remove", args=[officer.pk]), {"reason": " "})
    assert "Enter why you are removing the device" in empty.content.decode()
    assert TOTPDevice.objects.filter(user=officer).exists()

    with (
        caplog.at_level(logging.INFO, logger="foi_cases.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("two_factor_remove", args=[officer.pk]),
            {"reason": "Phone lost on the train"},
            follow=True,
        )
    assert "Two-factor device removed for olivia" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    assert "Two-factor device of olivia removed by maya: Phone lost on the train" in caplog.text
    notice = Notification.objects.get(user=officer, kind=Notification.Kind.ACCOUNT_SECURITY)
    assert "removed your two-factor authentication app" in notice.message
    assert "Phone lost on the train" in notice.message
    assert [m.to for m in mail.outbox] == [["olivia@example.org"]]
    # The person signs in with the password alone now.
    person = Client()
    person.post(reverse("login"), {"username": "olivia", "password": DEFAULT_PASSWORD})
    assert person.get(reverse("home")).status_code == 200


def test_a_manager_cannot_remove_their_own_device(client, manager):
    device = device_for(manager)
    client.post(reverse("login"), {"username": "maya", "password": DEFAULT_PASSWORD})
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})
    response = client.post(reverse("two_factor_remove", args=[manager.pk]), {"reason": "Lost"})
    assert "Ask another manager to remove it" in response.content.decode()
    assert TOTPDevice.objects.filter(user=manager).exists()


@pytest.mark.parametrize("persona", ["officer", "reviewer"])
def test_only_managers_remove_devices(client, request, other_officer, persona):
    device_for(other_officer)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("two_factor_remove", args=[other_officer.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=other_officer).exists()


# --- Two-factor for everyone --------------------------------------------------------------------


def test_two_factor_can_be_required_of_every_role(client, officer, settings):
    settings.FOI_REQUIRE_TWO_FACTOR = True
    settings.FOI_REQUIRE_TWO_FACTOR_FOR_ALL = True
    client.force_login(officer)
    response = client.get(reverse("case_list"))
    assert response["Location"] == f"{reverse('two_factor_setup')}?next={reverse('case_list')}"
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "You must set up two-factor authentication before you can use the service." in page


@pytest.mark.parametrize(
    ("value", "required", "for_all"),
    [("", False, False), ("true", True, False), ("1", True, False), ("all", True, True)],
)
def test_require_two_factor_setting_keeps_its_old_meaning_and_takes_all(value, required, for_all):
    env = {k: v for k, v in os.environ.items() if k != "REQUIRE_TWO_FACTOR"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "settings-test",
        "REQUIRE_TWO_FACTOR": value,
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.FOI_REQUIRE_TWO_FACTOR, s.FOI_REQUIRE_TWO_FACTOR_FOR_ALL]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [required, for_all]


def test_sessions_that_timed_out_are_forgotten_at_the_next_sign_in(client, officer):
    for _ in range(3):
        gone = Client()
        gone.force_login(officer)
        gone.session.delete()
    client.force_login(officer)
    assert SignedInSession.objects.filter(user=officer).count() == 1


def test_a_session_from_before_the_index_is_listed_as_this_session(client, officer):
    client.force_login(officer)
    SignedInSession.objects.all().delete()  # as for a session signed in before the upgrade
    assert sessions_table(client).count("This session") == 1
