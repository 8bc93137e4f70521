"""axe-core on the page in front of the browser: screenshot, record, fail on serious or critical.

Every check saves a full-page screenshot to test-artifacts/screenshots/<test>-<n>-<slug>.png
(git-ignored) and records the URL and the violation counts by impact; the browser conftest
writes the records to test-artifacts/axe-summary.json when the session ends.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
SUMMARY = ARTIFACTS / "axe-summary.json"

IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = ("critical", "serious")

# The rules axe-core runs by default (WCAG 2.0/2.1/2.2 A and AA, and best practice); only
# serious and critical violations fail a test, the others are counted in the summary.
OPTIONS = {"resultTypes": ["violations"]}

_axe = Axe()


@dataclass
class PageCheck:
    test: str
    step: int
    slug: str
    url: str
    title: str
    screenshot: str
    violations: dict[str, int] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


RECORDS: list[PageCheck] = []


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "page"


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable paragraph per violation: rule, impact, help, where."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


class AxeChecker:
    """Checks the pages one test visits, numbering them in order."""

    def __init__(self, test_name: str) -> None:
        self.test_name = _safe(test_name)
        self.step = 0

    def __call__(self, page: Any, slug: str) -> PageCheck:
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{self.step:02d}-{_safe(slug)}.png"
        page.screenshot(path=str(path), full_page=True)
        violations = _axe.run(page, options=OPTIONS).response["violations"]
        counts = {impact: 0 for impact in IMPACTS}
        for violation in violations:
            impact = violation.get("impact") or "minor"
            counts[impact] = counts.get(impact, 0) + len(violation["nodes"])
        record = PageCheck(
            test=self.test_name,
            step=self.step,
            slug=slug,
            url=page.url,
            title=page.title(),
            screenshot=str(path.relative_to(REPO_ROOT)),
            violations=counts,
            rules=sorted({v["id"] for v in violations}),
            where=[
                f"{v['id']} ({v.get('impact')}): " + " ".join(map(str, node.get("target", [])))
                for v in violations
                for node in v["nodes"]
            ],
        )
        RECORDS.append(record)
        failing = [v for v in violations if v.get("impact") in FAILING]
        if failing:
            pytest.fail(
                f"axe-core found {len(failing)} serious or critical accessibility "
                f"violation(s) on {page.url} ({slug}); screenshot {record.screenshot}:\n"
                + describe(failing),
                pytrace=False,
            )
        return record
