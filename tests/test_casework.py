"""Casework basics: internal notes, watchers, links, reopening and bulk reassignment."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from foi_cases import notifications, team, workflow
from foi_cases.models import Case, CaseEvent, CaseLink, CaseNote, CaseWatcher, Notification
from foi_cases.workflow import casework
from tests import factories

pytestmark = pytest.mark.django_db
Verb = CaseEvent.Verb


def _events(case, verb):
    return CaseEvent.objects.filter(case=case, verb=verb)


# --- Notes ---------------------------------------------------------------------------------


def test_officer_adds_notes_shown_newest_first_with_author_and_time(client, officer):
    case = factories.case_in_progress(officer)
    client.force_login(officer)
    page = client.get(reverse("case_note_add", args=[case.reference]))
    assert page.status_code == 200 and "Add a note" in page.text
    for text in ("Called the records team.", "Records team found the file."):
        response = client.post(reverse("case_note_add", args=[case.reference]), {"text": text})
        assert response.status_code == 302
    html = client.get(case.get_absolute_url()).text
    assert html.index("Records team found the file.") < html.index("Called the records team.")
    assert officer.get_full_name() in html
    assert CaseNote.objects.first().created_at.strftime("%-d %B %Y") in html
    assert _events(case, Verb.NOTE_ADDED).count() == 2
    # The audit trail says a note was added, not what it says.
    assert all("text" not in e.data for e in _events(case, Verb.NOTE_ADDED))


def test_an_empty_note_is_refused_with_the_error_summary(client, officer):
    case = factories.case_in_progress(officer)
    client.force_login(officer)
    response = client.post(reverse("case_note_add", args=[case.reference]), {"text": "  "})
    assert response.status_code == 400
    assert "There is a problem" in response.text and "Enter the note" in response.text
    assert response.text.lstrip().count("Error:") >= 1
    assert not CaseNote.objects.exists()


def test_notes_of_a_restricted_case_are_hidden_from_people_off_its_team(
    client, officer, other_officer
):
    case = factories.case_in_progress(officer)
    workflow.set_restricted(case, actor=officer, restricted=True, reason="Security")
    casework.add_note(case, actor=officer, text="Sensitive detail")
    client.force_login(other_officer)
    assert client.get(reverse("case_note_add", args=[case.reference])).status_code == 404
    with pytest.raises(PermissionDenied):
        casework.add_note(case, actor=other_officer, text="Let me in")
    assert CaseNote.objects.count() == 1


def test_notes_never_appear_in_letters(officer):
    from foi_cases.letters import render_letter_html
    from foi_cases.models import Letter
    from tests.letter_helpers import complete_letter_settings

    complete_letter_settings()
    case = factories.case_in_progress(officer)
    casework.add_note(case, actor=officer, text="Requester sounded annoyed on the phone")
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.ACKNOWLEDGEMENT)
    html = render_letter_html(letter)
    assert case.reference in html
    assert "annoyed" not in html


# --- Watchers ------------------------------------------------------------------------------


def test_watch_and_unwatch_buttons(client, officer, reviewer):
    case = factories.case_in_progress(officer)
    client.force_login(reviewer)
    assert "Watch this case" in client.get(case.get_absolute_url()).text
    client.post(reverse("case_watch", args=[case.reference]))
    assert CaseWatcher.objects.filter(case=case, user=reviewer).exists()
    page = client.get(case.get_absolute_url()).text
    assert "Stop watching" in page
    client.post(reverse("case_watch", args=[case.reference]))  # twice: still one row, one event
    assert _events(case, Verb.WATCHING_STARTED).count() == 1
    client.post(reverse("case_unwatch", args=[case.reference]))
    assert not CaseWatcher.objects.exists()
    assert _events(case, Verb.WATCHING_STOPPED).count() == 1


def test_watchers_get_the_case_notifications(
    django_capture_on_commit_callbacks, officer, other_officer, manager, reviewer
):
    case = factories.CaseFactory(reference="W-1", title="Budget")
    casework.watch_case(case, actor=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign_case(case, actor=manager, assignee=officer)
    (note,) = Notification.objects.filter(user=reviewer)
    assert note.kind == "assigned"
    assert (
        note.message == f"W-1 Budget was assigned to another officer by {manager.get_full_name()}."
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, reviewer.email])


def test_a_watcher_who_cannot_see_a_restricted_case_is_not_told_about_it(
    django_capture_on_commit_callbacks, officer, other_officer, manager
):
    case = factories.case_in_progress(officer)
    workflow.set_restricted(case, actor=officer, restricted=True, reason="Security")
    team.add_team_member(case, actor=manager, member=other_officer, reason="Cover")
    casework.watch_case(case, actor=other_officer)
    team.remove_team_member(case, actor=manager, member=other_officer, reason="Back from leave")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.send_deadline_reminders(dt.date(2026, 4, 20))  # the case is overdue
    assert Notification.objects.filter(user=officer, case=case).exists()
    assert not Notification.objects.filter(user=other_officer).exists()


def test_watchers_get_deadline_reminders_once(
    django_capture_on_commit_callbacks, officer, reviewer
):
    case = factories.CaseFactory(
        status="in_progress", assigned_to=officer, due_on=dt.date(2026, 3, 31)
    )
    casework.watch_case(case, actor=reviewer)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notifications.send_deadline_reminders(dt.date(2026, 4, 20))
    (note,) = Notification.objects.filter(user=reviewer)
    assert note.kind == "overdue"


# --- Links ---------------------------------------------------------------------------------


def test_linking_shows_the_link_on_both_cases_and_removing_it(client, officer):
    first = factories.case_in_progress(officer, title="Round robin A")
    second = factories.case_in_progress(officer, title="Round robin B")
    client.force_login(officer)
    response = client.post(
        reverse("case_link_add", args=[first.reference]),
        {"reference": second.reference, "kind": "round_robin"},
    )
    assert response.status_code == 302
    assert second.reference in client.get(first.get_absolute_url()).text
    page = client.get(second.get_absolute_url()).text
    assert first.reference in page and "Round-robin" in page
    assert _events(first, Verb.LINKED).get().data == {
        "other": second.reference,
        "kind": "round_robin",
    }
    again = client.post(
        reverse("case_link_add", args=[second.reference]),
        {"reference": first.reference, "kind": "duplicate"},
    )
    assert again.status_code == 400 and "already linked" in again.text
    link = CaseLink.objects.get()
    client.post(reverse("case_link_remove", args=[second.reference, link.pk]))
    assert not CaseLink.objects.exists()
    related = client.get(second.get_absolute_url()).text.split('id="links"')[1]
    assert first.reference not in related.split("Link a related case")[0]
    assert _events(second, Verb.LINK_REMOVED).count() == 1


def test_cannot_link_to_a_case_you_cannot_see(client, officer, other_officer):
    mine = factories.case_in_progress(officer)
    hidden = factories.case_in_progress(other_officer)
    workflow.set_restricted(hidden, actor=other_officer, restricted=True, reason="Security")
    client.force_login(officer)
    missing = client.post(
        reverse("case_link_add", args=[mine.reference]),
        {"reference": "NO-SUCH-1", "kind": "follow_up"},
    )
    refused = client.post(
        reverse("case_link_add", args=[mine.reference]),
        {"reference": hidden.reference, "kind": "follow_up"},
    )
    assert refused.status_code == missing.status_code == 400
    assert "There is no case with that reference." in refused.text
    assert not CaseLink.objects.exists()


def test_a_link_to_a_restricted_case_does_not_name_it_to_others(
    client, officer, other_officer, manager
):
    open_case = factories.case_in_progress(officer)
    secret = factories.case_in_progress(other_officer, title="Secret title")
    workflow.set_restricted(secret, actor=manager, restricted=True, reason="Security")
    casework.link_cases(open_case, secret, actor=manager, kind="duplicate")
    client.force_login(officer)
    page = client.get(open_case.get_absolute_url()).text
    assert "a restricted case" in page and secret.reference not in page  # timeline too
    assert "Secret title" not in page
    assert "Linked to another case" in page and "Duplicate" in page


def test_cannot_link_a_case_to_itself(officer):
    case = factories.case_in_progress(officer)
    with pytest.raises(ValidationError, match="itself"):
        casework.link_cases(case, case, actor=officer, kind="duplicate")


# --- Reopening -----------------------------------------------------------------------------


def test_reopening_a_closed_case_with_a_reason(client, officer):
    case = factories.case_in_progress(officer)
    workflow.close_case(case, actor=officer, outcome=Case.Outcome.WITHDRAWN)
    client.force_login(officer)
    assert "Reopen this case" in client.get(case.get_absolute_url()).text
    url = reverse("case_reopen", args=[case.reference])
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Say why the case is being reopened" in empty.text
    response = client.post(url, {"reason": "The requester did not mean to withdraw."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.outcome == "" and not case.closed_at
    event = _events(case, Verb.REOPENED).get()
    assert event.actor == officer
    assert event.data["reason"] == "The requester did not mean to withdraw."
    assert event.data["previous_outcome"] == "withdrawn"
    assert "The requester did not mean to withdraw." in client.get(case.get_absolute_url()).text


def test_only_a_closed_case_reopens_and_only_for_its_officer_or_a_manager(
    client, officer, other_officer, manager
):
    case = factories.case_in_progress(officer)
    with pytest.raises(ValidationError, match="only a closed one"):
        casework.reopen_case(case, actor=officer, reason="Why not")
    workflow.close_case(case, actor=officer, outcome=Case.Outcome.LAPSED)
    with pytest.raises(PermissionDenied):
        casework.reopen_case(case, actor=other_officer, reason="Not mine")
    client.force_login(other_officer)
    assert client.get(reverse("case_reopen", args=[case.reference])).status_code == 403
    casework.reopen_case(case, actor=manager, reason="Clarification arrived in time")
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_PROGRESS


# --- Bulk reassignment ---------------------------------------------------------------------


@pytest.fixture
def handover(officer, other_officer, manager):
    return {
        "open": factories.case_in_progress(officer, title="Open one"),
        "secret": factories.case_in_progress(officer, title="Secret one"),
        "later": factories.case_in_progress(officer, title="Open two"),
        "done": factories.case_in_progress(officer, status="responded", title="Finished"),
        "theirs": factories.case_in_progress(other_officer, title="Not olivia's"),
    }


def test_manager_reassigns_an_officers_open_cases(
    client, handover, officer, other_officer, manager, django_capture_on_commit_callbacks
):
    workflow.set_restricted(handover["secret"], actor=manager, restricted=True, reason="MP")
    client.force_login(manager)
    url = reverse("cases_reassign")
    assert client.get(url).status_code == 200
    query = f"?from_officer={officer.pk}&to_officer={other_officer.pk}"
    page = client.get(url + query).text
    for key in ("open", "secret", "later"):
        assert handover[key].reference in page
    assert handover["done"].reference not in page and handover["theirs"].reference not in page
    ticked = re.findall(r'<input[^>]*name="cases"[^>]*>', page)
    assert len(ticked) == 3 and all("checked" in box for box in ticked)  # all ticked at first
    chosen = [handover["open"].pk, handover["secret"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url + query,
            {"from_officer": officer.pk, "to_officer": other_officer.pk, "cases": chosen},
        )
    assert response.status_code == 302
    moved = Case.objects.filter(assigned_to=other_officer).values_list("pk", flat=True)
    assert set(moved) == {*chosen, handover["theirs"].pk}
    assert Case.objects.get(pk=handover["later"].pk).assigned_to == officer
    for pk in chosen:
        event = CaseEvent.objects.filter(case_id=pk, verb=Verb.ASSIGNED).get()
        assert event.actor == manager and event.data["assignee"] == other_officer.username
    secret = Case.objects.get(pk=handover["secret"].pk)
    assert secret.team.filter(pk=other_officer.pk).exists()
    client.force_login(other_officer)
    assert client.get(secret.get_absolute_url()).status_code == 200
    assert [m.to for m in mail.outbox] == [[other_officer.email]]  # one e-mail for the handover


def test_only_managers_reassign_in_bulk_and_only_to_an_officer(
    client, handover, officer, other_officer, manager, reviewer
):
    client.force_login(officer)
    assert client.get(reverse("cases_reassign")).status_code == 403
    with pytest.raises(PermissionDenied):
        casework.reassign_cases(
            [handover["open"]], actor=officer, from_officer=officer, to_officer=other_officer
        )
    with pytest.raises(ValidationError, match="FOI officer"):
        casework.reassign_cases(
            [handover["open"]], actor=manager, from_officer=officer, to_officer=reviewer
        )
    client.force_login(manager)
    same = client.get(
        reverse("cases_reassign") + f"?from_officer={officer.pk}&to_officer={officer.pk}"
    )
    assert same.status_code == 400 and "Choose a different officer" in same.text


def test_reassignment_changes_nothing_if_a_case_moved_on_meanwhile(
    handover, officer, other_officer, manager
):
    workflow.assign_case(handover["later"], actor=manager, assignee=other_officer)
    with pytest.raises(ValidationError, match="no longer an open case"):
        casework.reassign_cases(
            [handover["open"], handover["later"]],
            actor=manager,
            from_officer=officer,
            to_officer=other_officer,
        )
    assert Case.objects.get(pk=handover["open"].pk).assigned_to == officer


# --- Links from the pages people use, and the favicon ----------------------------------------


def test_notifications_and_csv_export_are_linked_from_the_case_list(client, officer, manager):
    client.force_login(officer)
    html = client.get(reverse("case_list_mine"), {"q": "budget", "status": "any"}).text
    nav = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    assert f'href="{reverse("notifications")}"' in nav and ">Notifications<" in nav
    export = f"{reverse('case_list_export')}?tab=mine&amp;q=budget&amp;status=any"
    assert f'href="{export}"' in html
    assert reverse("cases_reassign") not in html  # officers do not hand cases over
    client.force_login(manager)
    assert reverse("cases_reassign") in client.get(reverse("case_list_all")).text


def test_every_page_links_the_favicon_shipped_in_static(client):
    from django.contrib.staticfiles import finders

    html = client.get(reverse("login")).text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon.ico" sizes="48x48">' in html
    with open(finders.find("favicon.svg"), encoding="utf-8") as svg:
        assert svg.read().startswith("<svg")
    with open(finders.find("favicon.ico"), "rb") as ico:
        assert ico.read(4) == b"\x00\x00\x01\x00"  # the ICO header
