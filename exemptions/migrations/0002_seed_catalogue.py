from django.db import migrations

from exemptions.seed import load_catalogue, load_reasoning_templates


def seed(apps, schema_editor):
    Exemption = apps.get_model("exemptions", "Exemption")
    load_catalogue(Exemption)
    load_reasoning_templates(
        Exemption,
        apps.get_model("exemptions", "ReasoningTemplate"),
        apps.get_model("exemptions", "ReasoningTemplateVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("exemptions", "0001_schema")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
