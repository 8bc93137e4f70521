"""An exemption decision in short steps, kept as a draft in the session until it is saved.

Choose the exemption → how it is cited → the harm → why it applies → public interest factors
→ the conclusion → check and save. Each step checks only the shape of its own fields; the
rules run once, in the workflow, when the decision is saved from the check page, and each
refusal links back to the step that can fix it. A whole decision posted at once (the form
before the steps) is still saved the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from exemptions import drafts, forms, precedents, reasoning, validation
from exemptions.decision_views import (
    LATE_PIT_WARNING,
    back_to_question,
    decider_case,
    get_question,
)
from exemptions.models import Exemption, ExemptionCitation
from exemptions.validation import FactorData
from foi_cases import form_tokens, workflow
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case, Question

STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "exemption": ("role", "limbs", "alternative_group", "on_emissions"),
    "harm": (
        "likelihood",
        "harm_interest",
        "harm_mechanism",
        "harm_evidence",
        "evidence_consultation",
        "qp_name",
        "qp_opinion_on",
        "qp_material",
    ),
    "reasons": ("template", "reasoning", "omit_reasons", "omit_reasons_justification"),
    "factors": ("pit_as_at",),
    "conclusion": (
        "template",
        "pit_conclusion",
        "pit_summary",
        "pit_override_reason",
        "pit_presumption_applied",
        "pit_late_reason",
    ),
}
STEP_TITLES = {
    "exemption": "How is it cited?",
    "harm": "The harm",
    "reasons": "Why the exemption applies",
    "factors": "Public interest factors",
    "conclusion": "The public interest conclusion",
}
# The field a step's "Use this template" fills.
TEMPLATE_TARGET = {"reasons": "reasoning", "conclusion": "pit_summary"}
# Which step fixes a refusal about a field ("pit" is the test as a whole).
STEP_OF = {name: step for step, names in STEP_FIELDS.items() for name in names}
STEP_OF.update({"pit": "conclusion", "exemption": "exemption", "template": "reasons"})
TEMPLATE_MODES = [
    ("replace", "Replace my text with the template"),
    ("append", "Add the template after my text"),
    ("keep", "Keep my text and do not use the template"),
]
# Left off the check page when empty: most decisions never need them.
OPTIONAL = {
    "evidence_consultation",
    "alternative_group",
    "omit_reasons",
    "omit_reasons_justification",
    "on_emissions",
    "pit_override_reason",
    "pit_presumption_applied",
    "pit_late_reason",
}


# --- Where each step lives -------------------------------------------------------------------


def _absolute(exemption: Exemption, draft: dict[str, Any]) -> bool:
    return validation.citation_is_absolute(
        exemption,
        list(draft["values"].get("limbs") or []),
        house_of_parliament=settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT,
    )


def _steps(exemption: Exemption, draft: dict[str, Any]) -> list[str]:
    steps = ["exemption"]
    if exemption.has_harm_test or validation.is_s36(exemption):
        steps.append("harm")
    steps.append("reasons")
    if not exemption.is_procedural and not _absolute(exemption, draft):
        steps += ["factors", "conclusion"]
    return steps


def _step_fields(exemption: Exemption, step: str) -> tuple[str, ...]:
    names = list(STEP_FIELDS[step])
    if not exemption.has_harm_test:
        names = [
            n for n in names if not n.startswith(("likelihood", "harm_", "evidence_consultation"))
        ]
    if not validation.is_s36(exemption):
        names = [n for n in names if not n.startswith("qp_")]
    if not (exemption.regime == "EIR" and exemption.test_type == "adverse_effect"):
        names = [n for n in names if n != "on_emissions"]
    if exemption.regime != "EIR":
        names = [n for n in names if n != "pit_presumption_applied"]
    return tuple(names)


class Decision:
    """One exemption decision being written: its case, question, exemption and URLs."""

    def __init__(
        self,
        case: Case,
        question: Question,
        exemption: Exemption,
        citation: ExemptionCitation | None,
    ):
        self.case, self.question, self.exemption, self.citation = (
            case,
            question,
            exemption,
            citation,
        )
        self.key = drafts.key(question, exemption, citation)

    def step_url(self, step: str) -> str:
        if self.citation is not None:
            return reverse(
                "exemption_citation_step", args=[self.case.reference, self.citation.pk, step]
            )
        return reverse(
            "exemption_citation_new_step",
            args=[self.case.reference, self.question.number, self.exemption.pk, step],
        )

    def check_url(self) -> str:
        if self.citation is not None:
            return reverse("exemption_citation_edit", args=[self.case.reference, self.citation.pk])
        return reverse(
            "exemption_citation_new_check",
            args=[self.case.reference, self.question.number, self.exemption.pk],
        )

    def form(self, data: Any = None, *, step: str = "", initial: Any = None) -> forms.CitationForm:
        return forms.CitationForm(
            data,
            initial=initial,
            exemption=self.exemption,
            topic_slugs=list(self.case.topics.values_list("slug", flat=True)),
            consultations=self.case.consultations.all(),
            only=_step_fields(self.exemption, step) if step else (),
            template_target=TEMPLATE_TARGET.get(step, ""),
        )


def _new_decision(request: HttpRequest, reference: str, number: int, exemption_id: int) -> Decision:
    case = decider_case(request, reference)
    question = get_question(case, number)
    exemption = get_object_or_404(
        Exemption, pk=exemption_id, regime=workflow.question_regime(question), active=True
    )
    return Decision(case, question, exemption, None)


def _edit_decision(request: HttpRequest, reference: str, pk: int) -> Decision:
    case = decider_case(request, reference)
    citation = get_object_or_404(
        ExemptionCitation.objects.select_related("exemption", "question"),
        pk=pk,
        question__case=case,
    )
    return Decision(case, citation.question, citation.exemption, citation)


# --- Choosing the exemption ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def citation_new(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    """Choose the exemption, then its steps; a whole decision posted here is saved at once."""
    case = decider_case(request, reference)
    question = get_question(case, number)
    chooser = forms.ExemptionChoiceForm(
        request.GET or None, regime=workflow.question_regime(question)
    )
    if not chooser.is_bound or not chooser.is_valid():
        return render(
            request,
            "exemptions/citation_choose.html",
            {"case": case, "question": question, "form": chooser},
            status=400 if chooser.is_bound else 200,
        )
    decision = Decision(case, question, chooser.cleaned_data["exemption"], None)
    if request.method == "POST":
        return _save_whole(request, decision)
    drafts.drop(request, decision.key)
    return redirect(decision.step_url("exemption"))


# --- The steps -------------------------------------------------------------------------------


def _next_url(decision: Decision, draft: dict[str, Any], step: str, *, change: bool) -> str:
    steps = _steps(decision.exemption, draft)
    if change or step not in steps or step == steps[-1]:
        return decision.check_url()
    return decision.step_url(steps[steps.index(step) + 1])


def _use_template(
    request: HttpRequest, decision: Decision, form: forms.CitationForm, step: str, draft: Any
) -> bool:
    """Put the chosen template's paragraph in the field it is written for.

    True when the field is filled; False when the officer must first say what to do with
    the text already there (no JavaScript: a confirmation on the page), or chose nothing.
    """
    template = form.cleaned_data.get("template")
    if template is None:
        form.add_error("template", "Choose a reasoning template to use")
        return False
    version = template.current
    if version is None:
        form.add_error("template", "That template has no text yet")
        return False
    target = TEMPLATE_TARGET[step]
    current = (request.POST.get(target) or "").strip()
    mode = request.POST.get("template_mode", "")
    if current and mode not in ("replace", "append", "keep"):
        form.confirm_template = template  # type: ignore[attr-defined]
        return False
    if mode == "keep":
        return True
    limbs = draft["values"].get("limbs") or []
    paragraph = reasoning.render(
        version.text,
        reasoning.values_for(decision.question, provision=validation.provision_text(limbs)),
    )
    form.data = form.data.copy()
    form.data[target] = reasoning.place(current, paragraph, mode=mode)
    if target == "reasoning":
        form.data["template_version"] = str(version.pk)
    return True


def _step(request: HttpRequest, decision: Decision, step: str) -> HttpResponse:
    draft = drafts.get(request, decision.key, decision.citation)
    if step not in _steps(decision.exemption, draft):
        raise Http404("That step does not apply to this exemption.")
    change = request.GET.get("change") == "1"
    formsets: list[Any] = []
    status = 200
    if request.method == "POST":
        form = decision.form(request.POST, step=step)
        if step == "factors":
            formsets = forms.side_factor_formsets(request.POST)
        valid = form.is_valid() & all([f.is_valid() for _, _, f in formsets])
        action = request.POST.get("action", "save")
        if action == "use_template" and valid:
            _use_template(request, decision, form, step, draft)
            form = _rebound(decision, form, step)
        elif action == "add_factors":
            formsets = forms.side_factor_formsets(
                factors=forms.posted_side_factors(formsets), extra_rows=1
            )
        elif valid:
            values = {k: drafts.stored(v) for k, v in form.cleaned_data.items() if k != "template"}
            if "on_emissions" in values:
                values["on_emissions"] = {True: "yes", False: "no"}.get(values["on_emissions"], "")
            version = request.POST.get("template_version", "")
            # Our own hidden field: anything but a plain number is ignored, never a crash.
            if step == "reasons" and version.isascii() and version.isdigit() and len(version) < 10:
                values["template_version"] = int(version)
            draft["values"].update(values)
            if step == "factors":
                draft["factors"] = [f.__dict__ for f in forms.factors_from_sides(formsets)]
            drafts.save(request, decision.key, draft)
            return redirect(_next_url(decision, draft, step, change=change))
        else:
            status = 400
    else:
        form = decision.form(step=step, initial=drafts.values(draft))
        if step == "factors":
            formsets = forms.side_factor_formsets(factors=draft["factors"])
    return render(
        request,
        "exemptions/citation_step.html",
        {
            **_page(decision, draft),
            "step": step,
            "title": STEP_TITLES[step],
            "form": form,
            "formsets": formsets,
            "template_target": TEMPLATE_TARGET.get(step, ""),
            "target_label": form.fields[TEMPLATE_TARGET[step]].label
            if step in TEMPLATE_TARGET
            else "",
            "template_modes": TEMPLATE_MODES,
            "has_errors": bool(form.errors)
            or any(f.is_bound and f.total_error_count() for _, _, f in formsets),
            "for_formset": formsets[0][2] if formsets else None,
            "against_formset": formsets[1][2] if formsets else None,
            "confirm_template": getattr(form, "confirm_template", None),
            "template_version": form.data.get("template_version")
            if form.is_bound
            else draft["values"].get("template_version"),
        },
        status=status,
    )


def _rebound(decision: Decision, form: forms.CitationForm, step: str) -> forms.CitationForm:
    rebound = decision.form(form.data, step=step)
    rebound.is_valid()
    for name, errors in form.errors.items():
        if name == "template":
            rebound.errors.setdefault(name, rebound.error_class()).extend(errors)
    rebound.confirm_template = getattr(form, "confirm_template", None)  # type: ignore[attr-defined]
    return rebound


def _page(decision: Decision, draft: dict[str, Any]) -> dict[str, Any]:
    return {
        "case": decision.case,
        "question": decision.question,
        "exemption": decision.exemption,
        "citation": decision.citation,
        "decision": decision,
        "absolute": _absolute(decision.exemption, draft),
        "steps": [
            (s, STEP_TITLES[s], decision.step_url(s)) for s in _steps(decision.exemption, draft)
        ],
    }


@require_http_methods(["GET", "POST"])
def citation_new_step(
    request: HttpRequest, reference: str, number: int, exemption_id: int, step: str
) -> HttpResponse:
    return _step(request, _new_decision(request, reference, number, exemption_id), step)


@require_http_methods(["GET", "POST"])
def citation_step(request: HttpRequest, reference: str, pk: int, step: str) -> HttpResponse:
    return _step(request, _edit_decision(request, reference, pk), step)


# --- Check and save --------------------------------------------------------------------------


def _summary_rows(decision: Decision, draft: dict[str, Any]) -> list[dict[str, Any]]:
    values = drafts.values(draft)
    form = decision.form(initial=values)
    rows = []
    for step in _steps(decision.exemption, draft):
        for name in _step_fields(decision.exemption, step):
            if name == "template":
                continue
            field = form.fields.get(name)
            if field is None:
                continue
            value = values.get(name)
            if hasattr(field, "choices") and value not in (None, ""):
                labels = dict((str(k), v) for k, v in field.choices)
                value = (
                    ", ".join(labels.get(v, v) for v in value)
                    if isinstance(value, list)
                    else labels.get(str(value), value)
                )
            if isinstance(value, dt.date):
                value = f"{value.day} {value:%B %Y}"
            if name in OPTIONAL and not value:
                continue
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            rows.append(
                {
                    "label": field.label,
                    "value": value,
                    "url": decision.step_url(step) + "?change=1#" + f"id_{name}",
                    "step": step,
                }
            )
        if step == "factors":
            for side, words in (
                ("disclosure", "For disclosure"),
                ("maintain", "Against disclosure"),
            ):
                factors = [f for f in draft["factors"] if f["side"] == side]
                rows.append(
                    {
                        "label": f"Factors {words.lower()}",
                        "factors": factors,
                        "total": sum(f["weight"] or 0 for f in factors),
                        "url": decision.step_url("factors") + "?change=1",
                        "step": step,
                    }
                )
    return rows


def _render_check(
    request: HttpRequest,
    decision: Decision,
    draft: dict[str, Any],
    *,
    errors: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    comment = None
    if decision.citation is not None:
        returned = workflow.returned_review(decision.case)
        if returned is not None:
            comment = returned.comments.filter(citation=decision.citation).first()
    return render(
        request,
        "exemptions/citation_check.html",
        {
            **_page(decision, draft),
            "rows": _summary_rows(decision, draft),
            "errors": errors or [],
            "comment": comment,
            "changed": decision.citation is not None
            and draft != drafts.from_citation(decision.citation),
            "precedents": precedents.for_question(
                decision.question, user=request.user, exemption=decision.exemption
            ),
            "form_token": form_tokens.for_page(request),
        },
        status=status,
    )


def _refusals(decision: Decision, error: ValidationError) -> list[tuple[str, str]]:
    """Each refusal with a link to the step that can fix it."""
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    result = []
    for name, errors in error.error_dict.items():
        step = STEP_OF.get(name)
        url = decision.step_url(step) + "?change=1" if step else ""
        for item in errors:
            result.extend((url, message) for message in item.messages)
    return result


def _save(
    request: HttpRequest,
    decision: Decision,
    form: forms.CitationForm,
    factors: list[FactorData],
) -> ExemptionCitation | HttpResponse | None:
    """Save through the workflow; raise ValidationError with its refusals."""
    pit = form.pit_data(factors)
    if form.errors:
        raise ValidationError({name: errors for name, errors in form.errors.items()})
    case, question = decision.case, decision.question
    if decision.citation is None:
        try:
            with form_tokens.submit_once(request, form_tokens.posted(request)) as claim:
                citation = workflow.apply_exemption(
                    question,
                    actor=request.user,
                    exemption=decision.exemption,
                    data=form.citation_data(),
                    pit=pit,
                )
                claim.result_url = reverse(
                    "exemption_question", args=[case.reference, question.number]
                )
        except form_tokens.AlreadySubmitted as done:
            fallback = reverse("exemption_question", args=[case.reference, question.number])
            return form_tokens.show_earlier_result(request, done.result_url, fallback=fallback)
    else:
        citation = workflow.update_citation(
            decision.citation, actor=request.user, data=form.citation_data(), pit=pit
        )
    messages.success(request, f"Question {question.number}: {citation.provision} saved.")
    if pit is not None and validation.is_pit_late(pit, case.current_due_on):
        messages.warning(request, LATE_PIT_WARNING)
    return None


def _check(request: HttpRequest, decision: Decision) -> HttpResponse:
    if request.method == "GET" and request.GET.get("start") == "1":
        drafts.drop(request, decision.key)
    draft = drafts.get(request, decision.key, decision.citation)
    if request.method == "GET":
        return _render_check(request, decision, draft)
    if "reasoning" in request.POST or "factor-TOTAL_FORMS" in request.POST:
        return _save_whole(request, decision)
    form = decision.form()
    form.errors  # noqa: B018 (an unbound form's errors start empty; refusals are added to it)
    values = drafts.values(draft)
    values["on_emissions"] = {"yes": True, "no": False}.get(values.get("on_emissions") or "")
    form.cleaned_data = values
    factors = [FactorData(**f) for f in draft["factors"]]
    try:
        shown = _save(request, decision, form, factors)
    except ValidationError as error:
        return _render_check(
            request, decision, draft, errors=_refusals(decision, error), status=400
        )
    drafts.drop(request, decision.key)
    return shown or back_to_question(decision.case, decision.question)


@require_http_methods(["GET", "POST"])
def citation_new_check(
    request: HttpRequest, reference: str, number: int, exemption_id: int
) -> HttpResponse:
    return _check(request, _new_decision(request, reference, number, exemption_id))


@require_http_methods(["GET", "POST"])
def citation_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _check(request, _edit_decision(request, reference, pk))


# --- A whole decision posted at once ---------------------------------------------------------


def _save_whole(request: HttpRequest, decision: Decision) -> HttpResponse:
    """The decision posted in one form (every field at once), saved as the steps save it."""
    form = decision.form(request.POST)
    factors = forms.factor_formset(request.POST)
    if form.is_valid() & factors.is_valid():
        try:
            shown = _save(request, decision, form, forms.factors_from(factors))
        except ValidationError as error:
            if not form.errors:
                attach_errors(form, error)
        else:
            drafts.drop(request, decision.key)
            return shown or back_to_question(decision.case, decision.question)
    draft = drafts.get(request, decision.key, decision.citation)
    errors = [
        (decision.step_url(STEP_OF[name]) if name in STEP_OF else "", str(message))
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    errors += [("", str(e)) for f in factors.forms for e in f.non_field_errors()]
    return _render_check(request, decision, draft, errors=errors, status=400)
