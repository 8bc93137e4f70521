"""Reasoning templates: safe placeholder rendering, versioning in the admin, use on a decision."""

import pytest
from django.urls import reverse

from exemptions import reasoning
from exemptions.models import ReasoningTemplate, ReasoningTemplateVersion
from foi_cases.permissions import MANAGER
from tests import factories

VALUES = {"reference": "FOI-2026-00001", "authority_name": "the House of Commons"}

HOSTILE = [
    "{{ settings.SECRET_KEY }}",
    '{% include "base.html" %}',
    "{{ case.requester.email }}",
    "[[__class__]]",
    "[[reference.__class__]]",
    "[[ reference|upper ]]",
    "{% load static %}{% debug %}",
    "${7*7} #{7*7} <%= 7*7 %>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_template_code_is_left_exactly_as_written(text):
    assert reasoning.render(text, VALUES) == text


def test_only_whitelisted_bare_names_are_filled():
    text = "Case [[reference]] of [[ authority_name ]]; [[requester_email]] [[topic]]"
    assert reasoning.render(text, VALUES) == (
        "Case FOI-2026-00001 of the House of Commons; [[requester_email]] [[topic]]"
    )


def test_values_are_not_rendered_again():
    assert reasoning.render("[[reference]]", {"reference": "[[authority_name]] {{ x }}"}) == (
        "[[authority_name]] {{ x }}"
    )


def test_unknown_placeholders_are_reported_for_the_editor():
    assert reasoning.unknown_placeholders("[[reference]] [[__class__]] [[reference.pk]]") == [
        "[[__class__]]",
        "[[reference.pk]]",
    ]


@pytest.mark.django_db
def test_using_a_hostile_template_fills_the_reasoning_literally_and_escaped(
    client, officer, settings
):
    settings.SECRET_KEY = "do-not-show-this-secret"
    case = factories.case_in_progress(officer)
    case.requester.email = "private-requester@example.com"
    case.requester.save()
    s23 = factories.catalogue_exemption("FOIA-s23")
    template = ReasoningTemplate.objects.create(exemption=s23, title="Hostile", kind="harm")
    text = (
        'For [[reference]]: {{ settings.SECRET_KEY }} {% include "base.html" %} '
        "{{ case.requester.email }} [[__class__]] [[reference.__class__]] <script>x()</script>"
    )
    version = ReasoningTemplateVersion.objects.create(template=template, number=1, text=text)
    client.force_login(officer)
    step = "exemption_citation_new_step"
    first = reverse(step, args=[case.reference, 1, s23.pk, "exemption"])
    assert client.post(first, {"limbs": ["s23(1)"]}).status_code == 302
    url = reverse(step, args=[case.reference, 1, s23.pk, "reasons"])
    response = client.post(url, {"action": "use_template", "template": template.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "do-not-show-this-secret" not in body
    assert "private-requester@example.com" not in body
    assert f"For {case.reference}: {{{{ settings.SECRET_KEY }}}}" in body
    assert "{% include &quot;base.html&quot; %}" in body
    assert "[[__class__]] [[reference.__class__]]" in body
    assert "&lt;script&gt;x()&lt;/script&gt;" in body and "<script>x()" not in body
    assert f'value="{version.pk}"' in body


@pytest.mark.django_db
def test_decision_records_the_template_version_it_started_from(client, officer):
    case = factories.case_in_progress(officer)
    s23 = factories.catalogue_exemption("FOIA-s23")
    template = ReasoningTemplate.objects.create(exemption=s23, title="Security body", kind="harm")
    version = ReasoningTemplateVersion.objects.create(
        template=template, number=1, text="[[authority_name]] relies on s23(1)."
    )
    client.force_login(officer)
    url = reverse("exemption_citation_new", args=[case.reference, 1]) + f"?exemption={s23.pk}"
    response = client.post(
        url,
        {
            "action": "save",
            "limbs": ["s23(1)"],
            "reasoning": "The House of Commons relies on s23(1).",
            "template_version": version.pk,
            "factor-TOTAL_FORMS": 0,
            "factor-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    citation = case.questions.get().citations.get()
    assert citation.template_version == version
    assert case.events.get(verb="decision_recorded").data["template_version"] == version.pk


@pytest.mark.django_db
def test_editing_a_template_in_the_admin_adds_a_version(client, roles):
    manager = factories.UserFactory(username="mona", roles=[MANAGER], is_staff=True)
    s38 = factories.catalogue_exemption("FOIA-s38")
    client.force_login(manager)
    add = client.post(
        reverse("admin:exemptions_reasoningtemplate_add"),
        {
            "exemption": s38.pk,
            "topic_slug": "",
            "title": "Safety",
            "kind": "harm",
            "target": "reasoning",
            "active": "on",
            "text": "First text for [[reference]].",
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    template = ReasoningTemplate.objects.get(title="Safety")
    change_url = reverse("admin:exemptions_reasoningtemplate_change", args=[template.pk])
    data = {
        "exemption": s38.pk,
        "topic_slug": "",
        "title": "Safety",
        "kind": "harm",
        "target": "reasoning",
        "active": "on",
        "text": "Second text for [[reference]].",
        "versions-TOTAL_FORMS": 1,
        "versions-INITIAL_FORMS": 1,
        "versions-0-id": template.versions.get().pk,
        "versions-0-template": template.pk,
    }
    assert client.post(change_url, data).status_code == 302
    assert list(template.versions.order_by("number").values_list("number", "text")) == [
        (1, "First text for [[reference]]."),
        (2, "Second text for [[reference]]."),
    ]
    bad = client.post(change_url, {**data, "text": "Leak [[case.requester]]"})
    assert bad.status_code == 200 and "Unknown placeholders" in bad.content.decode()
    assert template.versions.count() == 2


@pytest.mark.django_db
def test_seeded_templates_use_only_known_placeholders():
    factories.catalogue_exemption("FOIA-s31")
    versions = ReasoningTemplateVersion.objects.all()
    assert versions.exists()
    for version in versions:
        assert reasoning.unknown_placeholders(version.text) == []
