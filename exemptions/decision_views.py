"""The decisions of a case as a task list: a page per question, its answer, check and send.

Each page has one primary action. Exemption decisions have their own steps in
`exemptions.citation_views`; the reviewer's side is `exemptions.decision_review_views`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exemptions import forms, precedents, validation
from exemptions.models import ExemptionCitation, PublicInterestTest
from exemptions.permissions import can_decide, can_see_internal_held
from foi_cases import team, workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case, Question
from foi_cases.permissions import DECISIONS, get_case_for_user
from foi_cases.team_forms import ReviewerForm

LATE_PIT_WARNING = (
    "The public interest test is judged as at a date after the time for compliance; the "
    "reason you gave is recorded with it."
)


def decider_case(request: HttpRequest, reference: str) -> Case:
    case = get_case_for_user(request, reference)
    if not can_decide(request.user, case):
        raise PermissionDenied("Only the assigned officer or a manager can record decisions.")
    return case


def get_question(case: Case, number: int) -> Question:
    return get_object_or_404(Question, case=case, number=number)


def back_to_question(case: Case, question: Question) -> HttpResponse:
    return redirect("exemption_question", case.reference, question.number)


def editable(case: Case) -> bool:
    return case.status in (Case.Status.IN_PROGRESS, Case.Status.APPROVED)


def _case_context(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "editable": editable(case),
        "approved": workflow.is_approved(case),
        "returned": workflow.returned_review(case),
    }


# --- The task list -----------------------------------------------------------------------------


@require_GET
def decisions(request: HttpRequest, reference: str) -> HttpResponse:
    case = decider_case(request, reference)
    tasks = workflow.question_tasks(case)
    return render(
        request,
        "exemptions/decisions.html",
        {
            **_case_context(case),
            "tasks": tasks,
            "all_ready": bool(tasks) and all(t.status == "ready" for t in tasks),
            "can_submit": case.status == Case.Status.IN_PROGRESS,
        },
    )


@require_GET
def question_page(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """One question: its answer and its exemption decisions, each with the reviewer's comment."""
    case = decider_case(request, reference)
    question = get_question(case, number)
    task = next(t for t in workflow.question_tasks(case) if t.question.pk == question.pk)
    citations = list(
        question.citations.select_related("exemption", "pit").prefetch_related("pit__factors")
    )
    comments = {c.citation_id: c for c in task.comments if c.citation_id}
    return render(
        request,
        "exemptions/question.html",
        {
            **_case_context(case),
            "question": question,
            "task": task,
            "answer_comments": [c for c in task.comments if c.citation_id is None],
            "cards": [(c, comments.get(c.pk)) for c in citations],
            "aggregate": PublicInterestTest.objects.filter(question=question, citation=None)
            .prefetch_related("combines")
            .first(),
            "precedents": precedents.for_question(question, user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def question_answer(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    case = decider_case(request, reference)
    question = get_question(case, number)
    prefix = f"q{number}"
    if request.method == "POST":
        form = forms.AnswerForm(request.POST, prefix=prefix)
        if form.is_valid():
            try:
                workflow.record_answer(question, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, f"Question {number}: answer saved.")
                return back_to_question(case, question)
    else:
        form = forms.AnswerForm(
            initial={
                "held_status": question.held_status,
                "outcome": question.outcome,
                "answer_text": question.answer_text,
            },
            prefix=prefix,
        )
    return render(
        request,
        "exemptions/answer_form.html",
        {**_case_context(case), "question": question, "form": form},
        status=400 if form.is_bound else 200,
    )


# --- Check your answers and send for review ---------------------------------------------------


def _reviewer_form(case: Case, data: Any = None) -> ReviewerForm:
    """The officer's choice of reviewer when sending the decisions for review."""
    return ReviewerForm(data, reviewers=team.eligible_reviewers(case, work=DECISIONS))


def _render_check(
    request: HttpRequest,
    case: Case,
    *,
    form: ReviewerForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    questions = case.questions.prefetch_related(
        "citations__exemption", "citations__pit__factors", "public_interest_tests__combines"
    )
    return render(
        request,
        "exemptions/check_answers.html",
        {
            **_case_context(case),
            "questions": questions,
            "problems": workflow.readiness_problems(case)
            if case.status == Case.Status.IN_PROGRESS
            else [],
            "can_submit": case.status == Case.Status.IN_PROGRESS,
            "reviewer_form": form or _reviewer_form(case),
            "submit_errors": errors or [],
        },
        status=status,
    )


@require_GET
def check_answers(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_check(request, decider_case(request, reference))


@require_POST
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    case = decider_case(request, reference)
    form = _reviewer_form(case, request.POST)
    if not form.is_valid():
        errors = [e for errors in form.errors.values() for e in errors]
        return _render_check(request, case, form=form, errors=errors, status=400)
    try:
        workflow.submit_for_review(case, actor=request.user, reviewer=form.cleaned_data["reviewer"])
    except ValidationError as error:
        return _render_check(request, case, form=form, errors=error.messages, status=400)
    messages.success(request, "The decisions were sent for review.")
    return redirect(case)


# --- Internal held status of NCND questions --------------------------------------------------


@require_http_methods(["GET", "POST"])
def internal_held(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """Show (audited) or record whether an NCND question's information is in fact held."""
    case = get_case_for_user(request, reference)
    question = get_question(case, number)
    if not can_see_internal_held(request.user, case):
        raise PermissionDenied("Only the people on this case can see this.")
    form = forms.InternalHeldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.record_internal_held_status(
                question,
                actor=request.user,
                held=form.cleaned_data["held"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Question {number}: internal held status recorded.")
            return back_to_question(case, question)
    record = workflow.view_internal_held_status(question, actor=request.user)
    return render(
        request,
        "exemptions/internal_held.html",
        {
            "case": case,
            "question": question,
            "record": record,
            "form": form,
            "can_record": can_decide(request.user, case),
        },
    )


@require_POST
def citation_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = decider_case(request, reference)
    citation = get_object_or_404(ExemptionCitation, pk=pk, question__case=case)
    try:
        workflow.remove_citation(citation, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{citation.provision} removed.")
    return back_to_question(case, citation.question)


@require_http_methods(["GET", "POST"])
def aggregate(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """An aggregated public interest test over the question's qualified exemptions."""
    case = decider_case(request, reference)
    question = get_question(case, number)
    existing = PublicInterestTest.objects.filter(question=question, citation__isnull=True).first()
    initial: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    if existing:
        initial = {
            "citations": list(existing.combines.all()),
            "pit_as_at": existing.as_at,
            "pit_conclusion": existing.conclusion,
            "pit_summary": existing.summary,
            "pit_override_reason": existing.override_reason,
            "pit_presumption_applied": existing.presumption_applied,
            "pit_late_reason": existing.late_reason,
        }
        rows = [
            {"side": f.side, "text": f.text, "weight": f.weight} for f in existing.factors.all()
        ]
    form = forms.AggregateForm(request.POST or None, initial=initial, question=question)
    action = request.POST.get("action")
    formsets = (
        forms.side_factor_formsets(request.POST)
        if request.method == "POST"
        else forms.side_factor_formsets(factors=rows)
    )
    if request.method == "POST" and action == "remove":
        workflow.remove_aggregate_pit(question, actor=request.user)
        messages.success(request, f"Question {number}: aggregate test removed.")
        return back_to_question(case, question)
    valid = form.is_valid() & all([f.is_valid() for _, _, f in formsets])
    if request.method == "POST" and action == "add_factors":
        # Another blank row per side; what was typed stays, and nothing is saved yet.
        formsets = forms.side_factor_formsets(
            factors=forms.posted_side_factors(formsets), extra_rows=1
        )
    elif request.method == "POST" and valid:
        data = form.cleaned_data
        pit = validation.PitData(
            as_at=data["pit_as_at"],
            conclusion=data["pit_conclusion"],
            summary=data["pit_summary"],
            factors=tuple(forms.factors_from_sides(formsets)),
            override_reason=data["pit_override_reason"],
            presumption_applied=data["pit_presumption_applied"],
            late_reason=data["pit_late_reason"],
        )
        try:
            workflow.record_aggregate_pit(
                question, actor=request.user, citations=list(data["citations"]), pit=pit
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Question {number}: aggregate public interest test saved.")
            if validation.is_pit_late(pit, case.current_due_on):
                messages.warning(request, LATE_PIT_WARNING)
            return back_to_question(case, question)
    return render(
        request,
        "exemptions/aggregate_form.html",
        {
            "case": case,
            "question": question,
            "form": form,
            "for_formset": formsets[0][2],
            "against_formset": formsets[1][2],
            "existing": existing,
            "regime": workflow.question_regime(question),
            "back": reverse("exemption_question", args=[case.reference, question.number]),
        },
        status=400 if form.is_bound and action != "add_factors" else 200,
    )
