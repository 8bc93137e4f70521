"""A period's cases from a covering index on received_at (see Case.Meta)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0014_case_reporting_outcome"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="case",
            name="foi_cases_c_receive_282991_idx",
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["received_at"],
                include=(
                    "id",
                    "status",
                    "outcome",
                    "reporting_outcome",
                    "is_subject_access",
                    "regime",
                    "due_on",
                    "extended_due_on",
                    "responded_at",
                ),
                name="case_received",
            ),
        ),
    ]
