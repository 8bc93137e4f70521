"""The disclosure log: preparation with identity removed, redaction, the publication gate,
and public pages, export and PDF that never carry redacted content."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from foi_cases import workflow
from foi_cases.models import CaseEvent, DisclosureLogEntry, Redaction
from foi_cases.permissions import MANAGER
from tests import factories
from tests.letter_helpers import pdf_text

SECRET = "42 referrals were made to the police"
Status = DisclosureLogEntry.Status


@pytest.fixture
def second_manager(roles):
    return factories.UserFactory(username="mike", roles=[MANAGER])


@pytest.fixture
def responded(db):
    topic = factories.TopicFactory(name="MP security", slug="mp-security")
    case = factories.RespondedCaseFactory(title="Members security (2019)", topics=[topic])
    question = factories.QuestionFactory(
        case=case,
        number=1,
        text="How many referrals have been made to police?",
        answer_text=f"{SECRET}. Contact Mark Rowley on 020 7219 3000.",
    )
    factories.ExemptionCitationFactory(question=question)
    return case


def _prepared(case, manager):
    return workflow.prepare_disclosure_entry(case, actor=manager)


def _published(case, manager, second_manager):
    entry = _prepared(case, manager)
    workflow.redact_disclosure_text(
        entry,
        actor=manager,
        field="response_text",
        passage=SECRET,
        grounds="s31(1)(a)",
        reason="Would help someone gauge the monitoring service's reach.",
    )
    workflow.submit_disclosure_entry(entry, actor=manager)
    workflow.publish_disclosure_entry(entry, actor=second_manager, warnings_checked=True)
    entry.refresh_from_db()
    return entry


def test_prepare_removes_the_requesters_identity_and_warns_of_other_personal_data(
    responded, manager
):
    entry = _prepared(responded, manager)
    entry.refresh_from_db()
    everything = f"{entry.title} {entry.request_text} {entry.response_text}".lower()
    for trace in ("jane", "smith", "acacia", "leeds", "ls1 4ab", "example.com"):
        assert trace not in everything
    assert "social media monitoring" in entry.request_text
    assert entry.status == Status.DRAFT
    assert list(entry.topics.values_list("slug", flat=True)) == ["mp-security"]
    assert list(entry.exemptions.values_list("section", flat=True)) == ["s31"]
    assert entry.disclosed_on == dt.date(2026, 4, 1)
    warned = {(w["kind"], w["value"]) for w in entry.warnings}
    assert ("name", "Mark Rowley") in warned and ("phone", "020 7219 3000") in warned
    event = CaseEvent.objects.filter(case=responded).last()
    assert event.verb == CaseEvent.Verb.DISCLOSURE_PREPARED and event.actor == manager


def test_only_a_manager_prepares_an_entry(responded, officer):
    with pytest.raises(PermissionDenied):
        _prepared(responded, officer)
    assert not DisclosureLogEntry.objects.exists()


def test_an_entry_needs_a_responded_case(manager):
    case = factories.CaseFactory(status="in_progress")
    with pytest.raises(ValidationError, match="responded case"):
        _prepared(case, manager)


def test_editing_cannot_put_the_requesters_name_back(responded, manager):
    entry = _prepared(responded, manager)
    workflow.edit_disclosure_entry(
        entry,
        actor=manager,
        title="Request from Jane Smith",
        request_text="Sent by jane.smith@example.com, Ms Smith of LS1 4AB.",
        response_text=entry.response_text,
        disclosed_on=entry.disclosed_on,
        topics=[],
        exemptions=[],
    )
    entry.refresh_from_db()
    assert "Smith" not in entry.title and "jane" not in entry.request_text.lower()
    assert "LS1" not in entry.request_text
    assert workflow.identity_problems(entry) == []


def test_redaction_burns_in_the_marker_and_logs_only_a_hash(responded, manager):
    entry = _prepared(responded, manager)
    row = workflow.redact_disclosure_text(
        entry,
        actor=manager,
        field="response_text",
        passage=SECRET,
        grounds="s31(1)(a)",
        reason="Law enforcement.",
    )
    entry.refresh_from_db()
    assert SECRET not in entry.response_text
    assert "[Redacted: s31(1)(a)]" in entry.response_text
    row = Redaction.objects.get(pk=row.pk)
    assert row.created_by == manager and row.grounds == "s31(1)(a)" and row.occurrences == 1
    assert len(row.content_sha256) == 64
    stored = " ".join(str(v) for v in Redaction.objects.values().get(pk=row.pk).values())
    assert SECRET not in stored
    event = CaseEvent.objects.filter(case=responded).last()
    assert event.verb == CaseEvent.Verb.REDACTED
    assert SECRET not in str(event.data) and event.data["sha256"] == row.content_sha256


def test_redaction_names_no_exemption_where_the_case_says_naming_it_would_disclose(
    responded, manager
):
    from exemptions.models import ExemptionCitation

    ExemptionCitation.objects.filter(question__case=responded).update(omit_reasons=True)
    entry = _prepared(responded, manager)
    row = workflow.redact_disclosure_text(
        entry,
        actor=manager,
        field="response_text",
        passage=SECRET,
        grounds="s23(1)",
        reason="Security bodies.",
    )
    entry.refresh_from_db()
    assert "[Redacted]" in entry.response_text and "s23" not in entry.response_text
    assert row.naming_reveals
    # Listing an exemption the case says must not be named would disclose it too.
    assert not entry.exemptions.exists()


def test_redacting_a_passage_not_in_the_text_is_refused(responded, manager):
    entry = _prepared(responded, manager)
    with pytest.raises(ValidationError, match="not in the text"):
        workflow.redact_disclosure_text(
            entry, actor=manager, field="request_text", passage="nowhere", grounds="s40(2)",
            reason="x",
        )  # fmt: skip
    assert not Redaction.objects.exists()


def test_the_preparer_cannot_validate_their_own_entry(responded, manager):
    entry = _prepared(responded, manager)
    workflow.submit_disclosure_entry(entry, actor=manager)
    with pytest.raises(ValidationError, match="another manager"):
        workflow.publish_disclosure_entry(entry, actor=manager, warnings_checked=True)
    entry.refresh_from_db()
    assert entry.status == Status.AWAITING_VALIDATION and entry.validated_by is None


def test_a_redactor_cannot_validate_either(responded, manager, second_manager):
    entry = _prepared(responded, manager)
    workflow.redact_disclosure_text(
        entry, actor=second_manager, field="response_text", passage=SECRET, grounds="s31",
        reason="x",
    )  # fmt: skip
    workflow.submit_disclosure_entry(entry, actor=manager)
    with pytest.raises(ValidationError, match="another manager"):
        workflow.publish_disclosure_entry(entry, actor=second_manager, warnings_checked=True)


def test_a_draft_cannot_be_published_without_validation(responded, manager, second_manager):
    entry = _prepared(responded, manager)
    with pytest.raises(ValidationError, match="awaiting validation"):
        workflow.publish_disclosure_entry(entry, actor=second_manager, warnings_checked=True)
    assert not DisclosureLogEntry.objects.published().exists()


def test_a_reviewer_cannot_validate(responded, manager, reviewer):
    entry = _prepared(responded, manager)
    workflow.submit_disclosure_entry(entry, actor=manager)
    with pytest.raises(PermissionDenied):
        workflow.publish_disclosure_entry(entry, actor=reviewer, warnings_checked=True)


def test_validation_requires_the_warnings_to_be_checked(responded, manager, second_manager):
    entry = _prepared(responded, manager)
    workflow.submit_disclosure_entry(entry, actor=manager)
    with pytest.raises(ValidationError, match="Confirm"):
        workflow.publish_disclosure_entry(entry, actor=second_manager)
    workflow.publish_disclosure_entry(entry, actor=second_manager, warnings_checked=True)
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED and entry.validated_by == second_manager
    assert entry.published_at is not None
    event = CaseEvent.objects.filter(case=responded).last()
    assert event.verb == CaseEvent.Verb.DISCLOSURE_PUBLISHED and event.actor == second_manager


def test_publication_is_refused_while_the_requesters_identity_remains(
    responded, manager, second_manager
):
    entry = _prepared(responded, manager)
    workflow.submit_disclosure_entry(entry, actor=manager)
    # Written behind the workflow's back, as a bug or a bulk edit might.
    DisclosureLogEntry.objects.filter(pk=entry.pk).update(response_text="Thanks, Jane Smith")
    with pytest.raises(ValidationError, match="requester's name"):
        workflow.publish_disclosure_entry(entry, actor=second_manager, warnings_checked=True)


def test_an_entry_can_be_withheld_with_a_reason(responded, manager, second_manager, client):
    entry = _published(responded, manager, second_manager)
    with pytest.raises(ValidationError):
        workflow.withhold_disclosure_entry(entry, actor=manager, reason=" ")
    workflow.withhold_disclosure_entry(
        entry, actor=manager, reason="New threat assessment for the member concerned."
    )
    entry.refresh_from_db()
    assert entry.status == Status.WITHHELD and entry.withheld_by == manager
    assert entry.withheld_reason.startswith("New threat")
    assert CaseEvent.objects.filter(case=responded).last().verb == "disclosure_withheld"
    assert client.get(f"/disclosure-log/{entry.pk}/").status_code == 404


# --- Public pages --------------------------------------------------------------------------


def test_public_pages_need_no_sign_in_and_show_only_published_entries(
    responded, manager, second_manager, client
):
    draft_case = factories.RespondedCaseFactory(title="Draft about panic rooms")
    draft = _prepared(draft_case, manager)
    entry = _published(responded, manager, second_manager)
    listing = client.get("/disclosure-log/")
    assert listing.status_code == 200
    assert "Members security (2019)" in listing.text
    assert "panic rooms" not in listing.text
    page = client.get(f"/disclosure-log/{entry.pk}/")
    assert page.status_code == 200
    assert "[Redacted: s31(1)(a)]" in page.text and "Exemptions applied" in page.text
    assert client.get(f"/disclosure-log/{draft.pk}/").status_code == 404
    assert client.get(f"/disclosure-log/{draft.pk}.pdf").status_code == 404


def test_redacted_content_and_identity_appear_nowhere_public(
    responded, manager, second_manager, client
):
    entry = _published(responded, manager, second_manager)
    outputs = {
        "list": client.get("/disclosure-log/").text,
        "search": client.get("/disclosure-log/", {"q": "referrals"}).text,
        "entry": client.get(f"/disclosure-log/{entry.pk}/").text,
        "csv": client.get("/disclosure-log/export.csv").content.decode(),
    }
    pdf = client.get(f"/disclosure-log/{entry.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    outputs["pdf"] = pdf_text(pdf.content)
    assert "Redacted: s31(1)(a)" in outputs["pdf"]
    for name, text in outputs.items():
        lowered = text.lower()
        for secret in (SECRET.lower(), "42 referrals", "jane", "smith", "acacia", "ls1 4ab"):
            assert secret not in lowered, f"{secret!r} in the {name}"


def test_searching_for_redacted_words_finds_nothing(responded, manager, second_manager, client):
    _published(responded, manager, second_manager)
    assert "No published responses match" in client.get("/disclosure-log/", {"q": "42"}).text
    found = client.get("/disclosure-log/", {"q": "monitoring"})
    assert "Members security (2019)" in found.text


def test_filters_by_exemption_topic_and_year(responded, manager, second_manager, client):
    _published(responded, manager, second_manager)
    title = "Members security (2019)"
    assert title in client.get("/disclosure-log/", {"exemption": "s31"}).text
    assert title not in client.get("/disclosure-log/", {"exemption": "s40"}).text
    assert title in client.get("/disclosure-log/", {"topic": "mp-security"}).text
    assert title not in client.get("/disclosure-log/", {"topic": "other"}).text
    assert title in client.get("/disclosure-log/", {"year": "2026"}).text
    assert title not in client.get("/disclosure-log/", {"year": "2019"}).text
    assert client.get("/disclosure-log/", {"year": "x" * 500, "page": "-1"}).status_code == 200


def test_csv_export_neutralises_formulas(responded, manager, second_manager, client):
    entry = _published(responded, manager, second_manager)
    DisclosureLogEntry.objects.filter(pk=entry.pk).update(title="=HYPERLINK(1)")
    body = client.get("/disclosure-log/export.csv").content.decode()
    assert "'=HYPERLINK(1)" in body


# --- Staff pages -----------------------------------------------------------------------------


def test_managers_prepare_redact_submit_and_validate_through_the_pages(
    responded, manager, second_manager, client
):
    client.force_login(manager)
    assert client.get(f"/cases/{responded.reference}/after-response/").status_code == 200
    response = client.post(f"/cases/{responded.reference}/disclosure/prepare/")
    entry = DisclosureLogEntry.objects.get(case=responded)
    assert response.status_code == 302 and response.url == f"/disclosure-entries/{entry.pk}/"
    page = client.get(response.url)
    assert page.status_code == 200 and "Mark Rowley" in page.text  # warned about
    response = client.post(
        f"/disclosure-entries/{entry.pk}/redact/",
        {"field": "response_text", "passage": SECRET, "grounds": "s31(1)(a)", "reason": "LE"},
    )
    assert response.status_code == 302
    response = client.post(f"/disclosure-entries/{entry.pk}/submit/")
    entry.refresh_from_db()
    assert entry.status == Status.AWAITING_VALIDATION
    assert "another manager must validate" in client.get(f"/disclosure-entries/{entry.pk}/").text
    client.force_login(second_manager)
    refused = client.post(f"/disclosure-entries/{entry.pk}/publish/", {})
    assert refused.status_code == 400 and "Confirm you have checked" in refused.text
    response = client.post(f"/disclosure-entries/{entry.pk}/publish/", {"warnings_checked": "on"})
    entry.refresh_from_db()
    assert response.status_code == 302 and entry.status == Status.PUBLISHED
    assert entry.validated_by == second_manager
    log = client.get("/redaction-log/")
    assert log.status_code == 200 and SECRET not in log.text and "s31(1)(a)" in log.text


def test_a_redaction_of_a_missing_passage_shows_the_error(responded, manager, client):
    entry = _prepared(responded, manager)
    client.force_login(manager)
    response = client.post(
        f"/disclosure-entries/{entry.pk}/redact/",
        {"field": "request_text", "passage": "not there", "grounds": "s40(2)", "reason": "x"},
    )
    assert response.status_code == 400 and "That passage is not in the text" in response.text
    assert not Redaction.objects.exists()


def test_officers_cannot_reach_the_disclosure_log_pages(responded, manager, officer, client):
    entry = _prepared(responded, manager)
    client.force_login(officer)
    assert client.get("/disclosure-entries/").status_code == 403
    assert client.get(f"/disclosure-entries/{entry.pk}/").status_code == 403
    assert client.post(f"/disclosure-entries/{entry.pk}/submit/").status_code == 403
    assert client.get("/redaction-log/").status_code == 403
    entry.refresh_from_db()
    assert entry.status == Status.DRAFT


def test_managers_see_the_disclosure_log_in_their_navigation(manager, client):
    client.force_login(manager)
    assert 'href="/disclosure-entries/"' in client.get("/disclosure-entries/").text


# --- Redaction of letters ----------------------------------------------------------------------


@pytest.fixture
def draft_letter(db, officer):
    from foi_cases.models import Letter

    case = factories.RespondedCaseFactory(status="approved", responded_at=None, assigned_to=officer)
    return Letter.objects.create(
        case=case,
        kind=Letter.Kind.FINAL_RESPONSE,
        version=1,
        dated=dt.date(2026, 4, 1),
        body=f"Dear requester,\n\nThe record reads: {SECRET}.\n\nYours sincerely,",
        composed_by=officer,
    )


def test_a_redacted_letter_and_its_pdf_never_hold_the_passage(draft_letter, officer, client):
    from foi_cases import letters

    row = workflow.redact_letter(
        draft_letter, actor=officer, passage=SECRET, grounds="s31(1)(a)", reason="Police tactics"
    )
    draft_letter.refresh_from_db()
    assert SECRET not in draft_letter.body
    assert "[Redacted: s31(1)(a)]" in draft_letter.body
    assert row.letter == draft_letter and row.entry is None and row.field == "body"
    events = list(draft_letter.case.events.values_list("verb", flat=True))
    assert events[-2:] == [CaseEvent.Verb.LETTER_COMPOSED, CaseEvent.Verb.REDACTED]
    assert SECRET not in str(draft_letter.case.events.last().data)
    text = pdf_text(letters.render_letter_pdf(draft_letter))
    assert "Redacted: s31(1)(a)" in text and "42 referrals" not in text
    client.force_login(officer)
    page = client.get(f"/cases/{draft_letter.case.reference}/letters/{draft_letter.pk}/redact/")
    assert page.status_code == 200


def test_redacting_a_letter_withdraws_its_approval(draft_letter, officer, reviewer):
    from foi_cases.models import Letter

    Letter.objects.filter(pk=draft_letter.pk).update(
        status="pending", approved_by=reviewer, approved_hash=draft_letter.content_hash
    )
    workflow.redact_letter(draft_letter, actor=officer, passage="42", grounds="s31", reason="x")
    draft_letter.refresh_from_db()
    assert not draft_letter.is_approved and draft_letter.status == "draft"


def test_a_sent_letter_cannot_be_redacted(draft_letter, officer):
    from foi_cases.models import Letter

    Letter.objects.filter(pk=draft_letter.pk).update(sent_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="sent"):
        workflow.redact_letter(
            draft_letter, actor=officer, passage=SECRET, grounds="s31", reason="x"
        )
    assert not Redaction.objects.exists()


def test_only_the_cases_officer_or_a_manager_redacts_a_letter(draft_letter, other_officer):
    with pytest.raises(PermissionDenied):
        workflow.redact_letter(
            draft_letter, actor=other_officer, passage=SECRET, grounds="s31", reason="x"
        )


def test_the_staff_page_shows_a_published_then_a_withheld_entry(
    responded, manager, second_manager, client
):
    entry = _published(responded, manager, second_manager)
    client.force_login(manager)
    page = client.get(f"/disclosure-entries/{entry.pk}/")
    assert page.status_code == 200 and "View the published page" in page.text
    response = client.post(f"/disclosure-entries/{entry.pk}/withhold/", {"reason": ""})
    assert response.status_code == 400
    response = client.post(
        f"/disclosure-entries/{entry.pk}/withhold/", {"reason": "Threat level raised"}
    )
    assert response.status_code == 302
    page = client.get(f"/disclosure-entries/{entry.pk}/")
    assert "Threat level raised" in page.text and "Return to draft" in page.text
    listing = client.get("/disclosure-entries/", {"status": "withheld"})
    assert "Members security (2019)" in listing.text


def test_entries_visible_to_managers_in_every_state_and_to_others_only_published(
    responded, manager, second_manager, officer
):
    from django.contrib.auth.models import AnonymousUser

    from foi_cases.permissions import can_manage_disclosure_log, disclosure_entries_visible_to

    draft = _prepared(factories.RespondedCaseFactory(), manager)
    published = _published(responded, manager, second_manager)
    assert set(disclosure_entries_visible_to(manager)) == {draft, published}
    assert list(disclosure_entries_visible_to(officer)) == [published]
    assert list(disclosure_entries_visible_to(AnonymousUser())) == [published]
    assert can_manage_disclosure_log(manager) and not can_manage_disclosure_log(officer)


def test_the_public_page_lays_out_the_letter_syntax_and_escapes_everything(
    responded, manager, second_manager, client
):
    entry = _published(responded, manager, second_manager)
    DisclosureLogEntry.objects.filter(pk=entry.pk).update(
        response_text="## Question 5\n\n> How many?\n\n<script>alert(1)</script>{{ secret }}"
    )
    page = client.get(f"/disclosure-log/{entry.pk}/").text
    assert "<h2>Question 5</h2>" in page and "<blockquote" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "{{ secret }}" in page
