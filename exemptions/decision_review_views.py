"""Decision review: a reviewer approves or returns a case's exemption decisions.

Not to be confused with internal review (a requester's appeal, `foi_cases.review_views`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from exemptions import forms, precedents
from exemptions.models import ExemptionCitation, Review
from exemptions.permissions import can_review, can_second_approve
from foi_cases import queue, team_views, workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case
from foi_cases.permissions import get_case_for_user, is_manager, is_reviewer


@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """Decisions and letters waiting for this reviewer's (or manager's) approval."""
    if not (is_reviewer(request.user) or is_manager(request.user)):
        raise PermissionDenied("Only reviewers and managers review decisions.")
    return render(
        request,
        "exemptions/approval_queue.html",
        {"items": queue.items_for(request.user)},
    )


def _review_case(request: HttpRequest, reference: str) -> tuple[Case, Review]:
    case = get_case_for_user(request, reference)
    review = workflow.current_review(case)
    if review is None:
        raise Http404("This case has not been submitted for review.")
    return case, review


@require_POST
def decision_review_allocate(request: HttpRequest, reference: str) -> HttpResponse:
    """Allocate the decisions waiting to a reviewer ("assign to me", or a manager's choice)."""
    _, review = _review_case(request, reference)
    return team_views.allocate(request, review)


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


def _return_form(case: Case, data: Any = None) -> forms.ReturnForm:
    citations = list(
        ExemptionCitation.objects.filter(question__case=case).select_related("question")
    )
    form = forms.ReturnForm(data, citations=citations, questions=list(case.questions.all()))
    for name, field in form.fields.items():
        # Each comment sits beside its decision, outside the form element it belongs to.
        field.widget.attrs.update({"form": "return-form", "rows": 2})
        if name != "note":
            field.label = f"Comment on {field.label}"
    return form


def _sections(case: Case, user: Any, return_form: forms.ReturnForm) -> list[dict[str, Any]]:
    """Per question: its decisions, each with the comment field about it beside it."""
    changes = {c.number: c for c in workflow.changes_since_return(case) or []}
    questions = case.questions.prefetch_related(
        "citations__exemption", "citations__pit__factors", "public_interest_tests__combines"
    )
    sections = []
    for question in questions:
        citations = sorted(question.citations.all(), key=lambda c: (c.position, c.pk))
        sections.append(
            {
                "question": question,
                "comment_field": return_form[f"question-{question.pk}"],
                "citations": [(c, return_form[f"citation-{c.pk}"]) for c in citations],
                "aggregate": next(
                    (t for t in question.public_interest_tests.all() if t.is_aggregate), None
                ),
                "changes": changes.get(question.number),
                "precedents": precedents.for_question(question, user=user),
            }
        )
    return sections


def _render_review(
    request: HttpRequest,
    case: Case,
    review: Review,
    *,
    approve_form: Any = None,
    return_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    return_form = return_form or _return_form(case)
    changes = workflow.changes_since_return(case)
    return render(
        request,
        "exemptions/decision_review.html",
        {
            "case": case,
            "review": review,
            "sections": _sections(case, request.user, return_form),
            "has_changes": changes is not None,
            "unchanged": changes is not None and not any(c.changed for c in changes),
            "may_act": _may_act(request.user, case, review),
            "next_to_act": queue.next_to_act(review),
            "allocation": queue.allocation_choices(request.user, case, review),
            "approve_form": approve_form or forms.ApproveForm(),
            "return_form": return_form,
            "approved": workflow.is_approved(case),
        },
        status=status,
    )


@require_GET
def decision_review(request: HttpRequest, reference: str) -> HttpResponse:
    case, current = _review_case(request, reference)
    return _render_review(request, case, current)


@require_GET
def old_decision_review(request: HttpRequest, reference: str) -> HttpResponse:
    """The page's address before it was called decision review: kept for bookmarks."""
    case = get_case_for_user(request, reference)
    return redirect("decision_review", case.reference, permanent=True)


@require_POST
def decision_review_approve(request: HttpRequest, reference: str) -> HttpResponse:
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
            return redirect("decision_review", case.reference)
    return _render_review(
        request,
        case,
        current,
        approve_form=form,
        status=403 if not _may_act(request.user, case, current) else 400,
    )


@require_POST
def decision_review_return(request: HttpRequest, reference: str) -> HttpResponse:
    case, current = _review_case(request, reference)
    form = _return_form(case, request.POST)
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
            return redirect("decision_review", case.reference)
    return _render_review(
        request,
        case,
        current,
        return_form=form,
        status=403 if not _may_act(request.user, case, current) else 400,
    )
