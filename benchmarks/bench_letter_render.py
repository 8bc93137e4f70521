"""Median render time and page count of the seed-001 final response (issue 5).

Run: SECRET_KEY=x .venv/bin/pytest benchmarks/bench_letter_render.py -q -s -p no:cacheprovider
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.contrib.auth.models import Group

from foi_cases import letters, workflow
from foi_cases.letters.render import PDF_VARIANT
from foi_cases.models import Letter
from tests import factories
from tests.letter_helpers import (
    SEED_001_QUESTIONS,
    complete_letter_settings,
    log_case,
    record_seed_001_decisions,
)

RENDERS = 10


@pytest.mark.django_db
def test_seed_001_final_response_render_time():
    for name in ("FOI officer", "Reviewer"):
        Group.objects.get_or_create(name=name)
    officer = factories.UserFactory(username="olivia", roles=["FOI officer"])
    reviewer = factories.UserFactory(username="rita", roles=["Reviewer"])
    complete_letter_settings()
    case = log_case(officer, questions=SEED_001_QUESTIONS, assignee=officer)
    record_seed_001_decisions(case, officer=officer, reviewer=reviewer)
    case.refresh_from_db()
    letter = workflow.compose_letter(case, actor=officer, kind=Letter.Kind.FINAL_RESPONSE)

    start = time.perf_counter()
    first = letters.render_letter_document(letter)
    cold = time.perf_counter() - start
    timings = []
    for _ in range(RENDERS):
        start = time.perf_counter()
        rendered = letters.render_letter_document(letter)
        timings.append(time.perf_counter() - start)

    assert rendered.pages == first.pages
    print(
        f"\nseed-001 final response: {rendered.pages} pages, {rendered.size:,} bytes, "
        f"{PDF_VARIANT}; first render in the process {cold:.3f} s; "
        f"median of {RENDERS} warm renders {statistics.median(timings):.3f} s "
        f"(min {min(timings):.3f} s, max {max(timings):.3f} s)"
    )
