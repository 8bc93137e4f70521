"""A case records whether the time of receipt is known, so a blank time shows as not recorded."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0031_event_and_notice_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="received_time_recorded",
            field=models.BooleanField(
                default=True,
                help_text="Off when only the date of receipt is known: received_at is then "
                "midnight.",
            ),
        ),
    ]
