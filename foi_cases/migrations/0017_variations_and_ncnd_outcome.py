"""Statutory variations on the case, the EIR reg 7 extension, and NCND as a question outcome.

Questions that neither confirm nor deny had to carry another outcome ("withheld in full" or
"procedural"); they now carry NCND, which is the whole of their answer.
"""

from django.db import migrations, models


def ncnd_outcome(apps, schema_editor):
    Question = apps.get_model("foi_cases", "Question")
    Question.objects.filter(held_status="ncnd").update(outcome="ncnd")


class Migration(migrations.Migration):
    dependencies = [
        ("foi_cases", "0016_case_open_by_due_covering"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="twentieth_school_day",
            field=models.DateField(
                blank=True,
                help_text="Maintained schools: the 20th school day after receipt, as the officer counts it from the school's term dates.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="variation",
            field=models.CharField(
                blank=True,
                choices=[
                    (
                        "school",
                        "Maintained school or academy: the earlier of 20 school days and 60 working days",
                    ),
                    (
                        "archives",
                        "Appropriate records authority, transferred public records: 30 working days",
                    ),
                    (
                        "armed_forces",
                        "Information from the armed forces on operations: as the ICO specifies",
                    ),
                    ("outside_uk", "Information held outside the UK: as the ICO specifies"),
                ],
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="variation_reference",
            field=models.CharField(
                blank=True, help_text="The ICO's agreement, where one is needed.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="variation_working_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="The working day the ICO specified (at most the 60th).",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="verb",
            field=models.CharField(
                choices=[
                    ("logged", "Request logged"),
                    ("assigned", "Assigned"),
                    ("topics_set", "Topics set"),
                    ("restriction_changed", "Restriction changed"),
                    ("questions_edited", "Questions edited"),
                    ("cost_estimated", "Cost estimate recorded"),
                    ("clarification_requested", "Clarification requested"),
                    ("clarification_received", "Clarification received"),
                    ("fee_notice_given", "Fees notice given"),
                    ("fee_received", "Fee received"),
                    ("pit_extended", "Public interest extension"),
                    ("variation_set", "Statutory variation of the time for compliance"),
                    ("eir_extended", "Extension for complexity and volume (EIR reg 7)"),
                    ("deadline_recomputed", "Deadline recomputed"),
                    ("held_status_viewed", "NCND held status viewed"),
                    ("decision_recorded", "Decision recorded"),
                    ("submitted_for_review", "Submitted for review"),
                    ("decision_returned", "Decision returned"),
                    ("approved", "Approved"),
                    ("approval_withdrawn", "Approval withdrawn"),
                    ("letter_composed", "Letter composed"),
                    ("letter_approved", "Letter approved"),
                    ("letter_rendered", "Letter rendered"),
                    ("letter_failed", "Letter rendering failed"),
                    ("response_sent", "Response sent"),
                    ("closed", "Closed"),
                    ("reopened", "Reopened"),
                    ("overdue", "Became overdue"),
                    ("review_requested", "Internal review requested"),
                    ("reviewer_assigned", "Internal reviewer assigned"),
                    ("review_decided", "Internal review decided"),
                    ("ico_complaint", "ICO complaint recorded"),
                    ("ico_decision", "ICO decision notice recorded"),
                    ("ico_steps_complied", "ICO steps complied with"),
                    ("tribunal_appeal", "Tribunal appeal recorded"),
                    ("tribunal_decided", "Tribunal decision recorded"),
                    ("disclosure_prepared", "Disclosure log entry prepared"),
                    ("disclosure_edited", "Disclosure log entry edited"),
                    ("redacted", "Redaction applied"),
                    ("disclosure_submitted", "Disclosure log entry sent for validation"),
                    ("disclosure_published", "Disclosure log entry published"),
                    ("disclosure_withheld", "Disclosure log entry withheld"),
                    ("legal_hold_changed", "Legal hold changed"),
                    ("anonymised", "Personal data removed (retention)"),
                ],
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="clockevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("clarification_requested", "Clarification requested (s1(3))"),
                    ("clarification_received", "Clarification received"),
                    ("fee_notice_given", "Fees notice given (s9)"),
                    ("fee_received", "Fee received"),
                    ("pit_extension", "Public interest extension (s10(3), s17(2))"),
                    ("eir_extension", "Extension for complexity and volume (EIR reg 7)"),
                ],
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="outcome",
            field=models.CharField(
                blank=True,
                choices=[
                    ("disclosed", "Disclosed"),
                    ("withheld_in_part", "Withheld in part"),
                    ("withheld_in_full", "Withheld in full"),
                    ("not_held", "Not held"),
                    ("procedural", "Refused on a procedural ground"),
                    ("ncnd", "Neither confirmed nor denied"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(ncnd_outcome, migrations.RunPython.noop),
    ]
