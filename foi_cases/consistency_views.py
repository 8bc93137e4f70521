"""The consistency guard's pages: the register (managers), what a case's questions mention
with their findings (the people on the case), and a reviewer's override at approval."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exemptions.permissions import can_review
from foi_cases import consistency_forms as forms
from foi_cases import workflow
from foi_cases.consistency import ledger
from foi_cases.form_errors import attach_errors
from foi_cases.models import (
    ConsistencyOverride,
    Mention,
    MosaicFlag,
    ProtectedPerson,
    ProtectedPlace,
    Question,
    RegisterChange,
    SecurityAttribute,
)
from foi_cases.permissions import can_see_register_matches, get_case_for_user, is_manager

ENTRY_MODELS: dict[str, Any] = {
    "person": ProtectedPerson,
    "place": ProtectedPlace,
    "attribute": SecurityAttribute,
}
ENTRY_WORDS = {"person": "person", "place": "place", "attribute": "security attribute"}


def _require_manager(request: HttpRequest) -> None:
    if not is_manager(request.user):
        raise PermissionDenied("Only managers can see and change the register.")


def _entry_model(entry_type: str) -> Any:
    if entry_type not in ENTRY_MODELS:
        raise Http404("No such kind of register entry.")
    return ENTRY_MODELS[entry_type]


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    """The register of protected people and places, and the attribute vocabulary."""
    _require_manager(request)
    return render(
        request,
        "foi_cases/consistency/register.html",
        {
            "people": ProtectedPerson.objects.all(),
            "places": ProtectedPlace.objects.select_related("person"),
            "attributes": SecurityAttribute.objects.all(),
            "changes": RegisterChange.objects.select_related("actor")[:20],
            "import_form": forms.ImportForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def register_entry(request: HttpRequest, entry_type: str, pk: int | None = None) -> HttpResponse:
    """Add or change one entry of the register."""
    _require_manager(request)
    model = _entry_model(entry_type)
    entry = get_object_or_404(model, pk=pk) if pk is not None else None
    form_class = forms.ENTRY_FORMS[entry_type]
    form = form_class(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            saved = workflow.save_register_entry(form.save(commit=False), actor=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Saved {saved}.")
            return redirect("consistency_register")
    return render(
        request,
        "foi_cases/consistency/register_entry.html",
        {"form": form, "entry": entry, "what": ENTRY_WORDS[entry_type]},
        status=400 if form.errors else 200,
    )


@require_POST
def register_entry_delete(request: HttpRequest, entry_type: str, pk: int) -> HttpResponse:
    _require_manager(request)
    entry = get_object_or_404(_entry_model(entry_type), pk=pk)
    try:
        workflow.delete_register_entry(entry, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("register_entry_edit", entry_type, pk)
    messages.success(request, f"Deleted {entry}.")
    return redirect("consistency_register")


@require_GET
def register_export(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    response = HttpResponse(workflow.export_register_csv(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="protected-register.csv"'
    return response


@require_POST
def register_import(request: HttpRequest) -> HttpResponse:
    """Import people and places from CSV; a bad row refuses the file, naming every bad row."""
    _require_manager(request)
    form = forms.ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = workflow.import_register_csv(form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, f"Imported {result.people} people and {result.places} places."
            )
            return redirect("consistency_register")
    return render(
        request,
        "foi_cases/consistency/register.html",
        {
            "people": ProtectedPerson.objects.all(),
            "places": ProtectedPlace.objects.select_related("person"),
            "attributes": SecurityAttribute.objects.all(),
            "changes": RegisterChange.objects.select_related("actor")[:20],
            "import_form": form,
        },
        status=400,
    )


def _matches_case(request: HttpRequest, reference: str, *, write: bool = False) -> Any:
    case = get_case_for_user(request, reference, write=write)
    if not can_see_register_matches(request.user, case):
        raise PermissionDenied("Only managers and the people on this case see what it matched.")
    return case


def _question_rows(case: Any, user: Any, bound: dict[int, Any] | None = None) -> list[Any]:
    findings = ledger.findings_for_case(case)
    lines = ledger.describe(findings, user=user, case=case)
    described = {id(f): line for f, line in zip(findings, lines, strict=True)}
    rows = []
    for question in Question.objects.filter(case=case).order_by("number"):
        mentions = list(
            Mention.objects.filter(question=question, removed=False).select_related(
                "person", "place", "attribute"
            )
        )
        form = (bound or {}).get(question.number) or forms.CorrectionForm(
            mentions=mentions,
            prefix=f"q{question.number}",
            initial={
                "change_of_circumstances": getattr(
                    getattr(question, "circumstance_change", None), "note", ""
                )
            },
        )
        rows.append(
            {
                "question": question,
                "mentions": mentions,
                "findings": [described[id(f)] for f in findings if f.question == question.number],
                "form": form,
            }
        )
    return rows


@require_GET
def case_consistency(request: HttpRequest, reference: str) -> HttpResponse:
    """What each question mentions, the findings on it, and the officer's correction."""
    case = _matches_case(request, reference)
    return _render_case(request, case)


def _render_case(
    request: HttpRequest, case: Any, bound: dict[int, Any] | None = None, status: int = 200
) -> HttpResponse:
    mosaics = MosaicFlag.objects.filter(case=case).select_related("other_case", "person")
    return render(
        request,
        "foi_cases/consistency/case_consistency.html",
        {
            "case": case,
            "rows": _question_rows(case, request.user, bound),
            "mosaics": mosaics,
            "may_edit_register": is_manager(request.user),
        },
        status=status,
    )


@require_POST
def case_consistency_correct(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    case = _matches_case(request, reference, write=True)
    question = get_object_or_404(Question, case=case, number=number)
    mentions = list(Mention.objects.filter(question=question, removed=False))
    form = forms.CorrectionForm(request.POST, mentions=mentions, prefix=f"q{number}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            workflow.correct_mentions(
                question,
                actor=request.user,
                remove=[int(pk) for pk in data["remove"]],
                people=[data["person"]] if data["person"] else [],
                places=[data["place"]] if data["place"] else [],
                attributes=[data["attribute"]] if data["attribute"] else [],
                change_of_circumstances=data["change_of_circumstances"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, f"Question {number}: correction kept.")
            return redirect("case_consistency", case.reference)
    return _render_case(request, case, {number: form}, status=400)


@require_POST
def consistency_override(request: HttpRequest, reference: str) -> HttpResponse:
    """A reviewer records why the decisions may be approved despite a blocking finding."""
    case = get_case_for_user(request, reference)
    if not can_review(request.user, case):
        raise PermissionDenied("Only a reviewer who wrote none of the decisions can override.")
    form = forms.OverrideForm(request.POST)
    if form.is_valid():
        try:
            workflow.override_consistency(
                case, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Override recorded: the decisions can now be approved.")
    else:
        messages.error(request, "Say why the answer may stand despite the finding.")
    return redirect("decision_review_decide", case.reference)


def approval_context(case: Any, user: Any, review_round: int) -> dict[str, Any]:
    """For the approval page: the blocking findings in words, and any override recorded."""
    blocking = ledger.blocking(case)
    return {
        "blocking": ledger.describe(blocking, user=user, case=case),
        "override": ConsistencyOverride.objects.filter(case=case, review_round=review_round)
        .select_related("by")
        .first(),
        "override_form": forms.OverrideForm(),
    }
