"""Who gets what at every URL: a matrix generated from the URLconf.

Every named pattern (admin and static aside) needs a rule in RULES below; a new view without
one fails `test_every_url_pattern_has_a_rule`, naming it. Each rule gives the outcome per
persona, in the order of PERSONAS, for GET and (where the view takes it) POST, and for
case-scoped URLs the same again on a restricted case:

    OK     200, 400 (the form's errors for an empty POST: the person got through), or a
           redirect somewhere other than the sign-in page
    LOGIN  a redirect to the sign-in page (anonymous visitors)
    401    the API without credentials (problem details, never the sign-in page)
    403    refused by role: the person may see the case but not do this
    404    not found: the person may not know the case exists (no 403-vs-404 leak)
    405    method not allowed
    415    the API's answer to a form post (it takes JSON): the person got through

The restricted case is assigned to the same officer; the other officer and the reviewer
are not on its team.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from foi_cases.models import CaseAccessLog
from tests import run_summary
from tests.url_targets import PERSONAS, UrlTargets, case_in_review, every_target, team_reviewer_on

SKIPPED_PREFIXES = ("admin/", "static/", "media/")

OK, LOGIN = "OK", "LOGIN"


def row(spec: str) -> tuple[str, ...]:
    """'L ok ok 404 404 ok 404' → outcomes per persona, in the order of PERSONAS."""
    codes = {"L": LOGIN, "ok": OK, **{code: code for code in ("401", "403", "404", "405", "415")}}
    cells = tuple(codes[cell] for cell in spec.split())
    assert len(cells) == len(PERSONAS), spec
    return cells


# Shorthands for the common shapes.
ANY_ROLE = "L ok ok ok ok 403"  # signed-in staff with a role; no role: 403
VIEWERS = "L ok ok ok ok 404"  # anyone with a role who may see the case
RESTRICTED_VIEWERS = "L ok 404 404 ok 404"  # restricted: its team and managers only
EDITORS = "L ok 403 403 ok 404"  # the assigned officer and managers
RESTRICTED_EDITORS = "L ok 404 404 ok 404"
NOT_ALLOWED = "L 405 405 405 405 405"  # GET to a POST-only view
PUBLIC = "ok ok ok ok ok ok"
MANAGERS = "L 403 403 403 ok 403"
# The API, signed in by session here (tests/test_api.py has tokens and scopes): no role at
# all is refused whatever the case (403); a restricted case is 404 off its team.
API_READERS = "401 ok ok ok ok 403"
API_RESTRICTED_READERS = "401 ok 404 404 ok 403"

RULES: dict[str, dict[str, str]] = {
    # Sign-in, sign-out and health: open to all.
    "login": {"get": PUBLIC, "post": PUBLIC},
    # Single sign-on (tests/test_single_sign_on.py): not found unless set up, as here.
    "sign_in_emergency": {"get": PUBLIC, "post": PUBLIC},
    "sign_in_refused": {"get": PUBLIC},
    "oidc_authentication_init": {"get": "404 404 404 404 404 404"},
    "oidc_authentication_callback": {"get": "404 404 404 404 404 404"},
    "logout": {"get": "L 405 405 405 405 405", "post": "L L L L L L"},  # then to sign-in
    "healthz": {"get": PUBLIC},
    # Two-factor: anyone signed in may set up an app (an empty POST shows the form's errors).
    # Nobody here has a device, so the code page sends them on; its POST, with a device, is
    # tested in tests/test_two_factor.py.
    "two_factor_setup": {"get": "L ok ok ok ok ok", "post": "L ok ok ok ok ok"},
    "two_factor_verify": {"get": "L ok ok ok ok ok"},
    # New recovery codes: POST only; nobody here has a device, so it sends them to set-up.
    # With a device it is tested in tests/test_recovery_codes.py.
    "two_factor_recovery_codes": {"get": NOT_ALLOWED, "post": "L ok ok ok ok ok"},
    # Your account: anyone signed in, for their own password and sessions only (a session
    # that is not theirs is "already ended" to them: tests/test_account.py).
    "account": {"get": "L ok ok ok ok ok"},
    "account_password": {"get": "L ok ok ok ok ok", "post": "L ok ok ok ok ok"},
    "account_session_end": {"get": NOT_ALLOWED, "post": "L ok ok ok ok ok"},
    "account_sessions_end_others": {"get": NOT_ALLOWED, "post": "L ok ok ok ok ok"},
    # Sign-in security: managers clear lockouts and remove others' lost two-factor devices.
    "sign_in_security": {"get": MANAGERS},
    "sign_in_unlock": {"get": NOT_ALLOWED, "post": MANAGERS},
    "two_factor_remove": {"get": MANAGERS, "post": MANAGERS},
    # Team administration: managers only; an invitation's set-up link is open to anyone
    # (a used, expired or unknown link gets a page saying so: tests/test_people.py).
    "people_team": {"get": MANAGERS},
    "people_invite": {"get": MANAGERS, "post": MANAGERS},
    "people_access_log_csv": {"get": MANAGERS},
    "people_join": {"get": PUBLIC, "post": PUBLIC},
    "people_person": {"get": MANAGERS},
    "people_roles": {"get": MANAGERS, "post": MANAGERS},
    "people_deactivate": {"get": MANAGERS, "post": MANAGERS},
    "people_reactivate": {"get": NOT_ALLOWED, "post": MANAGERS},
    # Public disclosure log: open to all, no case data beyond what is published.
    "disclosure_log": {"get": PUBLIC},
    "disclosure_log_csv": {"get": PUBLIC},
    "disclosure_log_entry": {"get": PUBLIC},
    "disclosure_log_entry_pdf": {"get": PUBLIC},
    # The public request form and the requester's status link: open to all; the link's
    # token names the (open) case. Its letter was never sent, so there is nothing to download.
    "public_request_start": {"get": PUBLIC},
    "public_request_section": {"get": PUBLIC, "post": PUBLIC},
    "public_request_check": {"get": PUBLIC, "post": PUBLIC},
    "public_request_sent": {"get": PUBLIC},
    "request_status": {"get": PUBLIC},
    "request_status_download": {"get": "404 404 404 404 404 404"},
    # The API: its schema and documentation are public, as is the disclosure log.
    "api_schema": {"get": PUBLIC},
    "api_docs": {"get": PUBLIC},
    "api_disclosure_log": {"get": PUBLIC},
    "api_disclosure_log_feed": {"get": PUBLIC},
    # Logging requests: FOI officers and managers. The matrix posts a form, not JSON: those
    # who got through are told the API takes JSON only (415).
    "api_requests": {"get": "401 405 405 403 405 403", "post": "401 415 415 403 415 403"},
    "api_cases": {"get": API_READERS},
    **{
        name: {"get": API_READERS, "get_restricted": API_RESTRICTED_READERS}
        for name in (
            "api_case",
            "api_case_questions",
            "api_case_decisions",
            "api_case_letters",
            "api_case_events",
        )
    },
    "api_statistics": {"get": "401 403 403 403 ok 403"},
    # Managers issue and revoke API tokens.
    "api_tokens": {"get": MANAGERS, "post": MANAGERS},
    "api_token_revoke": {"get": NOT_ALLOWED, "post": MANAGERS},
    # The entry here was published without records (tests/test_release_bundle.py has one with).
    "disclosure_log_entry_records": {"get": "404 404 404 404 404 404"},
    # Lists and dashboards.
    "home": {"get": "L ok ok ok ok ok"},  # no role: a page saying so
    "case_list": {"get": ANY_ROLE},
    "case_list_mine": {"get": ANY_ROLE},
    "case_list_team": {"get": ANY_ROLE},
    "case_list_all": {"get": MANAGERS},
    "case_list_export": {"get": ANY_ROLE},
    "case_new": {"get": "L ok ok 403 ok 403", "post": "L ok ok 403 ok 403"},
    "dashboard": {"get": ANY_ROLE},
    "dashboard_csv": {"get": ANY_ROLE},
    "statistics": {"get": MANAGERS},
    "statistics_csv": {"get": MANAGERS},
    "statistics_table_csv": {"get": MANAGERS},
    "notifications": {"get": "L ok ok ok ok ok"},  # one's own notifications only
    "notifications_mark_read": {"get": NOT_ALLOWED, "post": "L ok ok ok ok ok"},
    "approval_queue": {"get": "L 403 403 ok ok 403"},
    "access_log_all": {"get": MANAGERS},
    "disclosure_entries": {"get": MANAGERS},
    "redaction_log": {"get": MANAGERS},
    "disclosure_entry": {"get": MANAGERS, "post": MANAGERS},
    "disclosure_entry_edit": {"get": NOT_ALLOWED, "post": MANAGERS},
    "disclosure_entry_redact": {"get": NOT_ALLOWED, "post": MANAGERS},
    "disclosure_entry_submit": {"get": NOT_ALLOWED, "post": MANAGERS},
    "disclosure_entry_publish": {"get": NOT_ALLOWED, "post": MANAGERS},
    "disclosure_entry_withhold": {"get": NOT_ALLOWED, "post": MANAGERS},
    "disclosure_entry_return": {"get": NOT_ALLOWED, "post": MANAGERS},
    # The case page and its triage.
    "case_detail": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "case_triage": {"get": EDITORS, "get_restricted": RESTRICTED_EDITORS},
    "triage_assign": {"get": NOT_ALLOWED, "post": EDITORS, "post_restricted": RESTRICTED_EDITORS},
    # Each part of triage besides assigning is a page of its own.
    **{
        name: {
            "get": EDITORS,
            "get_restricted": RESTRICTED_EDITORS,
            "post": EDITORS,
            "post_restricted": RESTRICTED_EDITORS,
        }
        for name in ("triage_topics", "triage_restriction", "triage_questions", "triage_cost")
    },
    "case_action": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    # The case team: anyone who may see the case sees it; managers change it, and so does
    # the officer of an unrestricted case.
    "case_team": {
        "get": VIEWERS,
        "get_restricted": RESTRICTED_VIEWERS,
        "post": "L ok 403 403 ok 404",
        "post_restricted": "L 403 404 404 ok 404",
    },
    "case_clearance": {
        "get": NOT_ALLOWED,
        "post": "L 403 403 403 ok 404",
        "post_restricted": "L 403 404 404 ok 404",
    },
    "case_team_remove": {
        "get": NOT_ALLOWED,
        "post": "L ok 403 403 ok 404",
        "post_restricted": "L 403 404 404 ok 404",
    },
    "access_log": {"get": "L 403 403 403 ok 404", "get_restricted": "L 403 404 404 ok 404"},
    # Withdrawing an approval: whoever may decide (the assigned officer) and managers.
    "case_withdraw_approval": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    # Deleting a case: managers only (the world's cases are open, so nothing is deleted).
    "case_delete": {
        "get": "L 403 403 403 ok 404",
        "get_restricted": "L 403 404 404 ok 404",
        "post": "L 403 403 403 ok 404",
        "post_restricted": "L 403 404 404 ok 404",
    },
    # Records, colleagues' searches and consultations: who may see the case sees them; the
    # assigned officer and managers add to them. No persona here is a contributor: the task
    # pages are theirs alone (tests/test_contributor_tasks.py covers the contributor).
    "case_records": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "records_upload": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "search_new": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "search_cancel": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "consultation_new": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "consultation_advice": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "record_download": {"get": VIEWERS},  # a record of the unrestricted case
    # Reviewing and redacting records: who may see the case sees the record and its review
    # PDF; its editors mark and redact (the case is in review, so a removal is refused with
    # a message, which still counts as getting through).
    "record_review": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "record_review_pdf": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "record_responsiveness": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    # Releasing records: the editors build the bundle and get records out of quarantine;
    # the bundle downloads for whoever may read the unredacted records (never a contributor).
    "release_bundle_build": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "record_redact": {"get": NOT_ALLOWED, "post": EDITORS, "post_restricted": RESTRICTED_EDITORS},
    "record_redaction_remove": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "release_bundle_download": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "record_accept_changes": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "records_search_redact": {
        "get": VIEWERS,
        "get_restricted": RESTRICTED_VIEWERS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "record_retry": {"get": NOT_ALLOWED, "post": EDITORS, "post_restricted": RESTRICTED_EDITORS},
    "my_tasks": {"get": "L 403 403 403 403 403"},
    "task_detail": {"get": "L 404 404 404 404 404"},
    "task_upload": {"get": NOT_ALLOWED, "post": "L 404 404 404 404 404"},
    "task_statement": {"get": NOT_ALLOWED, "post": "L 404 404 404 404 404"},
    # Correspondence: who may see the case reads its mail; its editors send and accept a
    # clarification. Mail held before it reached a case is for FOI officers and managers.
    "case_correspondence": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "correspondence_send_letter": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "correspondence_send_message": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "correspondence_accept_clarification": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "mail_attachment": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "mail_quarantine": {"get": "L ok ok 403 ok 403"},
    "mail_release": {"get": NOT_ALLOWED, "post": "L ok ok 403 ok 403"},
    # Letters.
    "letter_list": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "letter_compose": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "letter_detail": {
        "get": VIEWERS,
        "get_restricted": RESTRICTED_VIEWERS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "letter_preview": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "letter_approve": {
        "get": NOT_ALLOWED,
        "post": "L ok ok ok ok 404",  # who may approve is the workflow's call: a message
        "post_restricted": RESTRICTED_VIEWERS,
    },
    "letter_submit": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "letter_return": {  # who may return is the workflow's call: a message
        "get": NOT_ALLOWED,
        "post": VIEWERS,
        "post_restricted": RESTRICTED_VIEWERS,
    },
    "letter_allocate": {
        "get": NOT_ALLOWED,
        "post": VIEWERS,
        "post_restricted": RESTRICTED_VIEWERS,
    },
    "letter_download": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "letter_retry": {
        "get": NOT_ALLOWED,
        "post": "L ok 403 ok ok 404",
        "post_restricted": "L ok 404 404 ok 404",
    },
    "letter_sent": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "letter_redact": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    # After the response. The pages open to whoever may see the case; who may record each
    # step (officer, reviewer, manager) is checked by foi_cases.workflow.
    **{
        name: {
            "get": VIEWERS,
            "get_restricted": RESTRICTED_VIEWERS,
            "post": VIEWERS,
            "post_restricted": RESTRICTED_VIEWERS,
        }
        for name in (
            "review_request",
            "review_assign",
            "review_decide",
            "ico_new",
            "ico_decision",
            "ico_steps",
            "ico_appeal",
            "appeal_decision",
            "legal_hold",
        )
    },
    "case_after_response": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    # Casework: notes, watching and links for whoever may see the case; reopening for its
    # editors; bulk reassignment for managers.
    **{
        name: {
            "get": VIEWERS,
            "get_restricted": RESTRICTED_VIEWERS,
            "post": VIEWERS,
            "post_restricted": RESTRICTED_VIEWERS,
        }
        for name in ("case_note_add", "case_link_add")
    },
    **{
        name: {"get": NOT_ALLOWED, "post": VIEWERS, "post_restricted": RESTRICTED_VIEWERS}
        for name in ("case_watch", "case_unwatch", "case_link_remove")
    },
    "case_reopen": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "cases_reassign": {"get": MANAGERS, "post": MANAGERS},
    "disclosure_prepare": {
        "get": NOT_ALLOWED,
        "post": "L 403 403 403 ok 404",
        "post_restricted": "L 403 404 404 ok 404",
    },
    # Exemption decisions and review.
    "exemption_decisions": {"get": EDITORS, "get_restricted": RESTRICTED_EDITORS},
    "exemption_submit": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "exemption_check": {"get": EDITORS, "get_restricted": RESTRICTED_EDITORS},
    "exemption_question": {"get": EDITORS, "get_restricted": RESTRICTED_EDITORS},
    **{
        name: {
            "get": EDITORS,
            "get_restricted": RESTRICTED_EDITORS,
            "post": EDITORS,
            "post_restricted": RESTRICTED_EDITORS,
        }
        for name in (
            "exemption_citation_new_check",
            "exemption_citation_new_step",
            "exemption_citation_step",
        )
    },
    "old_decision_review": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    "exemption_answer": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "exemption_internal_held": {
        "get": "L ok 403 ok ok 404",  # the pending review's reviewer may see the truth
        "get_restricted": RESTRICTED_EDITORS,
        # The reviewer's empty form shows again; recording is refused by the workflow.
        "post": "L ok 403 ok ok 404",
        "post_restricted": RESTRICTED_EDITORS,
    },
    "exemption_citation_new": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "exemption_aggregate": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "exemption_citation_edit": {
        "get": EDITORS,
        "get_restricted": RESTRICTED_EDITORS,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "exemption_citation_remove": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "decision_review": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    # Comments are gathered per question by the reviewer who may act; everyone else reads.
    "decision_review_question": {
        "get": VIEWERS,
        "get_restricted": RESTRICTED_VIEWERS,
        "post": "L 403 403 ok 403 404",
        "post_restricted": "L 403 404 404 403 404",
    },
    "decision_review_decide": {"get": VIEWERS, "get_restricted": RESTRICTED_VIEWERS},
    # Allocating a reviewer: who may allocate whom is the workflow's call (a message).
    "decision_review_allocate": {
        "get": NOT_ALLOWED,
        "post": VIEWERS,
        "post_restricted": RESTRICTED_VIEWERS,
    },
    "decision_review_approve": {
        "get": NOT_ALLOWED,
        "post": "L 403 403 ok 403 404",  # an independent reviewer only
        "post_restricted": "L 403 404 404 403 404",
    },
    "decision_review_return": {
        "get": NOT_ALLOWED,
        "post": "L 403 403 ok 403 404",
        "post_restricted": "L 403 404 404 403 404",
    },
    # The consistency guard: the register is restricted data for managers; a case's matches
    # are for the people on it (its officer and team, reviewers who may see it, managers);
    # its editors correct them; an independent reviewer overrides a blocking finding.
    "consistency_register": {"get": MANAGERS},
    "register_export": {"get": MANAGERS},
    "register_import": {"get": NOT_ALLOWED, "post": MANAGERS},
    "register_entry_new": {"get": MANAGERS, "post": MANAGERS},
    "register_entry_edit": {"get": MANAGERS, "post": MANAGERS},
    "register_entry_delete": {"get": NOT_ALLOWED, "post": MANAGERS},
    "case_consistency": {"get": "L ok 403 ok ok 404", "get_restricted": RESTRICTED_VIEWERS},
    "case_consistency_correct": {
        "get": NOT_ALLOWED,
        "post": EDITORS,
        "post_restricted": RESTRICTED_EDITORS,
    },
    "consistency_override": {
        "get": NOT_ALLOWED,
        "post": "L 403 403 ok 403 404",
        "post_restricted": "L 403 404 404 403 404",
    },
}


def named_patterns(patterns=None, prefix: str = ""):
    """(route, name, pattern) for every named URL pattern, admin and static aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            yield from named_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield route, pattern.name, pattern


def test_every_url_pattern_has_a_rule():
    names = {name for _, name, _ in named_patterns()}
    missing = sorted(names - RULES.keys())
    assert not missing, (
        f"URL patterns without an access rule in tests/test_access_matrix.py: {missing}. "
        "Add a rule saying who may GET (and POST) each one."
    )
    stale = sorted(RULES.keys() - names)
    assert not stale, f"Rules for URL patterns that no longer exist: {stale}"


def test_every_url_pattern_is_named():
    unnamed = [
        str(p.pattern)
        for p in get_resolver().url_patterns
        if isinstance(p, URLPattern) and not p.name
    ]
    assert not unnamed, f"Unnamed URL patterns cannot be checked: {unnamed}"


# --- What the URLs point at --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _letters_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def outcome(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        return LOGIN if location.startswith(reverse("login")) else OK
    if response.status_code in (200, 400):
        return OK
    return str(response.status_code)


def is_case_scoped(pattern: URLPattern) -> bool:
    return "reference" in pattern.pattern.regex.groupindex


CELLS = {"checked": 0}
run_summary.report(
    "access matrix",
    lambda: f"{CELLS['checked']} URL × persona cells checked" if CELLS["checked"] else "",
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(RULES))
def test_access_matrix(name, personas):
    targets = every_target(personas)
    patterns = {n: p for _, n, p in named_patterns()}
    if name not in patterns:
        pytest.skip(f"{name} is not in the URLconf (test_every_url_pattern_has_a_rule says so)")
    pattern = patterns[name]
    rule = RULES[name]
    failures = []
    variants = [False, True] if is_case_scoped(pattern) else [False]
    for restricted in variants:
        url = targets.url(name, pattern, restricted=restricted)
        for method in ("get", "post"):
            spec = rule.get(f"{method}_restricted" if restricted else method)
            if restricted and rule.get(method) == NOT_ALLOWED:
                spec = NOT_ALLOWED
            if spec is None and restricted and method in rule:
                failures.append(f"{name}: no {method}_restricted rule for the restricted case")
            if spec is None:
                continue
            expected = row(spec)
            # Refusals first, so an allowed POST cannot change what a refused one sees.
            order = sorted(range(len(PERSONAS)), key=lambda i: expected[i] == OK)
            for i in order:
                persona = PERSONAS[i]
                client = Client(raise_request_exception=False)
                user = personas[persona]
                if user.is_authenticated:
                    client.force_login(user)
                response = getattr(client, method)(url)
                got = outcome(response)
                CELLS["checked"] += 1
                if got != expected[i]:
                    failures.append(
                        f"{method.upper()} {url} as {persona}: expected {expected[i]}, "
                        f"got {got} ({response.status_code})"
                    )
    assert not failures, "\n".join(failures)


# --- Restricted cases: every read recorded, and managers see the record -------------------------


@pytest.mark.django_db
def test_every_read_of_a_restricted_case_is_recorded_and_shown_to_managers(officer, manager):
    restricted = case_in_review(officer, restricted=True)
    case, letter = restricted.case, restricted.letter
    open_case = case_in_review(officer, restricted=False).case
    CaseAccessLog.objects.all().delete()
    client = Client()
    client.force_login(officer)

    assert client.get(reverse("case_detail", args=[case.reference])).status_code == 200
    pdf = client.get(reverse("letter_download", args=[case.reference, letter.pk]))
    assert pdf.status_code == 200
    export = client.get(reverse("case_list_export") + "?tab=mine")
    assert case.reference in export.content.decode()
    assert client.get(reverse("case_detail", args=[open_case.reference])).status_code == 200

    reads = list(CaseAccessLog.objects.order_by("pk").values_list("case", "user", "what"))
    assert reads == [
        (case.pk, officer.pk, reverse("case_detail", args=[case.reference])),
        (case.pk, officer.pk, reverse("letter_download", args=[case.reference, letter.pk])),
        (case.pk, officer.pk, "CSV export row"),
    ]  # and nothing for the unrestricted case

    assert client.get(reverse("access_log", args=[case.reference])).status_code == 403
    assert client.get(reverse("access_log_all")).status_code == 403

    client.force_login(manager)
    page = client.get(reverse("access_log", args=[case.reference])).content.decode()
    # Three reads, and her refused look at the log itself (the case was fetched for her).
    assert page.count("(olivia)") == 4 and "CSV export row" in page
    assert reverse("letter_download", args=[case.reference, letter.pk]) in page
    everything = client.get(reverse("access_log_all")).content.decode()
    assert case.reference in everything and open_case.reference not in everything
    # The manager's own read of the log page is itself recorded.
    assert CaseAccessLog.objects.filter(case=case, user=manager).exists()


# --- The case team: a member of a restricted case's team is treated as on an open case ------


def _outcome_as(user, method: str, url: str) -> str:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return outcome(getattr(client, method)(url))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", sorted(n for _, n, p in named_patterns() if is_case_scoped(p) and n in RULES)
)
def test_team_member_of_a_restricted_case_gets_what_a_reviewer_gets_on_an_open_case(name, personas):
    """Membership (need to know) opens every page of the case; non-members still get 404."""
    pattern = {n: p for _, n, p in named_patterns()}[name]
    rule = RULES[name]
    restricted = case_in_review(personas["officer_assigned"], restricted=True)
    member = team_reviewer_on(restricted, manager=personas["manager"])
    targets = UrlTargets(people=personas, restricted=restricted, team_member=member)
    outsider = personas["reviewer"]
    reviewer_column = PERSONAS.index("reviewer")
    failures = []
    for method in ("get", "post"):
        if method not in rule or rule[method] == NOT_ALLOWED:
            continue
        url = targets.url(name, pattern, restricted=True)
        got_outsider = _outcome_as(outsider, method, url)
        if got_outsider != "404":
            failures.append(f"{method.upper()} {url} as a reviewer not on the team: {got_outsider}")
        expected = row(rule[method])[reviewer_column]
        got = _outcome_as(member, method, url)
        if got != expected:
            failures.append(
                f"{method.upper()} {url} as a team member: expected {expected}, got {got}"
            )
    assert not failures, "\n".join(failures)
