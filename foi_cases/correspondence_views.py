"""The case's correspondence: every e-mail in and out, sending a letter, accepting a
clarification, and the quarantine of mail an officer must look at first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from foi_cases import form_tokens
from foi_cases.correspondence_forms import MessageForm
from foi_cases.form_errors import attach_errors
from foi_cases.mail import inbound, matching, outbound
from foi_cases.models import Case, Correspondence, Letter, MailAttachment
from foi_cases.permissions import (
    can_edit_case,
    can_view_case,
    get_case_for_user,
    is_manager,
    is_officer,
)


@require_GET
def case_correspondence(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    form = None
    if can_edit_case(request.user, case):
        start = request.GET.get("start", "")
        initial = {}
        if start in outbound.MESSAGE_STARTS:
            subject, body = outbound.message_start(case, start)
            initial = {"subject": subject, "body": body, "notice": start}
        form = MessageForm(initial=initial)
    return _page(request, case, form)


def _page(
    request: HttpRequest, case: Case, form: MessageForm | None, status: int = 200
) -> HttpResponse:
    items = (
        case.correspondence.prefetch_related("attachments")
        .select_related("letter", "sent_by")
        .order_by(Coalesce("received_at", "sent_at", "created_at"), "pk")
    )
    editable = can_edit_case(request.user, case)
    sendable = []
    if editable:
        ready = case.letters.filter(status=Letter.Status.READY, sent_at__isnull=True)
        sendable = [(letter, outbound.letter_refusal(letter)) for letter in ready]
    return render(
        request,
        "foi_cases/case_correspondence.html",
        {
            "case": case,
            "items": items,
            "can_edit": editable,
            "sendable": sendable,
            "awaiting_clarification": case.status == case.Status.AWAITING_CLARIFICATION,
            "message_form": form,
            "message_starts": [(kind, Letter.Kind(kind).label) for kind in outbound.MESSAGE_STARTS],
            "form_token": form_tokens.issue(),
            "undelivered": [
                item
                for item in items
                if item.direction == Correspondence.Direction.OUT
                and item.status
                in (Correspondence.Status.NOT_DELIVERED, Correspondence.Status.FAILED)
            ],
        },
        status=status,
    )


@require_POST
def send_message(request: HttpRequest, reference: str) -> HttpResponse:
    """An ad hoc message to the requester, from the form on the correspondence page."""
    case = get_case_for_user(request, reference, write=True)
    form = MessageForm(request.POST)
    if form.is_valid():
        page = reverse("case_correspondence", args=[case.reference])
        try:
            with form_tokens.submit_once(request, form_tokens.posted(request)) as claim:
                row = outbound.send_message(
                    case,
                    actor=request.user,  # type: ignore[arg-type]
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    notice=form.cleaned_data["notice"],
                )
                claim.result_url = page
        except form_tokens.AlreadySubmitted as done:
            return form_tokens.show_earlier_result(request, done.result_url, fallback=page)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"The message is being sent to {row.to_addresses}.")
            return redirect(page)
    return _page(request, case, form, status=400)


@require_POST
def send_letter(request: HttpRequest, reference: str, letter_pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference, write=True)
    letter = get_object_or_404(case.letters, pk=letter_pk)
    try:
        row = outbound.send_letter(letter, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The letter is being sent to {row.to_addresses}.")
    return redirect("case_correspondence", reference=case.reference)


@require_POST
def accept_clarification(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference, write=True)
    row = get_object_or_404(case.correspondence, pk=pk)
    try:
        case = matching.accept_clarification(row, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        due = f"{case.due_on:%d %B %Y}" if case.due_on else "not set"
        messages.success(request, f"Clarification recorded: the clock restarted; due {due}.")
    return redirect("case_correspondence", reference=case.reference)


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(MailAttachment.objects.select_related("correspondence"), pk=pk)
    message = item.correspondence
    if message.case_id:
        get_case_for_user(request, message.case.reference)  # type: ignore[union-attr]
    else:
        _held_mail_for_user(request, message)
    if item.blocked_reason and message.released_at is None:
        raise PermissionDenied("This file is quarantined until an officer releases the message.")
    # Served as a download, never rendered: the sender chose its type.
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type="application/octet-stream",
    )


def _require_officer(request: HttpRequest) -> None:
    if not (is_officer(request.user) or is_manager(request.user)):
        raise PermissionDenied("Only FOI officers can see quarantined mail.")


def _may_see_held(user: object, row: Correspondence) -> bool:
    """Mail on no case that matches a case is seen only by those who may see that case."""
    case = matching.case_for_row(row)
    return case is None or can_view_case(user, case)  # type: ignore[arg-type]


def _held_mail_for_user(request: HttpRequest, row: Correspondence) -> None:
    """Officers may handle mail on no case, except mail of a restricted case they cannot see
    (404, as for the case itself)."""
    _require_officer(request)
    if not _may_see_held(request.user, row):
        raise Http404("No such message.")


@require_GET
def quarantine(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    held = Correspondence.objects.filter(
        direction=Correspondence.Direction.IN,
        status__in=(Correspondence.Status.QUARANTINED, Correspondence.Status.FAILED),
    ).prefetch_related("attachments")
    visible = [row for row in held if _may_see_held(request.user, row)]
    return render(request, "foi_cases/mail_quarantine.html", {"held": visible})


@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Correspondence, pk=pk, direction=Correspondence.Direction.IN)
    _held_mail_for_user(request, row)
    try:
        outcome = inbound.release(row, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("mail_quarantine")
    if outcome.reference:
        messages.success(request, f"Released: {outcome.action} on {outcome.reference}.")
        return redirect("case_correspondence", reference=outcome.reference)
    messages.error(request, f"Released, but not imported: {outcome.reason}")
    return redirect("mail_quarantine")
