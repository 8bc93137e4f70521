"""Decision and review pages: authorise, bind a form, call one workflow function, redirect."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exemptions import forms, precedents, reasoning, validation
from exemptions.models import Exemption, ExemptionCitation, PublicInterestTest, Review
from exemptions.permissions import (
    can_decide,
    can_review,
    can_second_approve,
    can_see_internal_held,
)
from foi_cases import form_tokens, queue, team, team_views, workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case, Question
from foi_cases.permissions import DECISIONS, get_case_for_user, is_manager, is_reviewer
from foi_cases.team_forms import ReviewerForm

LATE_PIT_WARNING = (
    "The public interest test is judged as at a date after the time for compliance; the "
    "reason you gave is recorded with it."
)


def _decider_case(request: HttpRequest, reference: str) -> Case:
    case = get_case_for_user(request, reference)
    if not can_decide(request.user, case):
        raise PermissionDenied("Only the assigned officer or a manager can record decisions.")
    return case


def _question(case: Case, number: int) -> Question:
    return get_object_or_404(Question, case=case, number=number)


def _back(case: Case, question: Question | None = None) -> HttpResponse:
    response = redirect("exemption_decisions", case.reference)
    if question is not None:
        response["Location"] += f"#question-{question.number}"
    return response


# --- Decisions page ------------------------------------------------------------------------


def _question_rows(case: Case, user: Any, bound: dict[int, Any]) -> list[dict[str, Any]]:
    rows = []
    questions = case.questions.prefetch_related(
        "citations__exemption",
        "citations__pit__factors",
        "citations__review_comments",
        "public_interest_tests__combines",
    )
    for question in questions:
        aggregate = next((t for t in question.public_interest_tests.all() if t.is_aggregate), None)
        rows.append(
            {
                "question": question,
                "form": bound.get(question.pk)
                or forms.AnswerForm(
                    initial={
                        "held_status": question.held_status,
                        "outcome": question.outcome,
                        "answer_text": question.answer_text,
                    },
                    prefix=f"q{question.number}",
                ),
                "citations": sorted(question.citations.all(), key=lambda c: (c.position, c.pk)),
                "aggregate": aggregate,
                "precedents": precedents.for_question(question, user=user),
            }
        )
    return rows


def _render_decisions(
    request: HttpRequest, case: Case, *, bound: dict[int, Any] | None = None, status: int = 200
) -> HttpResponse:
    review = workflow.current_review(case)
    rows = _question_rows(case, request.user, bound or {})
    return render(
        request,
        "exemptions/decisions.html",
        {
            "case": case,
            "rows": rows,
            "review": review,
            "comments": review.comments.select_related("citation", "question")
            if review and review.status == Review.Status.RETURNED
            else [],
            "editable": case.status in (Case.Status.IN_PROGRESS, Case.Status.APPROVED),
            "can_submit": case.status == Case.Status.IN_PROGRESS,
            "problems": workflow.readiness_problems(case)
            if case.status == Case.Status.IN_PROGRESS
            else [],
            "approved": workflow.is_approved(case),
            "submit_errors": getattr(request, "_submit_errors", []),
            "reviewer_form": _reviewer_form(case)
            if case.status == Case.Status.IN_PROGRESS
            else None,
        },
        status=status,
    )


@require_GET
def decisions(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_decisions(request, _decider_case(request, reference))


@require_POST
def question_answer(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    case = _decider_case(request, reference)
    question = _question(case, number)
    form = forms.AnswerForm(request.POST, prefix=f"q{number}")
    if form.is_valid():
        try:
            workflow.record_answer(question, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Question {number}: answer saved.")
            return _back(case, question)
    return _render_decisions(request, case, bound={question.pk: form}, status=400)


def _reviewer_form(case: Case, data: Any = None) -> ReviewerForm:
    """The officer's choice of reviewer when sending the decisions for review."""
    return ReviewerForm(data, reviewers=team.eligible_reviewers(case, work=DECISIONS))


@require_POST
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    case = _decider_case(request, reference)
    form = _reviewer_form(case, request.POST)
    if not form.is_valid():
        request._submit_errors = [e for errors in form.errors.values() for e in errors]  # type: ignore[attr-defined]
        return _render_decisions(request, case, status=400)
    try:
        workflow.submit_for_review(case, actor=request.user, reviewer=form.cleaned_data["reviewer"])
    except ValidationError as error:
        request._submit_errors = error.messages  # type: ignore[attr-defined]
        return _render_decisions(request, case, status=400)
    messages.success(request, "The decisions were sent for review.")
    return redirect(case)


# --- Internal held status of NCND questions --------------------------------------------------


@require_http_methods(["GET", "POST"])
def internal_held(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """Show (audited) or record whether an NCND question's information is in fact held."""
    case = get_case_for_user(request, reference)
    question = _question(case, number)
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
            return _back(case, question)
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


# --- Exemption decisions ---------------------------------------------------------------------


def _for_case(case: Case) -> dict[str, Any]:
    """What a citation form offers from its case: templates by topic, its consultations."""
    slugs = list(case.topics.values_list("slug", flat=True))
    return {"topic_slugs": slugs, "consultations": case.consultations.all()}


def _chosen_limbs(form: forms.CitationForm, citation: ExemptionCitation | None) -> list[str]:
    """The limbs chosen on the page, or saved: a public interest test is due per limb."""
    if form.is_bound:
        return list(form.data.getlist("limbs"))
    return list(form.initial.get("limbs") or (citation.limbs if citation else []))


def _citation_page(
    request: HttpRequest,
    case: Case,
    question: Question,
    exemption: Exemption,
    form: forms.CitationForm,
    factors: Any,
    *,
    citation: ExemptionCitation | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "exemptions/citation_form.html",
        {
            "case": case,
            "question": question,
            "exemption": exemption,
            "absolute": validation.citation_is_absolute(
                exemption,
                _chosen_limbs(form, citation),
                house_of_parliament=settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT,
            ),
            "form": form,
            "factors": factors,
            "citation": citation,
            "precedents": precedents.for_question(question, user=request.user, exemption=exemption),
            "form_token": form_tokens.for_page(request),
        },
        status=status,
    )


def _use_template(form: forms.CitationForm, question: Question) -> None:
    """Fill the reasoning (or a public interest factor) from the chosen template, safely."""
    template = form.cleaned_data.get("template")
    if template is None:
        form.add_error("template", "Choose a reasoning template to use")
        return
    version = template.current
    if version is None:
        form.add_error("template", "That template has no text yet")
        return
    limbs = form.cleaned_data.get("limbs") or []
    text = reasoning.render(
        version.text,
        reasoning.values_for(question, provision=validation.provision_text(limbs)),
    )
    form.data = form.data.copy()
    form.data["reasoning"] = text
    form.data["template_version"] = str(version.pk)


def _handle_citation(
    request: HttpRequest,
    case: Case,
    question: Question,
    exemption: Exemption,
    citation: ExemptionCitation | None,
) -> HttpResponse:
    form = forms.CitationForm(request.POST, exemption=exemption, **_for_case(case))
    factors = forms.factor_formset(request.POST)
    action = request.POST.get("action", "save")
    valid = form.is_valid() & factors.is_valid()
    if action == "use_template" and valid:
        _use_template(form, question)
        form = forms.CitationForm(form.data, exemption=exemption, **_for_case(case))
        form.is_valid()
        return _citation_page(request, case, question, exemption, form, factors, citation=citation)
    if action == "add_factors":
        rows = [f.cleaned_data if hasattr(f, "cleaned_data") else {} for f in factors.forms]
        more = forms.factor_formset(initial=rows, extra_rows=2)
        unbound = forms.CitationForm(
            initial=form.cleaned_data if hasattr(form, "cleaned_data") else {},
            exemption=exemption,
            **_for_case(case),
        )
        return _citation_page(request, case, question, exemption, unbound, more, citation=citation)
    if valid:
        pit = form.pit_data(forms.factors_from(factors))
        if not form.errors:
            try:
                if citation is None:
                    with form_tokens.submit_once(request, form_tokens.posted(request)) as claim:
                        citation = workflow.apply_exemption(
                            question,
                            actor=request.user,
                            exemption=exemption,
                            data=form.citation_data(),
                            pit=pit,
                        )
                        claim.result_url = _back(case, question).url
                else:
                    workflow.update_citation(
                        citation, actor=request.user, data=form.citation_data(), pit=pit
                    )
            except form_tokens.AlreadySubmitted as done:
                fallback = _back(case, question).url
                return form_tokens.show_earlier_result(request, done.result_url, fallback=fallback)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(
                    request, f"Question {question.number}: {citation.provision} saved."
                )
                if pit is not None and validation.is_pit_late(pit, case.current_due_on):
                    messages.warning(request, LATE_PIT_WARNING)
                return _back(case, question)
    return _citation_page(
        request, case, question, exemption, form, factors, citation=citation, status=400
    )


@require_http_methods(["GET", "POST"])
def citation_new(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """Step 1: choose the exemption (GET form); step 2: the decision with its tests."""
    case = _decider_case(request, reference)
    question = _question(case, number)
    regime = workflow.question_regime(question)
    chooser = forms.ExemptionChoiceForm(request.GET or None, regime=regime)
    if not chooser.is_bound or not chooser.is_valid():
        return render(
            request,
            "exemptions/citation_choose.html",
            {"case": case, "question": question, "form": chooser},
            status=400 if chooser.is_bound else 200,
        )
    exemption = chooser.cleaned_data["exemption"]
    if request.method == "POST":
        return _handle_citation(request, case, question, exemption, None)
    form = forms.CitationForm(exemption=exemption, **_for_case(case))
    return _citation_page(request, case, question, exemption, form, forms.factor_formset())


@require_http_methods(["GET", "POST"])
def citation_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _decider_case(request, reference)
    citation = get_object_or_404(
        ExemptionCitation.objects.select_related("exemption", "question"),
        pk=pk,
        question__case=case,
    )
    question, exemption = citation.question, citation.exemption
    if request.method == "POST":
        return _handle_citation(request, case, question, exemption, citation)
    form = forms.CitationForm(
        initial=forms.CitationForm.initial_from(citation),
        exemption=exemption,
        **_for_case(case),
    )
    pit = getattr(citation, "pit", None)
    rows = [
        {"side": f.side, "text": f.text, "weight": f.weight}
        for f in (pit.factors.all() if pit else [])
    ]
    return _citation_page(
        request,
        case,
        question,
        exemption,
        form,
        forms.factor_formset(initial=rows),
        citation=citation,
    )


@require_POST
def citation_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _decider_case(request, reference)
    citation = get_object_or_404(ExemptionCitation, pk=pk, question__case=case)
    try:
        workflow.remove_citation(citation, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{citation.provision} removed.")
    return _back(case, citation.question)


@require_http_methods(["GET", "POST"])
def aggregate(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """An aggregated public interest test over the question's qualified exemptions."""
    case = _decider_case(request, reference)
    question = _question(case, number)
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
    factors = (
        forms.factor_formset(request.POST)
        if request.method == "POST"
        else forms.factor_formset(initial=rows)
    )
    if request.method == "POST" and request.POST.get("action") == "remove":
        workflow.remove_aggregate_pit(question, actor=request.user)
        messages.success(request, f"Question {number}: aggregate test removed.")
        return _back(case, question)
    if request.method == "POST" and form.is_valid() & factors.is_valid():
        data = form.cleaned_data
        pit = validation.PitData(
            as_at=data["pit_as_at"],
            conclusion=data["pit_conclusion"],
            summary=data["pit_summary"],
            factors=tuple(forms.factors_from(factors)),
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
            return _back(case, question)
    return render(
        request,
        "exemptions/aggregate_form.html",
        {
            "case": case,
            "question": question,
            "form": form,
            "factors": factors,
            "existing": existing,
            "regime": workflow.question_regime(question),
        },
        status=400 if form.is_bound else 200,
    )


# --- Review ------------------------------------------------------------------------------------


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not (is_reviewer(request.user) or is_manager(request.user)):
        raise PermissionDenied("Only reviewers and managers review decisions.")
    return render(
        request,
        "exemptions/review_queue.html",
        {"items": queue.items_for(request.user)},
    )


@require_POST
def review_allocate(request: HttpRequest, reference: str) -> HttpResponse:
    """Allocate the decisions waiting to a reviewer ("assign to me", or a manager's choice)."""
    case = get_case_for_user(request, reference)
    review = workflow.current_review(case)
    if review is None:
        raise Http404("This case has not been submitted for review.")
    return team_views.allocate(request, review)


def _review_case(request: HttpRequest, reference: str) -> tuple[Case, Review]:
    case = get_case_for_user(request, reference)
    review = workflow.current_review(case)
    if review is None:
        raise Http404("This case has not been submitted for review.")
    return case, review


def _may_act(user: Any, case: Case, review: Review) -> bool:
    if case.status != Case.Status.IN_REVIEW:
        return False
    if review.status == Review.Status.AWAITING_MANAGER:
        return can_second_approve(user, case, review.reviewed_by_id)
    return (
        review.status == Review.Status.PENDING
        and can_review(user, case)
        and review.reviewer_id in (None, user.pk)
    )


def _render_review(
    request: HttpRequest,
    case: Case,
    review: Review,
    *,
    approve_form: Any = None,
    return_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    rows = _question_rows(case, request.user, {})
    citations = [c for row in rows for c in row["citations"]]
    questions = [row["question"] for row in rows]
    return render(
        request,
        "exemptions/review.html",
        {
            "case": case,
            "review": review,
            "rows": rows,
            "may_act": _may_act(request.user, case, review),
            "next_to_act": queue.next_to_act(review),
            "allocation": queue.allocation_choices(request.user, case, review),
            "approve_form": approve_form or forms.ApproveForm(),
            "return_form": return_form
            or forms.ReturnForm(citations=citations, questions=questions),
            "current_hash": workflow.decisions_hash(case),
            "approved": workflow.is_approved(case),
        },
        status=status,
    )


@require_GET
def review(request: HttpRequest, reference: str) -> HttpResponse:
    case, current = _review_case(request, reference)
    return _render_review(request, case, current)


@require_POST
def review_approve(request: HttpRequest, reference: str) -> HttpResponse:
    """Approve: the workflow refuses anyone who wrote the decisions, whatever the route."""
    case, current = _review_case(request, reference)
    form = forms.ApproveForm(request.POST)
    if form.is_valid():
        try:
            result = workflow.approve_decisions(
                case, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                "Approved."
                if result.status == Review.Status.APPROVED
                else "Approved: a manager's second approval is now needed.",
            )
            return redirect("exemption_review", case.reference)
    return _render_review(
        request,
        case,
        current,
        approve_form=form,
        status=403 if not _may_act(request.user, case, current) else 400,
    )


@require_POST
def review_return(request: HttpRequest, reference: str) -> HttpResponse:
    case, current = _review_case(request, reference)
    citations = list(
        ExemptionCitation.objects.filter(question__case=case).select_related("question")
    )
    questions = list(case.questions.all())
    form = forms.ReturnForm(request.POST, citations=citations, questions=questions)
    if form.is_valid():
        try:
            workflow.return_decisions(
                case,
                actor=request.user,
                comments=form.comments("citation"),
                question_comments=form.comments("question"),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "The decisions were returned to the officer.")
            return redirect("exemption_review", case.reference)
    return _render_review(
        request,
        case,
        current,
        return_form=form,
        status=403 if not _may_act(request.user, case, current) else 400,
    )
