"""The consistency guard's benchmark line: checking one case against a ledger of
1,000,000 positions (issue 21). Run by `benchmarks.run` (`make bench`, or
`python -m benchmarks.run --only consistency`).

The ledger is topped up to `positions` rows with COPY: 650 fictional Members, positions
spread over the seeded vocabulary, the cases and questions already in the database, a
quarter of them NCND. The case checked asks about three Members (one by name, one by
constituency, one by address) and four attributes, so every query of the check runs:
the same subjects' positions, the class NCND per attribute and the mosaic look-up.
"""

from __future__ import annotations

import io
import random
import time
from typing import Any

MEMBERS = 650
CHUNK = 200_000
POSITIONS = ("disclosed", "withheld", "ncnd", "not_held")
WEIGHTS = (3, 3, 3, 3)
CHECKED_QUESTIONS = (
    "Has a panic room been installed for Bench Member 7?",
    "What CCTV and alarms protect the Member for Benchshire 12?",
    "What security costs were claimed for 19 Bench Street?",
)


def _register() -> tuple[list[int], list[int]]:
    from foi_cases.consistency.ledger import seed_vocabulary
    from foi_cases.models import ProtectedPerson, ProtectedPlace, SecurityAttribute

    seed_vocabulary()  # if the database was flushed
    if ProtectedPerson.objects.filter(name__startswith="Bench Member").count() < MEMBERS:
        ProtectedPerson.objects.filter(name__startswith="Bench Member").delete()
        people = ProtectedPerson.objects.bulk_create(
            ProtectedPerson(name=f"Bench Member {n}", constituency=f"Benchshire {n}")
            for n in range(MEMBERS)
        )
        ProtectedPlace.objects.bulk_create(
            ProtectedPlace(
                name=f"Bench office {n}",
                kind=ProtectedPlace.Kind.CONSTITUENCY_OFFICE,
                address=f"{n} Bench Street, Benchtown",
                person=person,
            )
            for n, person in enumerate(people)
        )
    people_ids = list(
        ProtectedPerson.objects.filter(name__startswith="Bench Member").values_list("pk", flat=True)
    )
    return people_ids, list(SecurityAttribute.objects.values_list("pk", flat=True))


def top_up_ledger(positions: int) -> dict[str, Any]:
    """Fill the ledger to `positions` rows with COPY; return how many were added and how fast."""
    from django.db import connection

    from foi_cases.models import Position, Question

    people, attributes = _register()
    have = Position.objects.count()
    if have >= positions:
        return {"added": 0, "seconds": 0.0}
    questions = list(Question.objects.values_list("pk", "case_id", "case__requester_id")[:20_000])
    if not questions:
        raise RuntimeError("No cases to hang positions on: seed cases first (seed_bulk).")
    rng = random.Random(21)
    start = time.perf_counter()
    table = Position._meta.db_table
    columns = "person_id, attribute_id, position, sections, case_id, question_id, requester_id, on"
    columns = columns.replace(" on", ' "on"')
    wanted = positions - have
    with connection.cursor() as cursor:
        while wanted > 0:
            batch = min(CHUNK, wanted)
            buffer = io.StringIO()
            for _ in range(batch):
                question, case, requester = rng.choice(questions)
                kind = rng.choices(POSITIONS, WEIGHTS)[0]
                sections = "s38(1)(b)" if kind in ("withheld", "ncnd") else ""
                on = f"20{rng.randint(16, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                buffer.write(
                    f"{rng.choice(people)}\t{rng.choice(attributes)}\t{kind}\t{sections}\t"
                    f"{case}\t{question}\t{requester}\t{on}\n"
                )
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            wanted -= batch
        cursor.execute(f"ANALYZE {table}")
    return {"added": positions - have, "seconds": round(time.perf_counter() - start, 1)}


def checked_case() -> Any:
    """The case the benchmark checks, logged once and recognised as at intake."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from foi_cases.consistency import ledger
    from foi_cases.models import Case, Question, Requester
    from foi_cases.reporting.outcomes import refresh_reporting

    case = Case.objects.filter(reference="BENCH-CONSISTENCY").first()
    if case is None:
        user = get_user_model().objects.order_by("pk").first() or get_user_model().objects.create(
            username="bench-consistency"
        )
        case = Case.objects.create(
            reference="BENCH-CONSISTENCY",
            requester=Requester.objects.create(name="Bench requester"),
            channel="email",
            received_at=timezone.now(),
            title="Consistency benchmark",
            request_text="\n".join(CHECKED_QUESTIONS),
            status="in_progress",
            created_by=user,
        )
        Question.objects.bulk_create(
            Question(case=case, number=n, text=text, held_status="held", outcome="disclosed")
            for n, text in enumerate(CHECKED_QUESTIONS, start=1)
        )
        # Written without an audit event: its stored reporting outcome and summary rows too.
        refresh_reporting([case.pk])
    register = ledger.load_register()
    for question in Question.objects.filter(case=case):
        ledger.recognise_question(question, register)
    return case
