"""Load the pure-data catalogue and reasoning templates into the database, idempotently.

Used by the data migration (with historical models) and by tests, whose transactional
flushes remove migrated data.
"""

from __future__ import annotations

from typing import Any

from exemptions.catalogue import CATALOGUE, Limb
from exemptions.reasoning_seed import REASONING_TEMPLATES, TARGET_FOR_KIND


def limb_row(limb: Limb) -> dict[str, Any]:
    """A limb as the database stores it (`Exemption.limbs` and `Exemption.ncnd_provisions`)."""
    return {
        "code": limb.code,
        "label": limb.label,
        "absolute": limb.absolute,
        "test_type": limb.test_type,
    }


def load_catalogue(exemption_model: Any) -> int:
    """Create the catalogue rows that are missing; leave rows managers edited alone."""
    existing = set(exemption_model.objects.values_list("code", flat=True))
    rows = [
        exemption_model(
            regime=entry.regime,
            code=entry.code,
            section=entry.section,
            short_name=entry.short_name,
            kind=entry.kind,
            test_type=entry.test_type,
            limbs=[limb_row(limb) for limb in entry.limbs],
            ncnd_provisions=[limb_row(limb) for limb in entry.ncnd_limbs],
            absolute_for_parliament=entry.absolute_for_parliament,
            government_only=entry.government_only,
            mp_security_relevant=entry.mp_security_relevant,
            guidance=entry.guidance,
            position=position,
        )
        for position, entry in enumerate(CATALOGUE, start=1)
        if entry.code not in existing
    ]
    exemption_model.objects.bulk_create(rows)
    return len(rows)


def load_reasoning_templates(exemption_model: Any, template_model: Any, version_model: Any) -> int:
    """Create each seed paragraph as a template with version 1, unless it is there already."""
    exemptions = {row.code: row for row in exemption_model.objects.all()}
    created = 0
    for seed in REASONING_TEMPLATES:
        exemption = exemptions.get(seed.exemption_code)
        if exemption is None:
            continue
        template, made = template_model.objects.get_or_create(
            exemption=exemption,
            topic_slug=seed.topic_slug,
            title=seed.title,
            defaults={"kind": seed.kind, "target": TARGET_FOR_KIND[seed.kind]},
        )
        if made:
            version_model.objects.create(template=template, number=1, text=seed.text)
            created += 1
    return created


def load_all() -> None:
    from exemptions.models import Exemption, ReasoningTemplate, ReasoningTemplateVersion

    load_catalogue(Exemption)
    load_reasoning_templates(Exemption, ReasoningTemplate, ReasoningTemplateVersion)
