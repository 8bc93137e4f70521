"""A period's citations by case from a covering index (see ExemptionCitation.Meta)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exemptions", "0003_citation_case"),
        ("foi_cases", "0014_case_reporting_outcome"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="exemptioncitation",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="foi_cases.case",
            ),
        ),
        migrations.AddIndex(
            model_name="exemptioncitation",
            index=models.Index(
                fields=["case"], include=("exemption", "question"), name="citation_by_case"
            ),
        ),
    ]
