"""Decision review: a reviewer approves or returns a case's exemption decisions.

Not to be confused with internal review (a requester's appeal, `foi_cases.review_views`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exemptions import forms, precedents
from exemptions.models import ExemptionCitation, Review, ReviewDraftComment
from exemptions.permissions import can_review, can_second_approve
from foi_cases import consistency_views, queue, team_views, workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case, Record
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


def _return_form(case: Case, data: Any = None, initial: Any = None) -> forms.ReturnForm:
    citations = list(
        ExemptionCitation.objects.filter(question__case=case).select_related("question")
    )
    form = forms.ReturnForm(
        data, initial=initial, citations=citations, questions=list(case.questions.all())
    )
    for name, field in form.fields.items():
        field.widget.attrs.update({"rows": 3})
        if name != "note":
            field.label = f"Comment on {field.label}"
    return form


def _drafts(request: HttpRequest, review: Review) -> dict[str, str]:
    """This reviewer's comments gathered page by page, kept until the review is decided."""
    return dict(
        ReviewDraftComment.objects.filter(review=review, author=request.user.pk).values_list(
            "field", "text"
        )
    )


def _save_drafts(request: HttpRequest, review: Review, texts: dict[str, str]) -> None:
    for field, text in texts.items():
        ReviewDraftComment.objects.update_or_create(
            review=review, author=request.user, field=field, defaults={"text": text}
        )


def _question_fields(question: Any) -> list[str]:
    return [f"question-{question.pk}", *(f"citation-{c.pk}" for c in question.citations.all())]


def _questions(case: Case) -> list[Any]:
    return list(
        case.questions.prefetch_related(
            "citations__exemption", "citations__pit__factors", "public_interest_tests__combines"
        )
    )


def _overview_rows(case: Case, drafts: dict[str, str]) -> list[dict[str, Any]]:
    """Per question: how many decisions, whether they changed since a return, any comment."""
    changes = {c.number: c for c in workflow.changes_since_return(case) or []}
    rows = []
    for question in _questions(case):
        change = changes.get(question.number)
        rows.append(
            {
                "question": question,
                "decisions": len(question.citations.all()),
                "changed": bool(change and change.changed),
                "commented": any(drafts.get(n, "").strip() for n in _question_fields(question)),
            }
        )
    return rows


def _section(case: Case, question: Any, user: Any, form: forms.ReturnForm) -> dict[str, Any]:
    """One question: its decisions, each with the comment field about it beside it."""
    changes = {c.number: c for c in workflow.changes_since_return(case) or []}
    citations = sorted(question.citations.all(), key=lambda c: (c.position, c.pk))
    return {
        "question": question,
        "comment_field": form[f"question-{question.pk}"],
        "citations": [(c, form[f"citation-{c.pk}"]) for c in citations],
        "aggregate": next(
            (t for t in question.public_interest_tests.all() if t.is_aggregate), None
        ),
        "changes": changes.get(question.number),
        "precedents": precedents.for_question(question, user=user),
    }


def _context(request: HttpRequest, case: Case, review: Review) -> dict[str, Any]:
    changes = workflow.changes_since_return(case)
    return {
        "case": case,
        "review": review,
        "has_changes": changes is not None,
        "unchanged": changes is not None and not any(c.changed for c in changes),
        "may_act": _may_act(request.user, case, review),
        "next_to_act": queue.next_to_act(review),
        "approved": workflow.is_approved(case),
        "submitted_records": _submitted_records(review),
    }


def _submitted_records(review: Review) -> list[dict[str, Any]]:
    """The records and redactions as submitted: exactly what an approval covers."""
    labels = dict(Record.Responsiveness.choices)
    return [
        {**row, "responsive_label": labels.get(row.get("responsive"), "")}
        for row in (review.submitted_content or {}).get("records", [])
    ]


def _render_decide(
    request: HttpRequest,
    case: Case,
    review: Review,
    *,
    approve_form: Any = None,
    return_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    """The last step: the comments gathered, and the forms to return or approve."""
    drafts = _drafts(request, review)
    return_form = return_form or _return_form(case, initial=drafts)
    gathered = [
        (str(return_form[name].label).removeprefix("Comment on "), text)
        for name, text in drafts.items()
        if name in return_form.fields and text.strip()
    ]
    return render(
        request,
        "exemptions/decision_review_decide.html",
        {
            **_context(request, case, review),
            "approve_form": approve_form or forms.ApproveForm(),
            "return_form": return_form,
            "gathered": gathered,
            "comment_fields": [f for f in return_form if f.name != "note"],
            "first_question": case.questions.order_by("number").first(),
            **consistency_views.approval_context(case, request.user, review.round),
        },
        status=status,
    )


@require_GET
def decision_review(request: HttpRequest, reference: str) -> HttpResponse:
    """The reviewer's task list: each question, its decisions' state and any comment."""
    case, review = _review_case(request, reference)
    rows = _overview_rows(case, _drafts(request, review))
    return render(
        request,
        "exemptions/decision_review.html",
        {
            **_context(request, case, review),
            "rows": rows,
            "commented": sum(r["commented"] for r in rows),
            "allocation": queue.allocation_choices(request.user, case, review),
        },
    )


@require_http_methods(["GET", "POST"])
def decision_review_question(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """One question's decisions, what changed since the return, and the comment boxes."""
    case, review = _review_case(request, reference)
    questions = _questions(case)
    question = next((q for q in questions if q.number == number), None)
    if question is None:
        raise Http404("No such question.")
    drafts = _drafts(request, review)
    form = _return_form(case, request.POST if request.method == "POST" else None, initial=drafts)
    if request.method == "POST":
        if not _may_act(request.user, case, review):
            raise PermissionDenied("You cannot review these decisions.")
        if form.is_valid():
            _save_drafts(
                request,
                review,
                {name: form.cleaned_data.get(name, "") for name in _question_fields(question)},
            )
            go_to = _go_to(request.POST.get("go_to"), questions)
            if go_to is not None:
                return redirect("decision_review_question", case.reference, go_to)
            later = [q for q in questions if q.number > number]
            if later:
                return redirect("decision_review_question", case.reference, later[0].number)
            return redirect("decision_review_decide", case.reference)
    index = questions.index(question)
    return render(
        request,
        "exemptions/decision_review_question.html",
        {
            **_context(request, case, review),
            "section": _section(case, question, request.user, form),
            "form": form,
            "previous": questions[index - 1] if index else None,
            "following": questions[index + 1] if index + 1 < len(questions) else None,
        },
        status=400 if form.errors else 200,
    )


def _go_to(value: Any, questions: list[Any]) -> int | None:
    """The question a "previous" or "next" button asked for, once the comments are saved."""
    numbers = {str(q.number): q.number for q in questions}
    return numbers.get(str(value or ""))


@require_GET
def decision_review_decide(request: HttpRequest, reference: str) -> HttpResponse:
    """Approve or return, with the comments gathered on the questions' pages."""
    case, review = _review_case(request, reference)
    return _render_decide(request, case, review)


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
    return _render_decide(
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
    return _render_decide(
        request,
        case,
        current,
        return_form=form,
        status=403 if not _may_act(request.user, case, current) else 400,
    )
