"""Triage: an overview whose one action is assigning; topics, restriction, questions and
the cost estimate each on a short page of their own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foi_cases import forms, search, workflow
from foi_cases.consistency import ledger
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case
from foi_cases.permissions import (
    can_see_register_matches,
    can_triage_case,
    get_case_for_user,
)


def _case_for_triage(request: HttpRequest, reference: str) -> Case:
    case = get_case_for_user(request, reference)
    if not can_triage_case(request.user, case):
        raise PermissionDenied("Only a manager or the case's officer can triage this case.")
    return case


def _cost_form(case: Case) -> forms.CostEstimateForm:
    return forms.CostEstimateForm(
        initial={
            "determining": case.hours_determining,
            "locating": case.hours_locating,
            "retrieving": case.hours_retrieving,
            "extracting": case.hours_extracting,
            "notes": case.cost_estimate_notes,
        }
    )


def _render_triage(request: HttpRequest, case: Case, **bound: Any) -> HttpResponse:
    """The triage overview: assigning is its one action; each other part has its own page."""
    context = {
        "case": case,
        "assign_form": forms.AssignForm(initial={"assignee": case.assigned_to_id}),
        "topics": list(case.topics.all()),
        "questions": list(case.questions.all()),
        "estimate": workflow.cost_estimate(case),
        "matches": search.possible_duplicates(case, user=request.user),
        "consistency": (
            ledger.describe(ledger.findings_for_case(case), user=request.user, case=case)
            if can_see_register_matches(request.user, case)
            else None
        ),
    }
    context.update(bound)
    return render(request, "foi_cases/case_triage.html", context)


# Each part of triage besides assigning: its page title and template.
_STEPS = {
    "topics": ("Topics", "foi_cases/triage/topics.html"),
    "restriction": ("Need to know", "foi_cases/triage/restriction.html"),
    "questions": ("Questions", "foi_cases/triage/questions.html"),
    "cost": ("Cost limit estimate (s12)", "foi_cases/triage/cost.html"),
}


def _render_step(request: HttpRequest, case: Case, step: str, **context: Any) -> HttpResponse:
    title, template = _STEPS[step]
    return render(request, template, {"case": case, "step_title": title, **context})


def _topics_page(request: HttpRequest, case: Case, form: forms.TopicsForm) -> HttpResponse:
    return _render_step(request, case, "topics", form=form)


def _restriction_page(
    request: HttpRequest, case: Case, form: forms.RestrictionForm
) -> HttpResponse:
    return _render_step(request, case, "restriction", form=form)


def _questions_page(request: HttpRequest, case: Case, **context: Any) -> HttpResponse:
    context.setdefault("questions", forms.question_formset([q.text for q in case.questions.all()]))
    context.setdefault("questions_seen_hash", workflow.questions_seen_hash(case))
    return _render_step(request, case, "questions", **context)


def _cost_page(request: HttpRequest, case: Case, form: forms.CostEstimateForm) -> HttpResponse:
    return _render_step(request, case, "cost", form=form, estimate=workflow.cost_estimate(case))


@require_GET
def case_triage(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_triage(request, _case_for_triage(request, reference))


@require_POST
def triage_assign(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_triage(request, reference)
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        try:
            workflow.assign_case(case, actor=request.user, assignee=form.cleaned_data["assignee"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            assignee = form.cleaned_data["assignee"]
            name = assignee.get_full_name() or assignee.get_username()
            messages.success(request, f"Assigned to {name}.")
            return redirect("case_triage", case.reference)
    return _render_triage(request, case, assign_form=form)


@require_http_methods(["GET", "POST"])
def triage_topics(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_triage(request, reference)
    if request.method == "GET":
        initial = {"topics": list(case.topics.all())}
        return _topics_page(request, case, forms.TopicsForm(initial=initial))
    form = forms.TopicsForm(request.POST)
    if form.is_valid():
        workflow.set_topics(case, actor=request.user, topics=list(form.cleaned_data["topics"]))
        messages.success(request, "Topics saved.")
        return redirect("case_triage", case.reference)
    return _topics_page(request, case, form)


@require_http_methods(["GET", "POST"])
def triage_restriction(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_triage(request, reference)
    if request.method == "GET":
        initial = {"restricted": case.restricted}
        return _restriction_page(request, case, forms.RestrictionForm(initial=initial))
    form = forms.RestrictionForm(request.POST)
    if form.is_valid():
        try:
            workflow.set_restricted(
                case,
                actor=request.user,
                restricted=form.cleaned_data["restricted"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                "The case is now restricted." if case.restricted else "The case is not restricted.",
            )
            return redirect("case_triage", case.reference)
    return _restriction_page(request, case, form)


def _seen_questions(request: HttpRequest) -> dict[str, str]:
    """Keep the questions' hash the form was first shown with across its re-displays."""
    seen = request.POST.get("seen_hash")
    return {"questions_seen_hash": seen} if seen is not None else {}


@require_http_methods(["GET", "POST"])
def triage_questions(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_triage(request, reference)
    if request.method == "GET":
        return _questions_page(request, case)
    questions = forms.question_formset(data=request.POST)
    if not questions.is_valid():
        return _questions_page(request, case, questions=questions, **_seen_questions(request))
    texts = forms.questions_from(questions)
    action = request.POST.get("action", "save")
    if action in ("add_question", "update_questions"):
        if action == "add_question":
            texts.append("")
        return _questions_page(
            request, case, questions=forms.question_formset(texts), **_seen_questions(request)
        )
    try:
        workflow.replace_questions(
            case, actor=request.user, texts=texts, seen_hash=request.POST.get("seen_hash")
        )
    except ValidationError as error:
        return _questions_page(
            request,
            case,
            questions=forms.question_formset(texts),
            questions_errors=error.messages,
            page_has_errors=True,
            **_seen_questions(request),
        )
    messages.success(request, f"Questions saved: {len(texts)}.")
    return redirect("case_triage", case.reference)


@require_http_methods(["GET", "POST"])
def triage_cost(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_triage(request, reference)
    if request.method == "GET":
        return _cost_page(request, case, _cost_form(case))
    form = forms.CostEstimateForm(request.POST)
    if form.is_valid():
        try:
            workflow.record_cost_estimate(case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            estimate = workflow.cost_estimate(case)
            verdict = "exceeds" if estimate.exceeds_limit else "is within"
            messages.success(
                request, f"Cost estimate saved: £{estimate.cost:,.2f}, which {verdict} the limit."
            )
            return redirect("case_triage", case.reference)
    return _cost_page(request, case, form)
