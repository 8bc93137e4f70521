"""The quarterly Cabinet Office tables and the s45 Code list, against the hand-counted cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from foi_cases.models import Case, Question
from foi_cases.reporting import outcomes as reporting_outcomes
from foi_cases.reporting import statistics
from tests import dashboard_cases, factories
from tests.dashboard_cases import Q1, TODAY

pytestmark = pytest.mark.django_db
R = reporting_outcomes.ReportingOutcome


@pytest.fixture
def cases(officer, other_officer):
    return dashboard_cases.build(officer, other_officer)


def _report():
    tables = statistics.quarterly_report(Case.objects.all(), *Q1, TODAY)
    return {table.slug: table for table in tables}


def _rows(table):
    return {row.cells[0]: row.cells[1] for row in table.rows}


def test_each_case_gets_one_reporting_outcome(cases):
    outcomes = dict(
        reporting_outcomes.annotate_reporting(Case.objects.all()).values_list(
            "reference", "derived_outcome"
        )
    )
    assert outcomes == {
        "A": R.GRANTED_IN_FULL,
        "B": R.PARTIALLY_WITHHELD,
        "C": R.WITHHELD_IN_FULL,
        "D": R.PART_NOT_HELD,
        "E": R.NCND,
        "F": R.NOT_YET_PROCESSED,
        "G": R.NOT_YET_PROCESSED,
        "H": R.ON_HOLD,
        "I": R.PROCEDURAL_S12,
        "J": R.WITHDRAWN,
        "K": R.NOT_YET_PROCESSED,
    }


def test_table_1_status_at_time_of_monitoring(cases):
    assert _rows(_report()["table1"]) == {
        "Total requests received": 10,
        "Answered": 6,
        "Not yet answered": 2,
        "On hold (awaiting clarification or fee)": 1,
        "Lapsed or withdrawn": 1,
        "Handled as a subject access request": 0,
    }


def test_table_3_timeliness(cases):
    assert _rows(_report()["table3"]) == {
        "Answered within 20 working days": 4,
        "Answered within a permitted extension": 1,
        "Answered late": 1,
        "Not yet answered, deadline passed": 1,
        "Not yet answered, within deadline": 1,
        "Lapsed, withdrawn, on hold or not FOI": 2,
        "Answered in time (per cent)": "71.4%",
        "ICO band": "Unsatisfactory",
    }


def test_table_5_and_6_outcomes(cases):
    report = _report()
    assert _rows(report["table5"]) == {
        "Granted in full": 2,
        "Partially withheld": 1,
        "Withheld in full": 2,
        "Information not held": 0,
        "Not yet processed": 2,
        "Lapsed or on hold": 2,
        "Procedural refusal: cost (s12)": 1,
        "Procedural refusal: vexatious or repeated (s14)": 0,
        "Not counted as FOI (subject access) or outcome not recorded": 0,
    }
    assert _rows(report["table6"]) == {
        "Resolvable requests": 6,
        "Granted in full": 2,
        "6a: per cent granted in full": "33.3%",
        "Procedural refusals (s12, s14)": 1,
        "6b: per cent granted in full, excluding procedural refusals": "40.0%",
    }


def test_s45_code_list(cases):
    assert _rows(_report()["code_list"]) == {
        "Number of requests received": 10,
        "Not yet processed": 2,
        "Processed in full": 6,
        "Suspended (awaiting clarification or fee)": 1,
        "Granted in full": 1,
        "Partly disclosed and partly refused": 1,
        "Partly disclosed and partly not held": 1,
        "Refused in full because the information is not held": 0,
        "Refused in full": 3,
        "Not answered within 20 working days": 3,  # B, C (extended) and F (open)
        "Given an extended deadline": 1,
        "Referred for internal review": 3,
    }


@pytest.mark.parametrize(
    ("questions", "case_outcome", "expected"),
    [
        ([("held", "disclosed"), ("ncnd", "withheld_in_full")], "", R.PARTIALLY_WITHHELD),
        ([("not_held", "not_held"), ("not_held", "")], "", R.NOT_HELD),
        ([("ncnd", "withheld_in_full"), ("held", "withheld_in_full")], "", R.WITHHELD_IN_FULL),
        ([("partly_held", "disclosed")], "", R.PART_NOT_HELD),
        ([("held", "procedural")], "", R.PROCEDURAL_S14),
        ([], "granted_in_full", R.GRANTED_IN_FULL),
        ([("held", "")], "ncnd", R.NCND),
        ([], "", R.NOT_RECORDED),
        ([], "subject_access", R.SUBJECT_ACCESS),
        ([], "lapsed", R.LAPSED),
    ],
)
def test_reporting_outcome_derivation(officer, questions, case_outcome, expected):
    case = factories.CaseFactory(status="closed", outcome=case_outcome)
    for number, (held, outcome) in enumerate(questions, start=1):
        factories.QuestionFactory(
            case=case, number=number, text="?", held_status=held, outcome=outcome
        )
    assert reporting_outcomes.count_outcomes(Case.objects.all())[expected] == 1


def test_procedural_refusal_over_the_cost_estimate_counts_as_s12(officer):
    from decimal import Decimal

    case = factories.CaseFactory(
        status="responded", outcome="procedural_refusal", hours_locating=Decimal("30")
    )
    factories.QuestionFactory(case=case, number=1, text="?", held_status="held")
    assert reporting_outcomes.count_outcomes(Case.objects.all())[R.PROCEDURAL_S12] == 1


def test_stored_outcome_follows_the_workflow(officer):
    from foi_cases import workflow
    from foi_cases.workflow import decisions

    case = factories.case_in_progress(officer)

    def stored():
        return Case.objects.get(pk=case.pk).reporting_outcome

    decisions.record_answer(
        case.questions.get(), actor=officer, held_status="held", outcome="disclosed"
    )
    assert stored() == R.NOT_YET_PROCESSED
    workflow.close_case(case, actor=officer, outcome=Case.Outcome.WITHDRAWN)
    assert stored() == R.WITHDRAWN


def test_stored_outcome_follows_each_audited_decision_and_deleted_citation(officer):
    """The audit event a change writes refreshes the stored outcome, whatever the change."""
    from exemptions.models import ExemptionCitation
    from foi_cases.models import CaseEvent
    from foi_cases.workflow.core import record

    case = factories.CaseFactory(status="closed")
    question = factories.QuestionFactory(case=case, number=1, text="?", held_status="held")

    def stored():
        return Case.objects.get(pk=case.pk).reporting_outcome

    def audited():
        record(case, CaseEvent.Verb.DECISION_RECORDED, actor=officer)
        return stored()

    assert stored() == R.NOT_RECORDED
    Question.objects.filter(pk=question.pk).update(outcome="disclosed")
    assert stored() == R.NOT_RECORDED  # written, not yet audited
    assert audited() == R.GRANTED_IN_FULL
    citation = ExemptionCitation.objects.create(
        question=question,
        exemption=factories._catalogue("FOIA-s14(1)"),
        role="procedural",
        provision="s14(1)",
        created_by=officer,
        updated_by=officer,
    )
    assert citation.case_id == case.pk
    assert audited() == R.PROCEDURAL_S14
    citation.delete()
    assert audited() == R.GRANTED_IN_FULL


def test_nightly_reconciliation_corrects_a_stale_outcome(officer, caplog):
    from foi_cases import tasks

    case = factories.CaseFactory(status="closed", outcome="granted_in_full")
    Case.objects.filter(pk=case.pk).update(reporting_outcome=R.NOT_HELD)  # a path that forgot
    assert reporting_outcomes.reporting_drift() == [(case.reference, R.NOT_HELD, R.GRANTED_IN_FULL)]
    assert tasks.reconcile_reporting_outcomes() == 1
    assert "Corrected the stored reporting outcome of 1 cases" in caplog.text
    assert Case.objects.get(pk=case.pk).reporting_outcome == R.GRANTED_IN_FULL
    assert tasks.reconcile_reporting_outcomes() == 0


def test_nightly_reconciliation_corrects_stale_summary_rows(officer, caplog):
    from foi_cases import tasks
    from foi_cases.models import CaseTopicSummary
    from foi_cases.reporting import summary

    security = factories.TopicFactory(name="Security")
    case = factories.CaseFactory(topics=[security])
    counted = list(statistics.topic_rows(Case.objects.all(), *Q1))
    assert counted == [{"topic": security.pk, "topic__name": "Security", "n": 1}]
    CaseTopicSummary.objects.filter(case=case).update(topic=None)  # a path that forgot
    assert summary.drift()
    assert tasks.reconcile_reporting_outcomes() == 0  # no outcome was stale
    assert "Corrected 2 exemption or topic summary rows" in caplog.text
    assert not summary.drift()
    assert list(statistics.topic_rows(Case.objects.all(), *Q1)) == counted


def test_refresh_command_re_derives_after_the_cost_limit_changes(officer, settings):
    from decimal import Decimal
    from io import StringIO

    from django.core.management import call_command

    case = factories.CaseFactory(
        status="responded", outcome="procedural_refusal", hours_locating=Decimal("20")
    )
    assert Case.objects.get(pk=case.pk).reporting_outcome == R.PROCEDURAL_S14
    settings.FOI_COST_LIMIT_POUNDS = 450  # 18 hours: the estimate now exceeds the limit
    out = StringIO()
    call_command("refresh_reporting", stdout=out)
    assert out.getvalue().strip() == "Updated the reporting outcome of 1 cases."
    assert Case.objects.get(pk=case.pk).reporting_outcome == R.PROCEDURAL_S12


def test_ico_bands():
    assert statistics.ico_band(95.0) == "Good"
    assert statistics.ico_band(94.9) == "Adequate"
    assert statistics.ico_band(90.0) == "Adequate"
    assert statistics.ico_band(89.9) == "Unsatisfactory"
    assert statistics.ico_band(None) == "No answered requests"


def test_periods():
    assert statistics.quarter_of(dt.date(2026, 11, 22)) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert statistics.quarter_of(dt.date(2026, 3, 31)) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    assert statistics.rolling_quarter(dt.date(2026, 4, 20)) == (
        dt.date(2026, 1, 21),
        dt.date(2026, 4, 20),
    )
    assert statistics.weighted_median([(14, 2), (19, 2), (22, 1), (36, 1)]) == 19
    assert statistics.weighted_median([(1, 1), (4, 1)]) == 2.5
    assert statistics.weighted_median([]) is None


def test_statistics_page_and_csv_for_managers_only(client, cases, manager, officer):
    client.force_login(officer)
    assert client.get(reverse("statistics")).status_code == 403
    client.force_login(manager)
    response = client.get(reverse("statistics"), {"year": 2026, "quarter": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Table 5: initial outcomes" in html
    assert "Freedom of Information Code of Practice" in html
    response = client.get(reverse("statistics_csv"), {"year": 2026, "quarter": 1})
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Requests received 01 January 2026 to 31 March 2026"
    assert "Table 3: timeliness" in text and "Refused in full,3" in text
    response = client.get(
        reverse("statistics_table_csv", args=["table5"]), {"year": 2026, "quarter": 1}
    )
    assert response.content.decode("utf-8-sig").splitlines()[1] == "Granted in full,2"


def test_statistics_page_ignores_nonsense_quarters(client, cases, manager):
    client.force_login(manager)
    response = client.get(reverse("statistics"), {"year": "=1+1", "quarter": "9"})
    assert response.status_code == 200


def test_report_outcomes_and_exemptions_match_the_separate_queries(
    cases, django_assert_num_queries
):
    """The quarterly report's outcomes, counted in its one aggregate query, and its exemptions
    agree with the queries counting them alone; the report takes four queries."""
    cohort = statistics.received_between(Case.objects.all(), *Q1)
    with django_assert_num_queries(4):
        tables = {
            table.slug: table
            for table in statistics.quarterly_report(Case.objects.all(), *Q1, TODAY)
        }
    counts = reporting_outcomes.cabinet_office_counts(reporting_outcomes.count_outcomes(cohort))
    assert _rows(tables["table5"]) == {
        label: counts[value] for value, label in reporting_outcomes.CabinetOffice.choices
    }
    assert tables["exemptions"] == statistics.exemption_table(cohort)
