"""The restricted-case read log also records refused attempts (granted=False)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0023_choices_of_merged_events_and_notices"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseaccesslog",
            name="granted",
            field=models.BooleanField(default=True),
        ),
    ]
