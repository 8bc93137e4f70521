"""The open cases' index also carries what the dashboard's live panels read (see Case.Meta)."""

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0015_case_received_covering_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="case_open_by_due",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                django.db.models.functions.comparison.Coalesce("extended_due_on", "due_on"),
                models.F("reference"),
                condition=models.Q(("status__in", ["responded", "closed"]), _negated=True),
                include=(
                    "id",
                    "status",
                    "regime",
                    "due_on",
                    "extended_due_on",
                    "assigned_to",
                    "restricted",
                    "title",
                ),
                name="case_open_by_due",
            ),
        ),
    ]
