"""seed_bulk: synthetic volume written with COPY that the application can carry on from."""

import io

import pytest
from django.core.management import call_command

from exemptions.models import ExemptionCitation
from foi_cases import search
from foi_cases.models import Case, CaseEvent, Question
from tests.factories import CaseFactory, catalogue_exemption

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_seeded_cases_are_shaped_like_real_ones_and_new_rows_follow_them():
    catalogue_exemption("FOIA-s31")  # loads the catalogue the citations draw on
    out = io.StringIO()
    call_command("seed_bulk", cases=400, stdout=out)
    assert "Added 400 cases" in out.getvalue()

    cases = Case.objects.all()
    assert cases.count() == 400
    assert cases.filter(restricted=True).exists()
    assert cases.exclude(status__in=Case.FINISHED_STATUSES).exists()
    assert cases.filter(status=Case.Status.CLOSED).exclude(outcome="").exists()
    assert cases.filter(assigned_to__isnull=False).values("assigned_to").distinct().count() > 5
    assert ExemptionCitation.objects.values("case").distinct().count() > 40
    assert Question.objects.count() >= 400
    assert CaseEvent.objects.count() >= 8 * 400
    # Searchable: the stored full-text vector is filled in from the text.
    assert cases.filter(search.text_matches(["security"])).exists()
    # The conftest drift check then compares every stored reporting outcome with its
    # derivation from the rows written.

    # Keys were handed out by seed_bulk: the application's own inserts carry on after them.
    CaseFactory()
    assert Case.objects.count() == 401
    call_command("seed_bulk", cases=450, stdout=io.StringIO())
    assert Case.objects.count() == 450
    assert Case.objects.values("reference").distinct().count() == 450


def _indexes() -> set[tuple[str, str]]:
    """Each index's name and definition, up to its predicate: PostgreSQL deparses a rebuilt
    partial index's `status IN (…)` as an equal but differently spelt array."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        )
        return {(name, definition.split(" WHERE ")[0]) for name, definition in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_a_large_top_up_loads_without_its_indexes_and_builds_every_one_again():
    catalogue_exemption("FOIA-s31")
    before = _indexes()
    call_command("seed_bulk", cases=300, stdout=io.StringIO())

    assert _indexes() == before
    cases = Case.objects.all()
    assert cases.count() == 300
    # The audit trail is written from the cases: logged on receipt, then the workflow's steps,
    # an approval by a reviewer, the response when answered.
    first = cases.filter(responded_at__isnull=False).order_by("pk").first()
    events = list(first.events.order_by("created_at"))
    assert events[0].verb == CaseEvent.Verb.LOGGED
    assert events[0].created_at == first.received_at
    assert 9 <= len(events) <= 13
    assert events[-1].verb == CaseEvent.Verb.RESPONSE_SENT
    assert events[-1].created_at == first.responded_at
    approvals = CaseEvent.objects.filter(verb=CaseEvent.Verb.APPROVED)
    assert approvals.exists()
    assert not approvals.filter(actor__username__startswith="bench-officer").exists()
    # The application's own rows carry on after the seeded ones.
    CaseFactory()
    assert Case.objects.count() == 301
