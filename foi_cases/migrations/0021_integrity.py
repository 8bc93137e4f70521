import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0020_letter_settings_signatory_reuse_sic"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
        migrations.CreateModel(
            name="FormSubmission",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "path",
                    models.CharField(
                        help_text="The address the form was sent to.", max_length=300
                    ),
                ),
                ("token", models.CharField(max_length=64)),
                (
                    "result_url",
                    models.CharField(
                        blank=True,
                        help_text="Where the first submission led, for any repeat.",
                        max_length=300,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "path", "token"), name="unique_form_submission"
                    )
                ],
            },
        ),
    ]
