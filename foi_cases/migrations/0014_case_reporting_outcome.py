"""Each case's reporting outcome, stored (see `foi_cases.statistics.refresh_reporting`).

The backfill derives it in chunks of cases with one UPDATE of the column from the case's
questions and procedural citations. The derivation is frozen here as `statistics.py` had it
when this migration was written (the statement its `annotate_reporting` built), over the
historical models and with the choice values spelt out, so that later changes to the statistics
code do not change what this migration does.
"""

from decimal import Decimal

from django.conf import settings
from django.db import migrations, models
from django.db.models import Case as SqlCase
from django.db.models import Count, F, Q, Value, When

CLOCK_STOPPED_STATUSES = ("awaiting_clarification", "awaiting_fee")
FINISHED_STATUSES = ("responded", "closed")
CHUNK = 5000


def _questions(**lookups):
    return Q(**{f"questions__{name}": value for name, value in lookups.items()})


def _when(condition, outcome):
    return When(condition, then=Value(outcome))


def derived_outcomes(apps, cases):
    """Each case's id and `derived_outcome`, as `statistics.annotate_reporting` derived it."""
    ExemptionCitation = apps.get_model("exemptions", "ExemptionCitation")
    ncnd = _questions(held_status="ncnd")
    procedural_question = _questions(outcome="procedural") & ~ncnd
    buckets = {
        "q_ncnd": ncnd,
        "q_proc": procedural_question,
        "q_not_held": (_questions(held_status="not_held") | _questions(outcome="not_held"))
        & ~ncnd
        & ~procedural_question,
        "q_part": _questions(outcome="withheld_in_part") & ~ncnd,
        "q_full": _questions(outcome="withheld_in_full") & ~ncnd,
        "q_disclosed": _questions(outcome="disclosed")
        & ~ncnd
        & ~_questions(held_status="not_held"),
        "q_part_not_held": _questions(outcome="disclosed", held_status="partly_held"),
    }

    def cites(section_prefix):
        citing = ExemptionCitation.objects.filter(
            role="procedural",
            exemption__section__startswith=section_prefix,
            question__case__in=cases.order_by().values("pk"),
        ).values("question_id")
        return Q(questions__in=citing)

    limit_hours = Decimal(settings.FOI_COST_LIMIT_POUNDS) / Decimal(settings.FOI_HOURLY_RATE_POUNDS)
    annotated = cases.annotate(
        **{name: Count("questions", filter=condition) for name, condition in buckets.items()},
        _cites_s12=Count("questions", filter=cites("s12")),
        _cites_s14=Count("questions", filter=cites("s14")),
        _hours=F("hours_determining")
        + F("hours_locating")
        + F("hours_retrieving")
        + F("hours_extracting"),
    )
    procedural = Q(q_proc__gt=0) | Q(outcome="procedural_refusal")
    withheld = Q(q_full__gt=0) | Q(q_ncnd__gt=0)
    not_held = Q(q_not_held__gt=0) | Q(q_part_not_held__gt=0)
    expression = SqlCase(
        _when(Q(status__in=CLOCK_STOPPED_STATUSES), "on_hold"),
        _when(~Q(status__in=FINISHED_STATUSES), "not_yet_processed"),
        _when(Q(outcome="withdrawn"), "withdrawn"),
        _when(Q(outcome="lapsed"), "lapsed"),
        _when(Q(outcome="subject_access") | Q(is_subject_access=True), "subject_access"),
        _when(Q(_cites_s12__gt=0), "procedural_s12"),
        _when(Q(_cites_s14__gt=0), "procedural_s14"),
        _when(procedural & Q(_hours__gt=limit_hours), "procedural_s12"),
        _when(procedural, "procedural_s14"),
        _when(Q(q_part__gt=0), "partially_withheld"),
        _when(Q(q_disclosed__gt=0) & withheld, "partially_withheld"),
        _when(Q(q_disclosed__gt=0) & not_held, "part_not_held"),
        _when(Q(q_disclosed__gt=0), "granted_in_full"),
        _when(Q(q_full__gt=0), "withheld_in_full"),
        _when(Q(q_ncnd__gt=0), "ncnd"),
        _when(not_held, "not_held"),
        _when(Q(outcome="granted_in_full"), "granted_in_full"),
        _when(Q(outcome="partially_withheld"), "partially_withheld"),
        _when(Q(outcome="withheld_in_full"), "withheld_in_full"),
        _when(Q(outcome="not_held"), "not_held"),
        _when(Q(outcome="ncnd"), "ncnd"),
        default=Value("not_recorded"),
        output_field=models.CharField(),
    )
    return annotated.annotate(derived_outcome=expression).values("id", "derived_outcome")


def backfill(apps, schema_editor):
    Case = apps.get_model("foi_cases", "Case")
    connection = schema_editor.connection
    bounds = Case.objects.aggregate(first=models.Min("pk"), last=models.Max("pk"))
    if bounds["first"] is None:
        return
    table = connection.ops.quote_name(Case._meta.db_table)
    for start in range(bounds["first"], bounds["last"] + 1, CHUNK):
        cases = Case.objects.filter(pk__gte=start, pk__lt=start + CHUNK).order_by()
        sql, params = derived_outcomes(apps, cases).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "reporting_outcome" = "derived"."derived_outcome" '
                f'FROM ({sql}) "derived" WHERE {table}."id" = "derived"."id" '
                f'AND {table}."reporting_outcome" <> "derived"."derived_outcome"',
                params,
            )


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
