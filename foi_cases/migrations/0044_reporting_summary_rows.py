"""The exemption and topic summary rows (see `foi_cases.reporting.summary`), backfilled.

Filled by two set-based INSERT … SELECT statements before the period indexes are built, so a
million cases migrate in one pass over the citations and one over the topics.
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL_EXEMPTIONS = """
INSERT INTO foi_cases_caseexemptionsummary (case_id, exemption_id, received_at, questions)
SELECT citation.case_id, citation.exemption_id, c.received_at,
       count(DISTINCT citation.question_id)
FROM exemptions_exemptioncitation citation
JOIN foi_cases_case c ON c.id = citation.case_id
GROUP BY citation.case_id, citation.exemption_id, c.received_at
"""

BACKFILL_TOPICS = """
INSERT INTO foi_cases_casetopicsummary (case_id, topic_id, received_at)
SELECT c.id, link.topic_id, c.received_at
FROM foi_cases_case c
LEFT JOIN foi_cases_case_topics link ON link.case_id = c.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("exemptions", "0010_review_draft_comments"),
        ("foi_cases", "0043_merged_event_choices"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseExemptionSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received_at", models.DateTimeField()),
                ("questions", models.PositiveIntegerField()),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="foi_cases.case",
                    ),
                ),
                (
                    "exemption",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="exemptions.exemption",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="CaseTopicSummary",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("received_at", models.DateTimeField()),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="foi_cases.case",
                    ),
                ),
                (
                    "topic",
                    models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="foi_cases.topic",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(BACKFILL_EXEMPTIONS, migrations.RunSQL.noop),
        migrations.RunSQL(BACKFILL_TOPICS, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="caseexemptionsummary",
            index=models.Index(
                fields=["received_at"],
                include=("exemption", "case", "questions"),
                name="exemption_summary_received",
            ),
        ),
        migrations.AddIndex(
            model_name="casetopicsummary",
            index=models.Index(
                fields=["received_at"], include=("topic", "case"), name="topic_summary_received"
            ),
        ),
    ]
