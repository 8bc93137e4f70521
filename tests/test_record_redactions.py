"""Reviewing records: responsiveness, redactions tied to this case's grounds, search and redact,
the redaction log, and the approval bound to the redactions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from exemptions.models import ExemptionCitation, Review
from foi_cases import approval, workflow
from foi_cases.models import Case, CaseEvent, ContributorTask, Record, RecordRedaction
from foi_cases.permissions import CONTRIBUTOR
from tests import factories
from tests.record_helpers import cite, planted_record

Verb = CaseEvent.Verb


@pytest.fixture
def reviewed(officer):
    """A case with two withheld questions (s31 on 1, s38 on 2) and one record of two pages."""
    case = factories.case_in_progress(officer, questions=("How many patrols?", "Who complained?"))
    first, second = case.questions.order_by("number")
    s31, s38 = cite(first, "FOIA-s31", "s31(1)(a)"), cite(second, "FOIA-s38", "s38(1)(a)")
    return case, planted_record(case, officer), s31, s38


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _search(client: Client, case: Case, **query: str):
    return client.get(reverse("records_search_redact", args=[case.reference]), query)


@pytest.mark.django_db
def test_search_and_redact_finds_the_planted_name_phone_and_postcode_on_their_pages(
    officer, manager, reviewed
):
    case, record, s31, s38 = reviewed
    client = _client(officer)
    wanted = [({"phrase": "jane DOE"}, 1), ({"preset": "phone"}, 2), ({"preset": "postcode"}, 2)]
    for query, page in wanted:
        shown = _search(client, case, **query)
        found = shown.context["found"]
        assert [(f.record, f.match.page) for f in found] == [(record, page)], query
        assert f"patrols.pdf, page {page}" in shown.content.decode()
        response = client.post(
            reverse("records_search_redact", args=[case.reference]),
            {**query, "citation": s31.pk, "to_redact": [f.key for f in found]},
        )
        assert response.status_code == 302
    rows = list(record.redactions.order_by("page", "y0"))
    assert [(r.page, r.method, r.citation_id) for r in rows] == [
        (1, "search", s31.pk),
        (2, "search", s31.pk),
        (2, "search", s31.pk),
    ]
    name, phone, postcode = rows
    # Each box starts at the left margin (a line's first word) or after "Her postcode is",
    # on the line it was found on, and is one line high.
    assert name.x0 == pytest.approx(72, abs=1) and name.y0 == pytest.approx(72, abs=4)
    assert phone.x0 == pytest.approx(72, abs=1) and phone.y0 == pytest.approx(72, abs=4)
    assert postcode.x0 > 150 and postcode.y0 == pytest.approx(86, abs=4)
    assert all(10 < r.y1 - r.y0 < 20 and r.x1 - r.x0 > 40 for r in rows)
    assert name.search_pattern == "phrase" and phone.search_pattern == "phone"
    # The audit trail and the redaction log say where and why, never the text.
    events = CaseEvent.objects.filter(case=case, verb=Verb.RECORD_REDACTED)
    assert events.count() == 3
    assert not any(re.search(r"(?i)jane|07700|SW1A", str(e.data)) for e in events)
    log = _client(manager).get(reverse("redaction_log")).content.decode()
    assert log.count("patrols.pdf") == 3 and "Question 1: s31(1)(a)" in log
    assert "Jane" not in log and "07700" not in log


@pytest.mark.django_db
def test_no_control_of_the_search_and_redact_form_hides_a_method_of_the_form(officer, reviewed):
    """A checkbox named "matches" replaced the form element's matches() in the browser, so
    scripts calling it, axe among them, failed on the page of results."""
    case = reviewed[0]
    html = _search(_client(officer), case, phrase="jane doe").content.decode()

    names = set(re.findall(r'<input[^>]* name="([^"]+)"', html))
    assert "to_redact" in names
    assert not names & {"matches", "closest", "submit", "reset", "elements", "action", "method"}


@pytest.mark.django_db
def test_a_ground_of_another_case_or_of_a_question_the_record_is_not_about_is_refused(
    officer, reviewed
):
    case, record, s31, s38 = reviewed
    other_case = factories.case_in_progress(officer, questions=("Elsewhere?",))
    elsewhere = cite(other_case.questions.get(), "FOIA-s31", "s31(1)(a)")
    task = ContributorTask.objects.create(
        case=case,
        assignee=factories.UserFactory(roles=[CONTRIBUTOR]),
        due_on=dt.date(2026, 3, 20),
        requested_by=officer,
    )
    task.questions.set([s31.question])
    Record.objects.filter(pk=record.pk).update(task=task)
    client = _client(officer)
    url = reverse("record_redact", args=[case.reference, record.pk])
    box = {"page": 1, "x0": 72, "y0": 72, "x1": 150, "y1": 86}

    refused = client.post(url, {**box, "citation": elsewhere.pk})
    assert "That exemption is not cited on this case." in refused.content.decode()
    refused = client.post(url, {**box, "citation": s38.pk})
    assert "a question this record was not gathered for" in refused.content.decode()
    # The record's page offers only the grounds of its own questions.
    assert list(refused.context["citations"]) == [s31]
    assert not RecordRedaction.objects.exists()

    assert client.post(url, {**box, "citation": s31.pk}).status_code == 302
    redaction = record.redactions.get()
    assert (redaction.page, redaction.x0, redaction.y1, redaction.method) == (1, 72, 86, "box")


@pytest.mark.django_db
def test_selected_text_boxes_are_kept_and_shown_labelled_and_can_be_removed(officer, reviewed):
    case, record, s31, _ = reviewed
    ExemptionCitation.objects.filter(pk=s31.pk).update(omit_reasons=True)
    client = _client(officer)
    boxes = "[[1, 72, 72, 130, 86], [2, 72, 86, 200.5, 100]]"
    response = client.post(
        reverse("record_redact", args=[case.reference, record.pk]),
        {"citation": s31.pk, "boxes": boxes, "method": "text"},
    )
    assert response.status_code == 302
    assert record.redactions.filter(method="text").count() == 2
    page = client.get(reverse("record_review", args=[case.reference, record.pk]))
    # s17(4): the section is not named on the box.
    assert [b["label"] for b in page.context["boxes"]] == ["Redacted", "Redacted"]
    bad = client.post(
        reverse("record_redact", args=[case.reference, record.pk]),
        {"citation": s31.pk, "boxes": "[[9, 1, 1, 50, 50]]"},
    )
    assert "There is no page 9 in this record." in bad.content.decode()

    first = record.redactions.order_by("page").first()
    client.post(reverse("record_redaction_remove", args=[case.reference, record.pk, first.pk]))
    assert list(record.redactions.values_list("page", flat=True)) == [2]
    assert CaseEvent.objects.filter(case=case, verb=Verb.RECORD_REDACTION_REMOVED).exists()
    timeline = client.get(case.get_absolute_url()).content.decode()
    assert "patrols.pdf: 2 places under s31(1)(a)" in timeline
    assert "patrols.pdf, page 1, s31(1)(a)" in timeline


@pytest.mark.django_db
def test_changing_a_redaction_after_approval_withdraws_it(officer, reviewer, reviewed):
    case, record, s31, _ = reviewed
    client = _client(officer)
    client.post(
        reverse("record_responsiveness", args=[case.reference, record.pk]),
        {"responsive": "responsive"},
    )
    client.post(
        reverse("record_redact", args=[case.reference, record.pk]),
        {"citation": s31.pk, "page": 1, "x0": 72, "y0": 72, "x1": 150, "y1": 86},
    )
    workflow.submit_for_review(case, actor=officer)
    # While in review, the redactions are frozen with the decisions.
    frozen = client.post(
        reverse("record_redact", args=[case.reference, record.pk]),
        {"citation": s31.pk, "page": 2, "x0": 72, "y0": 72, "x1": 150, "y1": 86},
    )
    assert "with the reviewer" in frozen.content.decode()
    # The reviewer sees what they approve: the record, in the request, and its redaction.
    page = _client(reviewer).get(reverse("decision_review", args=[case.reference]))
    assert "patrols.pdf" in page.content.decode()
    assert "Page 1: question 1, s31(1)(a)" in page.content.decode()
    workflow.approve_decisions(case, actor=reviewer)
    assert approval.is_approved(case)

    redaction = record.redactions.get()
    client.post(reverse("record_redaction_remove", args=[case.reference, record.pk, redaction.pk]))

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert Review.objects.get(case=case).status == Review.Status.WITHDRAWN
    withdrawn = CaseEvent.objects.filter(case=case, verb=Verb.APPROVAL_WITHDRAWN).get()
    assert withdrawn.data["reason"].startswith("Records changed after approval")
    assert not approval.is_approved(case)


@pytest.mark.django_db
def test_the_approved_content_covers_responsiveness_and_redactions(officer, reviewed):
    case, record, s31, _ = reviewed
    untouched = approval.decisions_hash(case)
    assert "records" not in approval.canonical_decisions(case)
    workflow.set_responsiveness(record, actor=officer, responsive="not_responsive")
    marked = approval.decisions_hash(case)
    workflow.add_redactions(
        record, actor=officer, citation=s31, areas=[workflow.Area(1, 72, 72, 150, 86)]
    )
    assert len({untouched, marked, approval.decisions_hash(case)}) == 3
    assert approval.canonical_decisions(case)["records"][0]["redactions"] == [
        {
            "page": 1,
            "box": [72, 72, 150, 86],
            "question": 1,
            "exemption": "FOIA-s31",
            "provision": s31.provision,
            "citation": s31.pk,
        }
    ]


@pytest.mark.django_db
def test_contributors_and_people_without_need_to_know_never_reach_a_record_review(
    officer, reviewer, reviewed
):
    case, record, _, _ = reviewed
    contributor = factories.UserFactory(roles=[CONTRIBUTOR])
    task = ContributorTask.objects.create(
        case=case, assignee=contributor, due_on=dt.date(2026, 3, 20), requested_by=officer
    )
    Record.objects.filter(pk=record.pk).update(task=task)
    urls = [
        reverse("record_review", args=[case.reference, record.pk]),
        reverse("record_review_pdf", args=[case.reference, record.pk]),
        reverse("records_search_redact", args=[case.reference]),
    ]
    assert [_client(contributor).get(url).status_code for url in urls] == [404, 404, 404]
    Case.objects.filter(pk=case.pk).update(restricted=True)
    assert [_client(reviewer).get(url).status_code for url in urls] == [404, 404, 404]
    pdf = _client(officer).get(urls[1])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
