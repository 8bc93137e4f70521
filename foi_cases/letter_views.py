"""Pages for a case's letters: list, compose, edit, preview, approve, download, retry, sent."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from foi_cases import form_tokens, letters, queue, team, team_views, workflow
from foi_cases.form_errors import attach_errors
from foi_cases.letter_forms import (
    LetterApproveForm,
    LetterEditForm,
    LetterReturnForm,
    LetterSentForm,
)
from foi_cases.mail import outbound
from foi_cases.models import Case, Letter
from foi_cases.permissions import can_edit_case, get_case_for_user, is_reviewer
from foi_cases.team_forms import ReviewerForm


def _letter(case: Case, pk: int) -> Letter:
    return get_object_or_404(Letter.objects.select_related("case", "approved_by"), case=case, pk=pk)


@require_GET
def letter_list(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    rows = list(
        case.letters.select_related("composed_by", "approved_by").order_by("kind", "-version")
    )
    undelivered = outbound.undelivered([letter.pk for letter in rows])
    return render(
        request,
        "foi_cases/letters/letter_list.html",
        {
            "case": case,
            "letters": rows,
            "undelivered": [
                (letter, undelivered[letter.pk]) for letter in rows if letter.pk in undelivered
            ],
            "composable": workflow.composable_kinds(case, request.user),
            "form_token": form_tokens.issue(),
        },
    )


@require_POST
def letter_compose(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    case = get_case_for_user(request, reference, write=True)
    if kind not in Letter.Kind.values:
        raise Http404("No such kind of letter.")
    try:
        with form_tokens.submit_once(request, form_tokens.posted(request)) as claim:
            letter = workflow.compose_letter(case, actor=request.user, kind=kind)
            claim.result_url = letter.get_absolute_url()
    except form_tokens.AlreadySubmitted as done:
        fallback = reverse("letter_list", args=[case.reference])
        return form_tokens.show_earlier_result(request, done.result_url, fallback=fallback)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("letter_list", case.reference)
    messages.success(
        request,
        f"{letter.get_kind_display()} version {letter.version} composed. Check the text, then "
        "ask a reviewer to approve it.",
    )
    return redirect(letter)


def _render_detail(
    request: HttpRequest,
    case: Case,
    letter: Letter,
    *,
    edit_form: LetterEditForm | None = None,
    approve_form: LetterApproveForm | None = None,
    submit_form: ReviewerForm | None = None,
    return_form: LetterReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = can_edit_case(request.user, case) and letter.is_editable
    initial = {"dated": letter.dated, "body": letter.body, "seen_hash": letter.content_hash}
    draft = letter.status == Letter.Status.DRAFT
    stale = "" if letter.is_sent else letters.stale_reason(letter)
    can_submit = can_edit and draft and not letter.waits_for_review
    return render(
        request,
        "foi_cases/letters/letter_detail.html",
        {
            "case": case,
            "letter": letter,
            "can_edit": can_edit,
            "can_approve": workflow.may_act_on_letter(request.user, letter),
            "second_approval": letter.status == Letter.Status.AWAITING_MANAGER,
            "can_submit": can_submit,
            "submit_form": submit_form
            or (
                ReviewerForm(reviewers=team.eligible_reviewers(case, work=letter))
                if can_submit
                else None
            ),
            "return_form": return_form
            or LetterReturnForm(initial={"seen_hash": letter.content_hash}),
            "next_to_act": queue.next_to_act(letter),
            "allocation": queue.allocation_choices(request.user, case, letter),
            "can_send": can_edit_case(request.user, case)
            and letter.status == Letter.Status.READY
            and not letter.is_sent
            and not stale,
            "can_retry": letter.status == Letter.Status.FAILED
            and (can_edit_case(request.user, case) or is_reviewer(request.user)),
            "edit_form": edit_form or (LetterEditForm(initial=initial) if can_edit else None),
            "approve_form": approve_form
            or LetterApproveForm(initial={"seen_hash": letter.content_hash}),
            "problems": letters.check_letter(letter) if draft else letter.overridden_problems,
            "stale": stale,
            "undelivered": outbound.undelivered([letter.pk]).get(letter.pk),
            "events": case.events.filter(data__letter=letter.pk).select_related("actor"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def letter_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The letter's page: its text to edit, the completeness check, approval and sending."""
    case = get_case_for_user(request, reference)
    letter = _letter(case, pk)
    if request.method == "GET":
        return _render_detail(request, case, letter)
    if not can_edit_case(request.user, case):
        raise PermissionDenied("Only the assigned officer or a manager can edit this letter.")
    form = LetterEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.edit_letter(
                letter,
                actor=request.user,
                body=data["body"],
                dated=data["dated"],
                seen_hash=data["seen_hash"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Letter saved.")
            return redirect(letter)
    return _render_detail(request, case, letter, edit_form=form, status=400)


@require_GET
def letter_preview(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The letter as it will print, in the browser: the same HTML WeasyPrint renders."""
    case = get_case_for_user(request, reference)
    response = HttpResponse(letters.render_letter_html(_letter(case, pk)))
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
def letter_approve(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    letter = _letter(case, pk)
    form = LetterApproveForm(request.POST)
    if form.is_valid():
        try:
            approved = workflow.approve_letter(
                letter,
                actor=request.user,
                seen_hash=form.cleaned_data["seen_hash"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                "Letter approved. Its PDF is being made."
                if approved.status == Letter.Status.PENDING
                else "Letter approved: a manager's second approval is now needed.",
            )
            return redirect(letter)
    letter.refresh_from_db()
    return _render_detail(request, case, letter, approve_form=form, status=400)


@require_POST
def letter_submit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Send a draft for approval, to a chosen reviewer or to the review queue."""
    case = get_case_for_user(request, reference, write=True)
    letter = _letter(case, pk)
    form = ReviewerForm(request.POST, reviewers=team.eligible_reviewers(case, work=letter))
    if form.is_valid():
        try:
            workflow.submit_letter_for_review(
                letter, actor=request.user, reviewer=form.cleaned_data["reviewer"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "The letter was sent for approval.")
            return redirect(letter)
    letter.refresh_from_db()
    return _render_detail(request, case, letter, submit_form=form, status=400)


@require_POST
def letter_return(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Return a letter to the officer for redraft, with comments."""
    case = get_case_for_user(request, reference)
    letter = _letter(case, pk)
    form = LetterReturnForm(request.POST)
    if form.is_valid():
        try:
            workflow.return_letter(
                letter,
                actor=request.user,
                comments=form.cleaned_data["comments"],
                seen_hash=form.cleaned_data["seen_hash"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "The letter was returned to the officer for redraft.")
            return redirect(letter)
    letter.refresh_from_db()
    return _render_detail(request, case, letter, return_form=form, status=400)


@require_POST
def letter_allocate(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    return team_views.allocate(request, _letter(case, pk))


@require_GET
def letter_download(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The approved PDF. get_case_for_user logs the download of a restricted case's letter.

    A letter not yet sent is downloaded to be sent, so one that no longer matches the case
    is refused; a sent letter stays downloadable as the record of what went out.
    """
    case = get_case_for_user(request, reference)
    letter = _letter(case, pk)
    if letter.status != Letter.Status.READY or not letter.pdf:
        raise Http404("This letter has no PDF yet.")
    stale = "" if letter.is_sent else letters.stale_reason(letter)
    if stale:
        messages.error(request, f"This PDF cannot be downloaded to send. {stale}")
        return redirect(letter)
    try:
        handle = letter.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The PDF file is missing from storage.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=letters.download_name(letter),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def letter_retry(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    if not (can_edit_case(request.user, case) or is_reviewer(request.user)):
        raise PermissionDenied("Only the case's officer, a manager or a reviewer can retry.")
    letter = _letter(case, pk)
    try:
        workflow.retry_letter_render(letter, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The PDF is being made again.")
    return redirect(letter)


@require_http_methods(["GET", "POST"])
def letter_sent(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Record when and how the letter was sent; the final response stops the clock."""
    case = get_case_for_user(request, reference, write=True)
    letter = _letter(case, pk)
    form = LetterSentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workflow.record_letter_sent(
                letter,
                actor=request.user,
                sent_at=data["sent_at"],
                via=data["via"],
                note=data["note"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {("sent_on" if k == "sent_at" else k): v for k, v in error.error_dict.items()}
                )
            attach_errors(form, error)
        else:
            messages.success(request, f"{letter.get_kind_display()}: recorded as sent.")
            return redirect(letter)
    return render(
        request,
        "foi_cases/letters/letter_sent.html",
        {
            "case": case,
            "letter": letter,
            "form": form,
            "undelivered": outbound.undelivered([letter.pk]).get(letter.pk),
        },
        status=400 if form.errors else 200,
    )
