"""Casework pages: notes, watching, links between cases, reopening and bulk reassignment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from foi_cases.casework_forms import (
    LinkForm,
    NoteForm,
    ReassignChooseForm,
    ReassignConfirmForm,
    ReopenForm,
)
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case, CaseLink
from foi_cases.permissions import can_edit_case, can_view_case, get_case_for_user, is_manager
from foi_cases.workflow import casework


def panel(user: Any, case: Case) -> dict[str, Any]:
    """What the case page shows of casework: notes (newest first), links, watching, reopen."""
    return {
        "notes": case.notes.select_related("author"),
        "links": [
            (link, other, can_view_case(user, other)) for link, other in casework.links_of(case)
        ],
        "watching": casework.is_watching(user, case),
        "can_reopen": case.status == Case.Status.CLOSED and can_edit_case(user, case),
    }


def _page(request: HttpRequest, template: str, context: dict[str, Any], form: Any) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    form = NoteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            casework.add_note(case, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "Note added.")
            return redirect(f"{case.get_absolute_url()}#notes")
    return _page(request, "foi_cases/casework/note_form.html", {"case": case}, form)


@require_POST
def watch(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    casework.watch_case(case, actor=request.user)
    messages.success(request, "You are watching this case: you will get its notifications.")
    return redirect(case)


@require_POST
def unwatch(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    casework.unwatch_case(case, actor=request.user)
    messages.success(request, "You are no longer watching this case.")
    return redirect(case)


@require_http_methods(["GET", "POST"])
def link_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    form = LinkForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        other = Case.objects.filter(reference=form.cleaned_data["reference"].strip()).first()
        try:
            if other is None:
                raise ValidationError({"reference": "There is no case with that reference."})
            casework.link_cases(case, other, actor=request.user, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Linked to {other.reference}.")
            return redirect(f"{case.get_absolute_url()}#links")
    return _page(request, "foi_cases/casework/link_form.html", {"case": case}, form)


@require_POST
def link_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    link = CaseLink.objects.select_related("from_case", "to_case").filter(pk=pk).first()
    if link is None:  # removed a moment ago (a second click, or someone else)
        messages.success(request, "That link has already been removed.")
        return redirect(f"{case.get_absolute_url()}#links")
    try:
        casework.remove_link(case, link, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The link to {link.other(case).reference} was removed.")
    return redirect(f"{case.get_absolute_url()}#links")


@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference, write=True)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            casework.reopen_case(case, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, "The case was reopened and is in progress again.")
            return redirect(case)
    return _page(request, "foi_cases/casework/reopen_form.html", {"case": case}, form)


@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest) -> HttpResponse:
    """Choose the officers, then the cases (all open ones ticked), then confirm."""
    if not is_manager(request.user):
        raise PermissionDenied("Only a manager can reassign cases in bulk.")
    choose = ReassignChooseForm(request.GET or None)
    if not choose.is_valid():
        return _page(request, "foi_cases/casework/reassign_choose.html", {}, choose)
    from_officer = choose.cleaned_data["from_officer"]
    to_officer = choose.cleaned_data["to_officer"]
    open_cases = casework.reassignable_cases(from_officer)
    if request.method == "POST":
        form = ReassignConfirmForm(request.POST, open_cases=open_cases)
        if form.is_valid():
            try:
                moved = casework.reassign_cases(
                    form.cleaned_data["cases"],
                    actor=request.user,
                    from_officer=from_officer,
                    to_officer=to_officer,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                count = len(moved)
                messages.success(
                    request,
                    f"{count} case{'s' if count != 1 else ''} reassigned to "
                    f"{to_officer.get_full_name() or to_officer.get_username()}.",
                )
                return redirect("case_list_all")
    else:
        form = ReassignConfirmForm(
            initial={
                "from_officer": from_officer.pk,
                "to_officer": to_officer.pk,
                "cases": [case.pk for case in open_cases],
            },
            open_cases=open_cases,
        )
    context = {"from_officer": from_officer, "to_officer": to_officer, "open_cases": open_cases}
    return _page(request, "foi_cases/casework/reassign_confirm.html", context, form)
