"""Four foreign keys lose their own index: each is the first column of another index.

Every audit event, question and case paid to keep them, and a million cases' load 8 s to
build the events' one. Only the indexes are dropped (the constraints stay as they are, so no
table is checked again); the state records that the fields are no longer indexed.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (index, table, column): named as Django named them, on PostgreSQL and SQLite alike.
REDUNDANT = (
    ("foi_cases_case_assigned_to_id_9a8a9b42", "foi_cases_case", "assigned_to_id"),
    ("foi_cases_case_requester_id_0fe8d798", "foi_cases_case", "requester_id"),
    ("foi_cases_caseevent_case_id_acceffcd", "foi_cases_caseevent", "case_id"),
    ("foi_cases_question_case_id_e6b2d8d6", "foi_cases_question", "case_id"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0045_case_text_by_received"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {index}",
                    f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({column})",
                )
                for index, table, column in REDUNDANT
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="assigned_to",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assigned_cases",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="requester",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="foi_cases.requester",
                    ),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="foi_cases.case",
                    ),
                ),
                migrations.AlterField(
                    model_name="question",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="questions",
                        to="foi_cases.case",
                    ),
                ),
            ],
        )
    ]
