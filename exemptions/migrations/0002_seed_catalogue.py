"""The reference catalogue and its reasoning templates, as `exemptions.seed` created them then.

The rows are frozen in `data/0002_seed_catalogue.json` rather than read from
`exemptions.catalogue`, so that this migration keeps meaning what it meant: later changes to the
catalogue reach existing databases through their own migrations (e.g. 0005_limb_status), and a
fresh database must start from the same rows those migrations transform.
"""

import json
from pathlib import Path

from django.db import migrations

FROZEN = Path(__file__).resolve().parent / "data" / "0002_seed_catalogue.json"


def seed(apps, schema_editor):
    Exemption = apps.get_model("exemptions", "Exemption")
    ReasoningTemplate = apps.get_model("exemptions", "ReasoningTemplate")
    ReasoningTemplateVersion = apps.get_model("exemptions", "ReasoningTemplateVersion")
    data = json.loads(FROZEN.read_text(encoding="utf-8"))

    existing = set(Exemption.objects.values_list("code", flat=True))
    Exemption.objects.bulk_create(
        Exemption(**row) for row in data["exemptions"] if row["code"] not in existing
    )

    exemptions = {row.code: row for row in Exemption.objects.all()}
    for paragraph in data["reasoning_templates"]:
        exemption = exemptions.get(paragraph["exemption"])
        if exemption is None:
            continue
        template, made = ReasoningTemplate.objects.get_or_create(
            exemption=exemption,
            topic_slug=paragraph["topic_slug"],
            title=paragraph["title"],
            defaults={"kind": paragraph["kind"]},
        )
        if made:
            ReasoningTemplateVersion.objects.create(
                template=template, number=1, text=paragraph["text"]
            )


class Migration(migrations.Migration):
    dependencies = [("exemptions", "0001_schema")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
