"""Staff pages after the response: internal review, ICO, legal hold, and the disclosure log's
preparation, redaction, validation and withholding. Short views: authorise, bind, call one
function in foi_cases.workflow, report, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from foi_cases import form_tokens, retention, workflow
from foi_cases import review_forms as f
from foi_cases.form_errors import attach_errors
from foi_cases.models import (
    Case,
    DisclosureLogEntry,
    ICOComplaint,
    InternalReview,
    Letter,
    RecordRedaction,
    Redaction,
    TribunalAppeal,
)
from foi_cases.permissions import (
    INTERNAL_REVIEW,
    MANAGER,
    REVIEWER,
    can_manage_disclosure_log,
    disclosure_entries_visible_to,
    get_case_for_user,
    reviewer_conflicts,
)
from foi_cases.public_views import response_html

ACTION_TEMPLATE = "foi_cases/after_response/action.html"


def _step(
    request: HttpRequest,
    form: Any,
    act: Callable[[dict[str, Any]], object],
    *,
    title: str,
    button: str,
    success: str,
    back: str,
    case: Case | None = None,
    help_text: str = "",
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            with form_tokens.submit_once(request, form_tokens.posted(request)) as claim:
                act(form.cleaned_data)
                claim.result_url = back
        except form_tokens.AlreadySubmitted as done:
            return form_tokens.show_earlier_result(request, done.result_url, fallback=back)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(back)
    context = {
        "form_token": form_tokens.for_page(request),
        "form": form,
        "case": case,
        "title": title,
        "button": button,
        "back": back,
        "help_text": help_text,
    }
    return render(request, ACTION_TEMPLATE, context, status=400 if form.errors else 200)


def _overview_url(case: Case) -> str:
    return reverse("case_after_response", args=[case.reference])


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def case_after_response(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    context = {
        "case": case,
        "reviews": case.internal_reviews.select_related("reviewer", "letter").prefetch_related(
            "reopened_questions"
        ),
        "complaints": case.ico_complaints.prefetch_related("appeals"),
        "entry": DisclosureLogEntry.objects.filter(case=case).first(),
        "retention_expires_on": retention.retention_expires_on(case),
        "deletion_blockers": workflow.deletion_blockers(case),
        "is_manager": can_manage_disclosure_log(request.user),
    }
    return render(request, "foi_cases/after_response/overview.html", context)


# --- Internal review ---------------------------------------------------------------------------


def review_request(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    form = f.ReviewRequestForm(_data(request))
    return _step(
        request,
        form,
        lambda d: workflow.request_internal_review(case, actor=request.user, **d),
        title="Log a request for internal review",
        button="Log the request",
        success="Internal review logged.",
        back=_overview_url(case),
        case=case,
    )


def _review(case: Case, pk: int) -> InternalReview:
    return get_object_or_404(InternalReview, pk=pk, case=case)


def review_assign(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    review = _review(case, pk)
    eligible = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[REVIEWER, MANAGER])
        .exclude(pk__in=reviewer_conflicts(case, work=INTERNAL_REVIEW))
        .distinct()
        .order_by("username")
    )
    form = f.AssignReviewerForm(_data(request), reviewers=eligible)
    return _step(
        request,
        form,
        lambda d: workflow.assign_internal_reviewer(
            review, actor=request.user, reviewer=d["reviewer"]
        ),
        title="Assign the internal reviewer",
        button="Assign",
        success="Internal reviewer assigned.",
        back=_overview_url(case),
        case=case,
    )


def review_decide(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    review = _review(case, pk)
    form = f.ReviewDecisionForm(_data(request), questions=case.questions.all())
    return _step(
        request,
        form,
        lambda d: workflow.decide_internal_review(
            review,
            actor=request.user,
            outcome=d["outcome"],
            reasons=d["reasons"],
            reopen=list(d["reopen"]),
        ),
        title="Record the outcome of the internal review",
        button="Record the outcome",
        success="Outcome recorded. The outcome letter is drafted in the letters section.",
        back=_overview_url(case),
        case=case,
    )


# --- ICO and tribunal ------------------------------------------------------------------------


def ico_new(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    form = f.ICOComplaintForm(_data(request))
    return _step(
        request,
        form,
        lambda d: workflow.record_ico_complaint(case, actor=request.user, **d),
        title="Record an ICO complaint",
        button="Record the complaint",
        success="ICO complaint recorded.",
        back=_overview_url(case),
        case=case,
    )


def _complaint(case: Case, pk: int) -> ICOComplaint:
    return get_object_or_404(ICOComplaint, pk=pk, case=case)


def ico_decision(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    complaint = _complaint(case, pk)
    form = f.DecisionNoticeForm(_data(request))
    return _step(
        request,
        form,
        lambda d: workflow.record_decision_notice(complaint, actor=request.user, **d),
        title=f"Record the decision notice for {complaint.ico_reference}",
        button="Record the decision notice",
        success="Decision notice recorded.",
        back=_overview_url(case),
        case=case,
    )


def ico_steps(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    complaint = _complaint(case, pk)
    form = f.StepsCompliedForm(_data(request))
    return _step(
        request,
        form,
        lambda d: workflow.record_steps_complied(complaint, actor=request.user, **d),
        title=f"Record compliance with the steps in {complaint.ico_reference}",
        button="Record compliance",
        success="Compliance recorded.",
        back=_overview_url(case),
        case=case,
    )


def ico_appeal(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    complaint = _complaint(case, pk)
    form = f.TribunalAppealForm(_data(request))
    return _step(
        request,
        form,
        lambda d: workflow.record_tribunal_appeal(complaint, actor=request.user, **d),
        title=f"Record a tribunal appeal against {complaint.ico_reference}",
        button="Record the appeal",
        success="Tribunal appeal recorded.",
        back=_overview_url(case),
        case=case,
    )


def appeal_decision(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference)
    appeal = get_object_or_404(TribunalAppeal, pk=pk, complaint__case=case)
    form = f.TribunalDecisionForm(_data(request))
    return _step(
        request,
        form,
        lambda d: workflow.record_tribunal_decision(appeal, actor=request.user, **d),
        title="Record the tribunal's decision",
        button="Record the decision",
        success="Tribunal decision recorded.",
        back=_overview_url(case),
        case=case,
    )


def legal_hold(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    form = f.LegalHoldForm(_data(request), initial={"hold": "0" if case.legal_hold else "1"})
    return _step(
        request,
        form,
        lambda d: workflow.set_legal_hold(case, actor=request.user, **d),
        title="Legal hold",
        button="Save",
        success="Legal hold changed.",
        back=_overview_url(case),
        case=case,
        help_text="While a case is on legal hold its records are neither anonymised nor deleted.",
    )


def letter_redact(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = get_case_for_user(request, reference, write=True)
    letter = get_object_or_404(Letter, pk=pk, case=case)
    form = f.LetterRedactionForm(_data(request))
    return _step(
        request,
        form,
        lambda d: workflow.redact_letter(letter, actor=request.user, **d),
        title=f"Redact a passage from the {letter.get_kind_display().lower()}",
        button="Redact",
        success="Redaction applied and logged. The letter needs approval again.",
        back=letter.get_absolute_url(),
        case=case,
        help_text="Every occurrence of the passage is replaced by a marker naming the "
        "grounds, unless naming them would itself disclose information.",
    )


# --- Disclosure log --------------------------------------------------------------------------


def _manager_only(request: HttpRequest) -> None:
    if not can_manage_disclosure_log(request.user):
        raise PermissionDenied("Only managers work on the disclosure log.")


@require_POST
def disclosure_prepare(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    try:
        entry = workflow.prepare_disclosure_entry(case, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_overview_url(case))
    messages.success(request, "Draft entry prepared with the requester's identity removed.")
    return redirect("disclosure_entry", entry.pk)


def disclosure_entries(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    status = request.GET.get("status", "")
    entries = disclosure_entries_visible_to(request.user).select_related("case", "prepared_by")
    if status in DisclosureLogEntry.Status.values:
        entries = entries.filter(status=status)
    page = Paginator(entries.order_by("-prepared_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "foi_cases/after_response/entry_list.html",
        {"page": page, "status": status, "statuses": DisclosureLogEntry.Status.choices},
    )


def _entry(request: HttpRequest, pk: int) -> DisclosureLogEntry:
    _manager_only(request)
    entries = disclosure_entries_visible_to(request.user)
    return get_object_or_404(entries.select_related("case", "prepared_by", "validated_by"), pk=pk)


def _entry_page(request: HttpRequest, entry: DisclosureLogEntry, **forms: Any) -> HttpResponse:
    context = {
        "entry": entry,
        "edit_form": forms.get("edit_form")
        or f.EntryEditForm(
            initial={
                "title": entry.title,
                "request_text": entry.request_text,
                "response_text": entry.response_text,
                "disclosed_on": entry.disclosed_on,
                "topics": entry.topics.all(),
                "exemptions": entry.exemptions.all(),
            }
        ),
        "redaction_form": forms.get("redaction_form") or f.RedactionForm(),
        "publish_form": forms.get("publish_form") or f.PublishForm(),
        "withhold_form": forms.get("withhold_form") or f.ReasonForm(),
        "response_html": response_html(entry),
        "redactions": entry.redactions.select_related("created_by"),
        "can_validate": request.user.pk not in workflow.entry_authors(entry),
    }
    status = 400 if any(form.errors for form in forms.values()) else 200
    return render(request, "foi_cases/after_response/entry_detail.html", context, status=status)


def disclosure_entry(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_page(request, _entry(request, pk))


def _entry_action(
    request: HttpRequest,
    pk: int,
    form_class: type,
    form_name: str,
    act: Callable[[DisclosureLogEntry, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    entry = _entry(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(entry, form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("disclosure_entry", entry.pk)
    entry.refresh_from_db()
    return _entry_page(request, entry, **{form_name: form})


@require_POST
def disclosure_entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        f.EntryEditForm,
        "edit_form",
        lambda e, d: workflow.edit_disclosure_entry(e, actor=request.user, **d),
        "Entry saved.",
    )


@require_POST
def disclosure_entry_redact(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        f.RedactionForm,
        "redaction_form",
        lambda e, d: workflow.redact_disclosure_text(e, actor=request.user, **d),
        "Redaction applied and logged.",
    )


@require_POST
def disclosure_entry_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        f.PublishForm,
        "publish_form",
        lambda e, d: workflow.publish_disclosure_entry(e, actor=request.user, **d),
        "Entry validated and published.",
    )


@require_POST
def disclosure_entry_withhold(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        f.ReasonForm,
        "withhold_form",
        lambda e, d: workflow.withhold_disclosure_entry(e, actor=request.user, **d),
        "Entry withheld.",
    )


@require_POST
def disclosure_entry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        workflow.submit_disclosure_entry(entry, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Sent to another manager for validation.")
    return redirect("disclosure_entry", entry.pk)


@require_POST
def disclosure_entry_return(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        workflow.return_disclosure_entry(entry, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Entry returned to draft.")
    return redirect("disclosure_entry", entry.pk)


def redaction_log(request: HttpRequest) -> HttpResponse:
    """Who redacted what (by hash), when and why, across the disclosure log."""
    _manager_only(request)
    rows = Redaction.objects.select_related("entry__case", "letter__case", "created_by")
    rows = rows.order_by("-created_at", "-pk")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    # Boxes on records: who, when, which ground, which page of which record; never the text.
    on_records = RecordRedaction.objects.select_related(
        "record__case", "citation__question", "created_by"
    ).order_by("-created_at", "-pk")
    records_page = Paginator(on_records, 100).get_page(request.GET.get("records_page"))
    context = {"page": page, "records_page": records_page}
    return render(request, "foi_cases/after_response/redaction_log.html", context)
