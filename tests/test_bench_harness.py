"""The benchmark harness runs end to end on a tiny data set; no time is asserted."""

import io
import json

import pytest

from benchmarks import run as bench

PAGES = (
    "case_list",
    "case_list_by_officer",
    "case_page",
    "dashboard",
    "statistics",
    "search",
    "admin_case_changelist",
)
REQUIRED = {"name", "status", "cases", "cpu_count", "commit"}


@pytest.mark.django_db
def test_harness_emits_one_json_line_per_measurement(tmp_path):
    out = io.StringIO()
    latest = tmp_path / "latest.json"

    results = bench.run(
        cases=30,
        iterations=3,
        warmup=1,
        letter_renders=1,
        due_dates=300,
        ledger_positions=2_000,
        results_path=latest,
        seed_record=tmp_path / "seed.json",
        stream=out,
    )

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == json.loads(latest.read_text()) == json.loads(json.dumps(results, default=str))
    by_name = {row["name"]: row for row in lines}
    for row in lines:
        assert REQUIRED <= row.keys()
        assert row["cases"] == 30
    assert by_name["seeding"]["added"] == 30
    for name in PAGES:
        row = by_name[name]
        if row["status"] == "missing":
            continue
        assert {"p50_ms", "p95_ms", "queries", "meets_target"} <= row.keys()
        assert row["iterations"] == 3
    assert by_name["case_list"]["status"] == "measured"
    assert 0 < by_name["case_list"]["queries"] <= bench.MAX_QUERIES
    assert "ratio_p50" in by_name["case_list_vs_admin"]
    assert "ratio_p50" in by_name["letter_pipeline_vs_weasyprint"]
    assert by_name["due_dates"]["count"] == 300
    assert by_name["consistency_check"]["positions"] >= 2_000
    assert by_name["consistency_check"]["findings"] > 0
    assert "missing" in by_name["bench_total"]
