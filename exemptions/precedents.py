"""Earlier decisions on similar questions, and the consistency guard's findings.

A precedent is a decided question on another case that shares the exemption or a topic
with this one and whose text is similar (word overlap). The warnings are the consistency
guard's (foi_cases.consistency): earlier positions on the same protected people, places
and attributes, contradictions and mosaics. A case the user may not see is named by its
reference and position only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from exemptions.models import Exemption, ExemptionCitation
from foi_cases.consistency import ledger
from foi_cases.models import Question
from foi_cases.permissions import cases_visible_to

CANDIDATES = 500
SHOWN = 5
SIMILAR = 0.35
RELATED_SIMILAR = 0.2
WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset(
    "a about all an and any are as at be been by can did do does for from has have how i in "
    "is it its me of on or please provide since that the their there this to was were what "
    "when where which who will with would you your".split()
)


@dataclass(frozen=True)
class Precedent:
    reference: str
    number: int
    text: str
    held_status: str
    held_label: str
    provisions: tuple[str, ...]
    similarity: float
    same_exemption: bool
    same_topic: bool


@dataclass
class Report:
    precedents: list[Precedent] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def for_question(question: Question, *, user: Any, exemption: Exemption | None = None) -> Report:
    """Precedents the user may see, and the consistency findings on the question."""
    case = question.case
    exemption_ids = set(question.citations.values_list("exemption_id", flat=True))
    if exemption is not None:
        exemption_ids.add(exemption.pk)
    topic_ids = set(case.topics.values_list("pk", flat=True))
    mine = words(question.text)
    candidates = list(
        Question.objects.exclude(case=case)
        .exclude(held_status="")
        .select_related("case")
        .prefetch_related("case__topics")
        .order_by("-pk")[:CANDIDATES]
    )
    citations: dict[int, list[ExemptionCitation]] = {}
    for citation in ExemptionCitation.objects.filter(question__in=[q.pk for q in candidates]).only(
        "question_id", "exemption_id", "provision"
    ):
        citations.setdefault(citation.question_id, []).append(citation)
    visible = set(
        cases_visible_to(user)
        .filter(pk__in={q.case_id for q in candidates})
        .values_list("pk", flat=True)
    )
    report = Report()
    scored = []
    for other in candidates:
        cited = citations.get(other.pk, [])
        same_exemption = bool(exemption_ids & {c.exemption_id for c in cited})
        same_topic = bool(topic_ids & {t.pk for t in other.case.topics.all()})
        score = similarity(mine, words(other.text))
        related = same_exemption or same_topic
        if not (score >= SIMILAR or (related and score >= RELATED_SIMILAR)):
            continue
        if other.case_id in visible:
            scored.append(
                (
                    same_exemption + same_topic + score,
                    Precedent(
                        reference=other.case.reference,
                        number=other.number,
                        text=other.text,
                        held_status=other.held_status,
                        held_label=other.get_held_status_display(),
                        provisions=tuple(c.provision for c in cited),
                        similarity=round(score, 2),
                        same_exemption=same_exemption,
                        same_topic=same_topic,
                    ),
                )
            )
    scored.sort(key=lambda pair: pair[0], reverse=True)
    report.precedents = [precedent for _, precedent in scored[:SHOWN]]
    report.warnings = ledger.describe(ledger.findings_for_question(question), user=user, case=case)
    return report
