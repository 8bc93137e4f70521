"""Each case's reporting outcome, stored (see foi_cases.statistics.refresh_reporting).

The backfill derives it with the current code in chunks of cases: an UPDATE of one column
from the case's questions and citations, the same statement the nightly reconciliation runs.
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from foi_cases import statistics

    statistics.refresh_reporting()


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0012_requester_name_trigram_index"),
        ("exemptions", "0003_citation_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="reporting_outcome",
            field=models.CharField(
                choices=[
                    ("not_yet_processed", "Not yet processed"),
                    ("on_hold", "On hold (awaiting clarification or fee)"),
                    ("lapsed", "Lapsed (no clarification or fee)"),
                    ("withdrawn", "Withdrawn"),
                    ("granted_in_full", "Granted in full"),
                    ("part_not_held", "Partly disclosed, partly not held"),
                    ("partially_withheld", "Partly disclosed, partly withheld"),
                    ("withheld_in_full", "Withheld in full"),
                    ("ncnd", "Neither confirmed nor denied"),
                    ("not_held", "Information not held"),
                    ("procedural_s12", "Refused: cost limit (s12)"),
                    ("procedural_s14", "Refused: vexatious or repeated (s14)"),
                    ("subject_access", "Handled as a subject access request"),
                    ("not_recorded", "Responded, outcome not recorded"),
                ],
                default="not_yet_processed",
                editable=False,
                max_length=30,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
