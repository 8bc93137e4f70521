from django.db import migrations, models

# Frozen here: which field each seed kind of paragraph is written for.
TARGET_FOR_KIND = {
    "harm": "reasoning",
    "ncnd": "reasoning",
    "pit_for_disclosure": "pit_summary",
    "pit_for_maintaining": "pit_summary",
    "answer": "answer_text",
}


def set_targets(apps, schema_editor):
    ReasoningTemplate = apps.get_model("exemptions", "ReasoningTemplate")
    for kind, target in TARGET_FOR_KIND.items():
        ReasoningTemplate.objects.filter(kind=kind).update(target=target)


class Migration(migrations.Migration):
    dependencies = [("exemptions", "0007_review_allocated_reviewer")]

    operations = [
        migrations.AddField(
            model_name="reasoningtemplate",
            name="target",
            field=models.CharField(
                choices=[
                    ("reasoning", "Why the exemption applies"),
                    ("pit_summary", "Public interest reasons"),
                    ("answer_text", "The answer to the question"),
                ],
                default="reasoning",
                db_default="reasoning",
                help_text="The field of a decision the paragraph is written for.",
                max_length=20,
                verbose_name="field it fills",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="submitted_content",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="The decisions as submitted (unchanged while in review, so also as "
                "returned).",
            ),
        ),
        migrations.RunPython(set_targets, migrations.RunPython.noop),
    ]
