"""The decisions as a task list: each question's status, and what changed since a return.

Read-only: nothing here writes. The status of a question's task is derived, never stored:

* returned: the last review returned the decisions with a comment on this question, and the
  question is unchanged since (the review kept the text it was sent);
* not started: no answer and no exemption recorded;
* ready for review: nothing stops this question going to review;
* in progress: anything else.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from exemptions.models import Review, ReviewComment
from foi_cases import approval
from foi_cases.models import Case, Question
from foi_cases.workflow import decisions

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
READY = "ready"
RETURNED = "returned"
LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    READY: "Ready for review",
    RETURNED: "Returned",
}


@dataclass
class QuestionTask:
    question: Question
    status: str
    problems: list[str]
    comments: list[ReviewComment] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.status]


def returned_review(case: Case) -> Review | None:
    """The review that returned the decisions, while the officer is revising them."""
    review = approval.current_review(case)
    if review is None or review.status != Review.Status.RETURNED:
        return None
    return review


def previous_review(case: Case) -> Review | None:
    """The last review before the current one that returned the decisions (round one)."""
    current = approval.current_review(case)
    if current is None:
        return None
    reviews = Review.objects.filter(case=case, status=Review.Status.RETURNED)
    if current.status != Review.Status.RETURNED:
        reviews = reviews.filter(round__lt=current.round)
    return reviews.order_by("-round").first()


def _by_number(content: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {q["number"]: q for q in content.get("questions", [])}


def question_tasks(case: Case) -> list[QuestionTask]:
    """One task per question, in order, with its status and the reviewer's comments on it."""
    returned = returned_review(case)
    comments: dict[int, list[ReviewComment]] = {}
    before: dict[int, dict[str, Any]] = {}
    now: dict[int, dict[str, Any]] = {}
    if returned is not None:
        for comment in returned.comments.select_related("citation"):
            comments.setdefault(comment.question_id, []).append(comment)
        before = _by_number(returned.submitted_content or {})
        now = _by_number(approval.canonical_decisions(case))
    tasks = []
    questions = Question.objects.filter(case=case).order_by("number")
    for question in questions.prefetch_related("citations"):
        problems = decisions.question_problems(question)
        mine = comments.get(question.pk, [])
        unchanged = before.get(question.number) == now.get(question.number)
        if mine and (unchanged or not before):
            status = RETURNED
        elif not question.held_status and not question.citations.all():
            status = NOT_STARTED
        elif problems:
            status = IN_PROGRESS
        else:
            status = READY
        tasks.append(QuestionTask(question, status, problems, mine))
    return tasks


# --- What changed since round one -----------------------------------------------------------


def _pit_lines(pit: dict[str, Any] | None, heading: str) -> list[str]:
    if not pit:
        return []
    lines = [f"{heading}, as at {pit.get('as_at', '')}: {pit.get('conclusion', '')}"]
    for factor in pit.get("factors", []):
        side = "For disclosure" if factor["side"] == "disclosure" else "Against disclosure"
        lines.append(f"  {side} (weight {factor['weight']}): {factor['text']}")
    if pit.get("summary"):
        lines.append(f"  Reasons: {pit['summary']}")
    if pit.get("override_reason"):
        lines.append(f"  Weights overridden: {pit['override_reason']}")
    if pit.get("late_reason"):
        lines.append(f"  Judged late: {pit['late_reason']}")
    return lines


def question_text(content: dict[str, Any] | None) -> list[str]:
    """One question's decisions as plain lines a reviewer can read and compare."""
    if not content:
        return []
    lines = [
        f"Held: {content.get('held_status') or 'not recorded'}; "
        f"outcome: {content.get('outcome') or 'not recorded'}"
    ]
    if content.get("answer_text"):
        lines.append(f"Answer: {content['answer_text']}")
    for citation in content.get("citations", []):
        lines.append(f"{citation['provision'] or citation['section']} ({citation['role']})")
        for key, label in (
            ("likelihood", "Likelihood"),
            ("harm_interest", "What would be harmed"),
            ("harm_mechanism", "How"),
            ("harm_evidence", "Evidence"),
            ("qp_name", "Qualified person"),
            ("reasoning", "Why the exemption applies"),
            ("omit_reasons_justification", "Reasons left out because"),
        ):
            if citation.get(key):
                lines.append(f"  {label}: {citation[key]}")
        lines += ["  " + line for line in _pit_lines(citation.get("pit"), "Public interest")]
    lines += _pit_lines(content.get("aggregate_pit"), "Aggregate public interest test")
    return [part for line in lines for part in line.splitlines() or [""]]


@dataclass
class QuestionChanges:
    number: int
    lines: list[tuple[str, str]]  # ("same" | "added" | "removed", text)

    @property
    def changed(self) -> bool:
        return any(kind != "same" for kind, _ in self.lines)


def changes_since_return(case: Case) -> list[QuestionChanges] | None:
    """Per question, the decisions as returned in the previous round against them now.

    None when there was no earlier return, or it kept no text (reviews made before the text
    was kept).
    """
    earlier = previous_review(case)
    if earlier is None or not earlier.submitted_content:
        return None
    before = _by_number(earlier.submitted_content)
    now = _by_number(approval.canonical_decisions(case))
    result = []
    for number in sorted(set(before) | set(now)):
        old, new = question_text(before.get(number)), question_text(now.get(number))
        lines: list[tuple[str, str]] = []
        for op in difflib.ndiff(old, new):
            code, text = op[:1], op[2:]
            if code == " ":
                lines.append(("same", text))
            elif code == "-":
                lines.append(("removed", text))
            elif code == "+":
                lines.append(("added", text))
        result.append(QuestionChanges(number, lines))
    return result
