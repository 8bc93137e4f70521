from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0016_case_open_by_due_covering"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="composed_from",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text=(
                    "The case's facts the letter states, as composed: to say what changed since."
                ),
            ),
        ),
    ]
