"""Logging a new request: paste, split into questions, check them, save."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from foi_cases import form_tokens, forms, intake, workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case
from foi_cases.permissions import (
    can_log_requests,
)


def _unbound_copy(form: forms.IntakeForm, **changes: Any) -> forms.IntakeForm:
    """The same values, without validation messages (for the steps before saving)."""
    initial = {name: form[name].value() for name in form.fields}
    initial.update(changes)
    return forms.IntakeForm(initial=initial)


def _render_intake(
    request: HttpRequest,
    form: forms.IntakeForm,
    questions: django_forms.BaseFormSet,
    *,
    notice: str = "",
    status: int = 200,
    form_token: str = "",
) -> HttpResponse:
    text = form["request_text"].value() or ""
    email = str(form["requester_email"].value() or "")
    return render(
        request,
        "foi_cases/case_new.html",
        {
            "form": form,
            "questions": questions,
            "notice": notice,
            "requester_suggestions": workflow.requester_suggestions(email, user=request.user),
            "chosen_requester": str(form["existing_requester"].value() or ""),
            "form_token": form_token or form_tokens.for_page(request),
            "subject_access_reasons": intake.subject_access_reasons(text) if text else [],
        },
        status=status,
    )


def _too_big(request: HttpRequest) -> HttpResponse:
    form = forms.IntakeForm()
    form.add_error(
        None,
        "What you sent was too large to read. The request text must be "
        f"{forms.MAX_REQUEST_CHARACTERS:,} characters or fewer: paste only the request, "
        "and attach longer material to the case once it is logged.",
    )
    return _render_intake(
        request, form, forms.question_formset([]), status=413, form_token=form_tokens.issue()
    )


def _split(form: forms.IntakeForm) -> tuple[forms.IntakeForm, django_forms.BaseFormSet]:
    text = form["request_text"].value() or ""
    ticked = bool(form["is_subject_access"].value()) or intake.looks_like_subject_access(text)
    texts = intake.split_questions(text)
    return _unbound_copy(form, is_subject_access=ticked), forms.question_formset(texts)


@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Log a request: paste, split into questions, check them, save."""
    if not can_log_requests(request.user):
        raise PermissionDenied("Only FOI officers and managers can log requests.")
    if request.method == "GET":
        return _render_intake(request, forms.IntakeForm(), forms.question_formset([]))
    try:
        data = request.POST
    except RequestDataTooBig:
        return _too_big(request)
    form = forms.IntakeForm(data)
    questions = forms.question_formset(data=data)
    action = data.get("action", "save")
    earlier = form_tokens.earlier_result(request) if action == "save" else None
    if earlier is not None:
        return form_tokens.show_earlier_result(request, earlier, fallback=reverse("case_list"))
    if action == "split":
        form, questions = _split(form)
        return _render_intake(request, form, questions, notice=_split_notice(questions))
    if not questions.is_valid():
        return _render_intake(request, form if action == "save" else _unbound_copy(form), questions)
    texts = forms.questions_from(questions)
    if action == "save" and questions.total_form_count() == 0:
        # Saving never turns into splitting: questions not yet split are split as they save.
        texts = intake.split_questions(str(form["request_text"].value() or ""))
    if action in ("add_question", "update_questions"):
        if action == "add_question":
            texts.append("")
        return _render_intake(request, _unbound_copy(form), forms.question_formset(texts))
    if form.is_valid() and _unanswered_requester_match(request, form):
        notice = (
            "The e-mail address matches a requester on another case. Choose whether this "
            "request is from them or from a new requester, then save."
        )
        return _render_intake(
            request, _unbound_copy(form), forms.question_formset(texts), notice=notice
        )
    if form.is_valid() and not form_tokens.posted(request):
        notice = (
            "Check the details, then save again: the form came without the one-time token "
            "that stops a request being logged twice."
        )
        return _render_intake(
            request, _unbound_copy(form), forms.question_formset(texts), notice=notice
        )
    if form.is_valid():
        try:
            with form_tokens.submit_once(request, form_tokens.posted(request)) as claim:
                case = _log(request, form.cleaned_data, texts)
                claim.result_url = case.get_absolute_url()
        except form_tokens.AlreadySubmitted as done:
            return form_tokens.show_earlier_result(
                request, done.result_url, fallback=reverse("case_list")
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Request logged as {case.reference}.")
            return redirect(case)
    return _render_intake(request, form, forms.question_formset(texts))


def _split_notice(questions: django_forms.BaseFormSet) -> str:
    count = questions.total_form_count()
    if not count:
        return "No questions were found: type them in below, or paste the request text first."
    noun = "question" if count == 1 else "questions"
    return (
        f"The request was split into {count} {noun}. "
        "Check them, edit, merge or delete as needed, then save."
    )


def _unanswered_requester_match(request: HttpRequest, form: forms.IntakeForm) -> bool:
    """The e-mail matches a requester the officer may see, and they have not yet chosen."""
    email = form.cleaned_data["requester_email"]
    return "existing_requester" not in request.POST and bool(
        workflow.requester_suggestions(email, user=request.user)
    )


def _log(request: HttpRequest, data: dict[str, Any], questions: list[str]) -> Case:
    return workflow.log_request(
        actor=request.user,
        requester=workflow.RequesterDetails(
            name=data["requester_name"],
            email=data["requester_email"],
            postal_address=data["requester_address"],
            requester_type=data["requester_type"],
        ),
        channel=data["channel"],
        received_at=data["received_datetime"],
        received_time_recorded=data["received_time_recorded"],
        regime=data["regime"],
        title=data["title"],
        request_text=data["request_text"],
        questions=questions,
        is_subject_access=data["is_subject_access"],
        reference=data["reference"],
        existing_requester_id=data["existing_requester"],
    )
