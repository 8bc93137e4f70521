from django.db import migrations, models

REUSE_TEXT = (
    "The information we supply in response to requests is normally protected by copyright. "
    "You are free to use it for your own purposes, including private study and non-commercial "
    "research, and for any other purpose allowed by an exception in copyright law, such as news "
    "reporting. Any other re-use, for example commercial publication, needs the permission of "
    "the copyright holder."
)


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0019_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="lettersettings",
            name="signed_by",
            field=models.CharField(
                choices=[
                    ("approver", "The reviewer who approves the letter"),
                    ("role", "The role below (and its holder's name, if given)"),
                ],
                default="approver",
                help_text="Who signs: the person responsible for the response.",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="lettersettings",
            name="signatory_name",
            field=models.CharField(
                blank=True,
                help_text="The role holder's name, when the role signs.",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="reuse_text",
            field=models.TextField(
                blank=True,
                default=REUSE_TEXT,
                help_text="Printed in responses that disclose information.",
                verbose_name="re-use (copyright) paragraph",
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="sic_name",
            field=models.CharField(
                default="Scottish Information Commissioner",
                max_length=200,
                verbose_name="Scottish Information Commissioner",
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="sic_address",
            field=models.TextField(
                default="Kinburn Castle\nDoubledykes Road\nSt Andrews\nFife\nKY16 9DS"
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="sic_email",
            field=models.EmailField(
                blank=True, default="enquiries@itspublicknowledge.info", max_length=254
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="sic_website",
            field=models.CharField(
                blank=True, default="www.itspublicknowledge.info/appeal", max_length=200
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="sic_telephone",
            field=models.CharField(blank=True, default="01334 464610", max_length=40),
        ),
    ]
