"""Team administration: invitations, roles, leavers, two-factor resets and the access log."""

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from foi_cases.models import AccessEvent, CaseEvent, Invitation, Notification
from foi_cases.permissions import MANAGER, REVIEWER
from foi_cases.workflow import people
from tests import factories

pytestmark = pytest.mark.django_db

Verb = AccessEvent.Verb
NEW_PASSWORD = "a long enough new passphrase"


def invite(client, manager, email="rosa.reviewer@example.org", **fields):
    client.force_login(manager)
    data = {"email": email, "first_name": "Rosa", "last_name": "Reviewer", "roles": [REVIEWER]}
    return client.post(reverse("people_invite"), {**data, **fields})


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def link_in(message) -> str:
    return re.search(r"https?://\S+/people/join/\S+/", message.body).group(0)


# --- Invitations ------------------------------------------------------------------------------


def test_an_invitee_sets_a_password_through_a_link_that_works_once(
    client, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, manager)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["rosa.reviewer@example.org"]
    link = link_in(message)
    event = AccessEvent.objects.get(verb=Verb.INVITED)
    assert event.actor == manager and event.subject == "rosa.reviewer@example.org"
    assert "rosa.reviewer@example.org" in client.get(reverse("people_team")).content.decode()

    invitee = Client()
    page = invitee.get(link)
    assert "Set up your account" in page.content.decode()
    weak = invitee.post(link, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common" in weak.content.decode()
    assert not User.objects.filter(username="rosa.reviewer@example.org").exists()

    done = invitee.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    rosa = User.objects.get(username="rosa.reviewer@example.org")
    assert rosa.check_password(NEW_PASSWORD) and rosa.get_full_name() == "Rosa Reviewer"
    assert list(rosa.groups.values_list("name", flat=True)) == [REVIEWER]
    assert AccessEvent.objects.filter(person=rosa, verb=Verb.JOINED, actor=rosa).exists()
    signed_in = sign_in(invitee, rosa.username, NEW_PASSWORD)
    assert signed_in["Location"] == reverse("home")

    again = Client().post(link, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    rosa.refresh_from_db()
    assert rosa.check_password(NEW_PASSWORD)


def test_an_expired_replaced_or_tampered_link_gets_a_clear_page(
    client, manager, settings, django_capture_on_commit_callbacks
):
    settings.FOI_INVITE_LINK_HOURS = 1
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager)
    first = Invitation.objects.get()
    assert first.expires_at - first.created_at == dt.timedelta(hours=1)
    first_link = link_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert "This link has expired" in Client().get(first_link).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager)
    second_link = link_in(mail.outbox[1])
    assert "Set up your account" in Client().get(second_link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager)  # a third invitation voids the second's link
    assert "This link has expired" in Client().get(second_link).content.decode()

    tampered = Client().get(second_link.replace("/join/", "/join/x"))
    assert tampered.status_code == 404 and "This link does not work" in tampered.content.decode()


def test_the_invitation_email_is_sent_once_however_often_the_task_runs(
    manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = people.invite_person(
            actor=manager,
            email="Sam@Example.org",
            first_name="Sam",
            last_name="Smith",
            roles=[REVIEWER],
            site_url="https://foi.example.org/",
        )
    assert people.send_invitation(invitation.pk, "https://foi.example.org/") is False
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.org"]
    assert "https://foi.example.org/people/join/" in mail.outbox[0].body


def test_an_existing_account_cannot_be_invited_and_only_managers_invite(client, officer, manager):
    response = invite(client, manager, email=officer.email.upper())
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()
    with pytest.raises(PermissionDenied):
        people.invite_person(
            actor=officer,
            email="x@example.org",
            first_name="X",
            last_name="Y",
            roles=[REVIEWER],
            site_url="http://testserver/",
        )


# --- Roles and the last manager ---------------------------------------------------------------


def test_roles_change_is_audited_and_the_last_manager_keeps_theirs(client, manager, reviewer):
    client.force_login(manager)
    response = client.post(reverse("people_roles", args=[reviewer.pk]), {"roles": [MANAGER]})
    assert response.status_code == 302
    assert list(reviewer.groups.values_list("name", flat=True)) == [MANAGER]
    event = AccessEvent.objects.get(verb=Verb.ROLES_CHANGED, person=reviewer)
    assert event.data == {"before": [REVIEWER], "after": [MANAGER]} and event.actor == manager

    User.objects.filter(pk=reviewer.pk).update(is_active=False)
    refused = client.post(reverse("people_roles", args=[manager.pk]), {"roles": [REVIEWER]})
    assert "you are the last active manager" in refused.content.decode()
    assert manager.groups.filter(name=MANAGER).exists()
    refused = client.post(reverse("people_deactivate", args=[manager.pk]), {})
    assert "You cannot deactivate yourself: you are the last active manager" in (
        refused.content.decode()
    )
    manager.refresh_from_db()
    assert manager.is_active

    User.objects.filter(pk=reviewer.pk).update(is_active=True)
    client.post(reverse("people_roles", args=[manager.pk]), {"roles": [REVIEWER]})
    assert not manager.groups.filter(name=MANAGER).exists()


# --- Leavers ------------------------------------------------------------------------------------


def test_deactivating_ends_sessions_and_hands_over_the_open_cases_in_one_post(
    client, officer, other_officer, manager, django_capture_on_commit_callbacks
):
    cases = [factories.case_in_progress(officer) for _ in range(2)]
    closed = factories.case_in_progress(officer, status="closed")
    desk = Client()
    sign_in(desk, officer.username, factories.DEFAULT_PASSWORD)
    assert desk.get(reverse("home")).status_code == 200
    client.force_login(manager)
    page = client.get(reverse("people_deactivate", args=[officer.pk])).content.decode()
    assert all(case.reference in page for case in cases) and closed.reference not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people_deactivate", args=[officer.pk]),
            {"cases": [case.pk for case in cases], "to_officer": other_officer.pk},
        )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert desk.get(reverse("home"))["Location"].startswith(reverse("login"))
    for case in cases:
        case.refresh_from_db()
        assert case.assigned_to == other_officer
        assert CaseEvent.objects.filter(case=case, verb=CaseEvent.Verb.ASSIGNED).exists()
    closed.refresh_from_db()
    assert closed.assigned_to == officer  # history stays as it was
    assert Notification.objects.filter(user=other_officer).count() == 2
    event = AccessEvent.objects.get(verb=Verb.DEACTIVATED, person=officer)
    assert sorted(event.data["cases"]) == sorted(case.reference for case in cases)
    assert event.data["sessions_ended"] == 1

    client.post(reverse("people_reactivate", args=[officer.pk]))
    officer.refresh_from_db()
    assert officer.is_active
    assert AccessEvent.objects.filter(verb=Verb.REACTIVATED, person=officer).exists()


def test_deactivating_refuses_when_the_open_cases_changed_and_changes_nothing(
    client, officer, other_officer, manager
):
    shown = factories.case_in_progress(officer)
    factories.case_in_progress(officer)  # assigned after the page was loaded
    client.force_login(manager)
    response = client.post(
        reverse("people_deactivate", args=[officer.pk]),
        {"cases": [shown.pk], "to_officer": other_officer.pk},
    )
    assert "open cases changed while you were on this page" in response.content.decode()
    officer.refresh_from_db()
    shown.refresh_from_db()
    assert officer.is_active and shown.assigned_to == officer
    assert not AccessEvent.objects.exists()
    with pytest.raises(ValidationError):
        people.deactivate_person(officer, actor=manager, cases=[], to_officer=None)


# --- Two-factor resets and the log -----------------------------------------------------------


def test_a_two_factor_reset_is_audited_and_the_person_is_emailed(
    client, officer, manager, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("two_factor_remove", args=[officer.pk]), {"reason": "Lost phone"})
    assert not TOTPDevice.objects.filter(user=officer).exists()
    event = AccessEvent.objects.get(verb=Verb.TWO_FACTOR_RESET)
    assert event.person == officer and event.data == {"reason": "Lost phone"}
    [message] = mail.outbox
    assert message.to == [officer.email] and "Lost phone" in message.body


def test_the_team_page_filters_and_the_access_log_exports_safely(
    client, officer, reviewer, manager, django_capture_on_commit_callbacks
):
    factories.case_in_progress(officer)
    TOTPDevice.objects.create(user=reviewer, name="Authenticator app", confirmed=True)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, email="=1+2@example.org")

    reviewers = client.get(reverse("people_team"), {"role": REVIEWER}).content.decode()
    assert reviewer.username in reviewers and officer.username not in reviewers
    row = reviewers.split(reviewer.username, 1)[1].split("</tr>", 1)[0]
    assert "Set up" in row and "Not set up" not in row
    everyone = client.get(reverse("people_team")).content.decode()
    officer_row = everyone.split(officer.username, 1)[1].split("</tr>", 1)[0]
    assert re.search(r"numeric\">1<", officer_row) and "Not set up" in officer_row
    # A single sign-on account (no password here) leaves two-factor to the provider.
    officer.set_unusable_password()
    officer.save(update_fields=["password"])
    everyone = client.get(reverse("people_team")).content.decode()
    officer_row = everyone.split(officer.username, 1)[1].split("</tr>", 1)[0]
    assert "By the identity provider" in officer_row and "Not set up" not in officer_row
    User.objects.filter(pk=officer.pk).update(is_active=False)
    gone = client.get(reverse("people_team"), {"status": "deactivated"}).content.decode()
    assert officer.username in gone and reviewer.username not in gone

    response = client.get(reverse("people_access_log_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["When", "Person", "Change", "By", "Details"]
    assert rows[1][1:4] == ["'=1+2@example.org", "Invited", manager.username]
