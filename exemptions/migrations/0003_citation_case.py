"""Each citation's case, copied from its question (see ExemptionCitation.case)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_case_from_question(apps, schema_editor):
    citation = apps.get_model("exemptions", "ExemptionCitation")
    question = apps.get_model("foi_cases", "Question")
    citation.objects.update(
        case_id=models.Subquery(
            question.objects.filter(pk=models.OuterRef("question_id")).values("case_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exemptions", "0002_seed_catalogue"),
        ("foi_cases", "0012_requester_name_trigram_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="exemptioncitation",
            name="case",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="foi_cases.case",
            ),
        ),
        migrations.RunPython(copy_case_from_question, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="exemptioncitation",
            name="case",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="foi_cases.case",
            ),
        ),
    ]
