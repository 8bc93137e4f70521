"""The decisions as a task list: steps per exemption, check pages, templates and review rounds."""

import re

import pytest
from django.urls import reverse

from exemptions.models import ExemptionCitation, ReasoningTemplate, ReasoningTemplateVersion
from foi_cases import workflow
from foi_cases.models import CaseEvent
from tests import factories
from tests.test_exemption_views import (
    AS_AT,
    PIT_FACTORS,
    SECURITY_HARM,
    answer,
    cite,
    date_fields,
)

pytestmark = pytest.mark.django_db

REASONS = "Disclosure would endanger the safety of Members."


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def status_of(body, number):
    match = re.search(rf'id="task-{number}-status">(.*?)</div>', body, re.DOTALL)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def step_url(case, exemption, step, number=1):
    return reverse("exemption_citation_new_step", args=[case.reference, number, exemption.pk, step])


def factor_data(for_rows=(), against_rows=()):
    data = {}
    for prefix, rows in (("factor_for", for_rows), ("factor_against", against_rows)):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0})
        for i, (text, weight) in enumerate(rows):
            data.update({f"{prefix}-{i}-text": text, f"{prefix}-{i}-weight": weight})
    return data


def s38_case(officer_client, officer):
    case = factories.case_in_progress(officer, questions=("Where are the panic alarms?",))
    answer(officer_client, case, 1, "held", "withheld_in_full")
    return case, factories.catalogue_exemption("FOIA-s38")


def walk_steps(client, case, s38, *, reasoning=REASONS):
    """Every step of an s38 decision, as the officer fills them in."""
    posts = [
        ("exemption", {"limbs": ["s38(1)(a)"]}, "harm"),
        ("harm", SECURITY_HARM, "reasons"),
        ("reasons", {"reasoning": reasoning}, "factors"),
        (
            "factors",
            {
                **date_fields("pit_as_at", AS_AT),
                **factor_data([("Transparency about spending.", 2)], [("Members' safety.", 5)]),
            },
            "conclusion",
        ),
        ("conclusion", {"pit_conclusion": "maintain", "pit_summary": "Safety wins."}, None),
    ]
    for step, data, following in posts:
        response = client.post(step_url(case, s38, step), {"action": "save", **data})
        assert response.status_code == 302, response.content.decode()[:3000]
        expected = (
            step_url(case, s38, following)
            if following
            else reverse("exemption_citation_new_check", args=[case.reference, 1, s38.pk])
        )
        assert response["Location"] == expected


def test_task_list_shows_each_questions_status(officer_client, officer):
    case = factories.case_in_progress(
        officer, questions=("The budget?", "The names of the staff?", "The alarms?")
    )
    answer(officer_client, case, 1, "held", "disclosed", "£2.2 million.")
    answer(officer_client, case, 2, "held", "withheld_in_full")

    body = officer_client.get(reverse("exemption_decisions", args=[case.reference])).content
    body = body.decode()

    assert status_of(body, 1) == "Ready for review"
    assert status_of(body, 2) == "In progress"
    assert status_of(body, 3) == "Not started"
    assert "Cannot start yet" in body


def test_an_exemption_in_steps_is_saved_only_from_its_check_page(officer_client, officer):
    case, s38 = s38_case(officer_client, officer)
    start = reverse("exemption_citation_new", args=[case.reference, 1])
    response = officer_client.get(f"{start}?exemption={s38.pk}")
    assert response["Location"] == step_url(case, s38, "exemption")

    walk_steps(officer_client, case, s38)
    assert not ExemptionCitation.objects.exists()
    check = reverse("exemption_citation_new_check", args=[case.reference, 1, s38.pk])
    page = officer_client.get(check).content.decode()
    assert "Members&#x27; safety." in page and REASONS in page
    assert page.count(">Change<") >= 8

    response = officer_client.post(check, {"action": "save"})

    assert response.status_code == 302
    assert response["Location"] == reverse("exemption_question", args=[case.reference, 1])
    citation = ExemptionCitation.objects.get()
    assert citation.reasoning == REASONS and citation.limbs == ["s38(1)(a)"]
    assert [(f.side, f.text, f.weight) for f in citation.pit.factors.all()] == [
        ("disclosure", "Transparency about spending.", 2),
        ("maintain", "Members' safety.", 5),
    ]
    assert CaseEvent.objects.filter(verb="decision_recorded", data__action="citation_added")


def test_a_refusal_on_the_check_page_links_to_the_step_that_fixes_it(officer_client, officer):
    case, s38 = s38_case(officer_client, officer)
    walk_steps(officer_client, case, s38, reasoning="")
    check = reverse("exemption_citation_new_check", args=[case.reference, 1, s38.pk])

    response = officer_client.post(check, {"action": "save"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "<title>\n  Error:" in body or "Error: Check" in body
    reasons = step_url(case, s38, "reasons")
    assert re.search(rf'<a href="{re.escape(reasons)}\?change=1">Explain why the exemption', body)
    assert not ExemptionCitation.objects.exists()
    # Nothing typed is lost: the other steps' answers are still on the check page.
    assert "Members&#x27; safety." in officer_client.get(check).content.decode()


def test_factor_errors_say_which_factor_is_wrong(officer_client, officer):
    case, s38 = s38_case(officer_client, officer)
    officer_client.post(step_url(case, s38, "exemption"), {"limbs": ["s38(1)(a)"]})
    data = {
        **date_fields("pit_as_at", AS_AT),
        **factor_data(
            [("Accountability for public money.", "")],
            [("Members' safety.", 5), ("", 3)],
        ),
    }

    response = officer_client.post(step_url(case, s38, "factors"), {"action": "save", **data})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Error:" in body.split("</title>")[0]
    assert (
        '<a href="#id_factor_against-1-text">Factor 2 against disclosure: enter the factor' in body
    )
    assert "Factor 1 for disclosure: choose its weight from 1 to 5" in body
    assert "govuk-textarea--error" in body
    assert "Accountability for public money." in body


@pytest.fixture
def s38_templates():
    s38 = factories.catalogue_exemption("FOIA-s38")
    harm = ReasoningTemplate.objects.create(
        exemption=s38, title="Safety harm", kind="harm", target="reasoning"
    )
    ReasoningTemplateVersion.objects.create(
        template=harm, number=1, text="Disclosure would endanger [[reference]]'s Members."
    )
    pit = ReasoningTemplate.objects.create(
        exemption=s38, title="Transparency", kind="pit_for_disclosure", target="pit_summary"
    )
    ReasoningTemplateVersion.objects.create(
        template=pit, number=1, text="There is a public interest in transparency."
    )
    return harm, pit


def test_a_template_never_replaces_typed_text_without_asking(
    officer_client, officer, s38_templates
):
    harm, _ = s38_templates
    case, s38 = s38_case(officer_client, officer)
    officer_client.post(step_url(case, s38, "exemption"), {"limbs": ["s38(1)(a)"]})
    url = step_url(case, s38, "reasons")
    typed = {"action": "use_template", "template": harm.pk, "reasoning": "My own words."}

    asked = officer_client.post(url, typed).content.decode()
    added = officer_client.post(url, {**typed, "template_mode": "append"}).content.decode()
    kept = officer_client.post(url, {**typed, "template_mode": "keep"}).content.decode()

    assert "What should happen to the text you typed?" in asked
    assert re.search(r">\s*My own words.</textarea>", asked)
    assert f"Disclosure would endanger {case.reference}" not in asked
    assert f"My own words.\n\nDisclosure would endanger {case.reference}&#x27;s Members." in added
    assert re.search(r">\s*My own words.</textarea>", kept)


def test_a_public_interest_paragraph_goes_to_the_public_interest_reasons(
    officer_client, officer, s38_templates
):
    harm, pit = s38_templates
    case, s38 = s38_case(officer_client, officer)
    officer_client.post(step_url(case, s38, "exemption"), {"limbs": ["s38(1)(a)"]})

    reasons = officer_client.get(step_url(case, s38, "reasons")).content.decode()
    conclusion = officer_client.post(
        step_url(case, s38, "conclusion"), {"action": "use_template", "template": pit.pk}
    )

    assert f'value="{harm.pk}"' in reasons and f'value="{pit.pk}"' not in reasons
    body = conclusion.content.decode()
    assert re.search(
        r'name="pit_summary"[^>]*>\s*There is a public interest in transparency.</textarea>', body
    )
    # The seeded paragraphs are tagged the same way.
    seeded = ReasoningTemplate.objects.filter(kind__startswith="pit_")
    assert seeded.exists() and not seeded.exclude(target="pit_summary").exists()


def returned_case(officer_client, officer, reviewer, client):
    case, _ = s38_case(officer_client, officer)
    cite(
        officer_client,
        case,
        1,
        "FOIA-s38",
        limbs=["s38(1)(a)"],
        reasoning=REASONS,
        factors=PIT_FACTORS,
        conclusion="maintain",
        **SECURITY_HARM,
    )
    citation = ExemptionCitation.objects.get()
    workflow.submit_for_review(case, actor=officer)
    workflow.return_decisions(
        case, actor=reviewer, comments={citation.pk: "Say who would be endangered."}
    )
    return case, citation


def test_the_reviewers_comment_is_beside_the_decision_it_is_about(
    officer_client, officer, reviewer, client
):
    case, citation = returned_case(officer_client, officer, reviewer, client)

    tasks = officer_client.get(reverse("exemption_decisions", args=[case.reference]))
    page = officer_client.get(reverse("exemption_question", args=[case.reference, 1]))

    assert status_of(tasks.content.decode(), 1) == "Returned"
    card = page.content.decode().split("s38(1)(a)", 1)[1]
    assert "Say who would be endangered." in card.split("govuk-summary-card__content")[1]

    data = workflow.citation_content(citation)
    workflow.update_citation(
        citation,
        actor=officer,
        data=cite_data(citation, reasoning=REASONS + " Members and their staff."),
        pit=pit_data(citation),
    )
    assert data != workflow.citation_content(ExemptionCitation.objects.get())
    tasks = officer_client.get(reverse("exemption_decisions", args=[case.reference]))
    assert status_of(tasks.content.decode(), 1) == "Ready for review"


def cite_data(citation, **changes):
    from exemptions.validation import CitationData

    fields = {name: getattr(citation, name) for name in CitationData.__dataclass_fields__}
    return CitationData(**{**fields, "limbs": tuple(citation.limbs), **changes})


def pit_data(citation):
    from exemptions.validation import FactorData, PitData

    pit = citation.pit
    return PitData(
        as_at=pit.as_at,
        conclusion=pit.conclusion,
        summary=pit.summary,
        factors=tuple(FactorData(f.side, f.text, f.weight) for f in pit.factors.all()),
    )


def test_round_two_shows_the_reviewer_what_changed_since_the_return(
    officer_client, officer, reviewer, client
):
    case, citation = returned_case(officer_client, officer, reviewer, client)
    workflow.update_citation(
        citation,
        actor=officer,
        data=cite_data(citation, reasoning="Disclosure would endanger Members and their staff."),
        pit=pit_data(citation),
    )
    workflow.submit_for_review(case, actor=officer)

    client.force_login(reviewer)
    overview = client.get(reverse("decision_review", args=[case.reference])).content.decode()
    number = citation.question.number
    url = reverse("decision_review_question", args=[case.reference, number])
    body = client.get(url).content.decode()

    assert "changed since the return" in overview
    assert "What changed since round 1" in body
    line = r"<{0}><span[^>]*>{1}: </span>\s*Why the exemption applies: (.*?)</{0}>"
    removed = re.search(line.format("del", "Removed"), body)
    added = re.search(line.format("ins", "Added"), body)
    assert removed.group(1) == REASONS
    assert added.group(1) == "Disclosure would endanger Members and their staff."
    assert "Members&#x27; safety" not in body.split("What changed")[1].split("</details>")[0]


def test_the_old_review_address_redirects_to_decision_review(officer_client, officer):
    case = factories.case_in_progress(officer)

    response = officer_client.get(f"/cases/{case.reference}/review/")

    assert response.status_code == 301
    assert response["Location"] == reverse("decision_review", args=[case.reference])
    assert reverse("decision_review", args=[case.reference]).endswith("/decision-review/")
