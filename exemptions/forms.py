"""Forms for decisions and review: the shape of input only; the rules live in validation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from exemptions.models import (
    Exemption,
    ExemptionCitation,
    InternalHeldStatus,
    PublicInterestFactor,
    PublicInterestTest,
    ReasoningTemplate,
)
from exemptions.validation import CitationData, FactorData, PitData
from foi_cases.forms import GovukForm, IdChoiceField, IdMultipleChoiceField, date_field
from foi_cases.models import Consultation, Question

MAX_TEXT = 20_000
WEIGHTS = [(str(n), str(n)) for n in range(1, 6)]


def long_text(label: str, *, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
    )


class AnswerForm(GovukForm):
    held_status = forms.ChoiceField(
        label="Is the information held?",
        choices=Question.Held.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the information is held"},
    )
    outcome = forms.ChoiceField(
        label="What happens to it?",
        help_text="Not asked when neither confirming nor denying: that is the whole answer.",
        # NCND is not offered: it follows from the answer to "Is the information held?".
        choices=[c for c in Question.Outcome.choices if c[0] != Question.Outcome.NCND],
        widget=forms.RadioSelect,
        required=False,
    )
    answer_text = long_text(
        "Answer",
        help_text="The information disclosed, or the explanation given. Leave empty for "
        "neither confirm nor deny.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("held_status") == Question.Held.NCND:
            data["outcome"] = Question.Outcome.NCND
        elif data.get("held_status") and not data.get("outcome"):
            self.add_error("outcome", "Choose what happens to the information")
        return data


class InternalHeldForm(GovukForm):
    held = forms.ChoiceField(
        label="Is the information in fact held?",
        choices=InternalHeldStatus.Held.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the information is in fact held"},
    )
    note = long_text("Note", help_text="Where it is held, for the people on the case.")


class ExemptionChoiceForm(GovukForm):
    exemption = IdChoiceField(
        label="Exemption or ground",
        queryset=Exemption.objects.none(),
        error_messages={"required": "Choose an exemption", "invalid_choice": "Choose an exemption"},
    )

    def __init__(self, *args: Any, regime: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exemption"]
        field.queryset = Exemption.objects.filter(regime=regime, active=True)  # type: ignore[attr-defined]
        field.label_from_instance = lambda e: f"{e.section} {e.short_name} ({e.get_kind_display()})"  # type: ignore[attr-defined]


class CitationForm(GovukForm):
    """One exemption decision with its public interest test fields."""

    role = forms.ChoiceField(
        label="How is it cited?",
        choices=[
            (ExemptionCitation.Role.DISCLOSURE, "Exempt from disclosure"),
            (ExemptionCitation.Role.NCND, "Neither confirm nor deny"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    limbs = forms.MultipleChoiceField(
        label="Subsections relied on",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    alternative_group = forms.CharField(
        label="Alternative group",
        help_text="Only for s23(1) and s24(1) cited in the alternative: give both the same "
        "letter, e.g. A.",
        required=False,
        max_length=20,
    )
    likelihood = forms.ChoiceField(
        label="Likelihood of harm",
        choices=[("", "Not applicable (class exemption)"), *ExemptionCitation.Likelihood.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    harm_interest = long_text("What would be harmed")
    harm_mechanism = long_text("How disclosure would cause the harm")
    harm_evidence = long_text("Evidence", help_text="For example the police threat assessment.")
    evidence_consultation = IdChoiceField(
        label="Consultation relied on as evidence (optional)",
        help_text="The letter never names the consultee.",
        queryset=Consultation.objects.none(),
        required=False,
        empty_label="None",
    )
    qp_name = forms.CharField(label="Qualified person (s36)", required=False, max_length=200)
    qp_opinion_on = date_field("Date of the qualified person's opinion", required=False)
    qp_material = long_text("Material put to the qualified person")
    template = IdChoiceField(
        label="Reasoning template",
        queryset=ReasoningTemplate.objects.none(),
        required=False,
    )
    template_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reasoning = long_text("Why the exemption applies", help_text="For the letter (s17(1)(c)).")
    omit_reasons = forms.BooleanField(
        label="Leave the reasons out of the letter: stating them would disclose exempt "
        "information (s17(4))",
        required=False,
    )
    omit_reasons_justification = long_text("Why the reasons are left out")
    on_emissions = forms.TypedChoiceField(
        label="Is the information on emissions? (EIR reg 12(5)(d) to (g))",
        help_text="Information on emissions cannot be withheld under these exceptions (reg 12(9)).",
        choices=[("", "Not applicable"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    pit_as_at = date_field("Public interest assessed as at", required=False)
    pit_conclusion = forms.ChoiceField(
        label="Conclusion",
        choices=[("", "No public interest test"), *PublicInterestTest.Conclusion.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    pit_summary = long_text("Public interest reasons for the letter (s17(3))")
    pit_override_reason = long_text(
        "Why the exemption is maintained although the weights do not favour it",
        help_text="Only where you conclude to withhold without a heavier weight for it.",
    )
    pit_presumption_applied = forms.BooleanField(
        label="The presumption in favour of disclosure was applied (EIR reg 12(2))",
        required=False,
    )
    pit_late_reason = long_text(
        "Why the balance is judged after the time for compliance",
        help_text="Only where the date assessed at is after the due date.",
    )

    def __init__(
        self,
        *args: Any,
        exemption: Exemption,
        topic_slugs: list[str],
        only: tuple[str, ...] = (),
        template_target: str = "",
        consultations: QuerySet[Consultation] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.exemption = exemption
        evidence = self.fields["evidence_consultation"]
        evidence.queryset = (
            consultations if consultations is not None else Consultation.objects.none()
        )  # type: ignore[attr-defined]
        evidence.label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.consultee} ({c.get_consultee_type_display().lower()}), {c.consulted_on:%-d %B %Y}"
        )
        choices = [(code, _limb_choice(exemption, code)) for code in exemption.limb_codes()]
        choices += [
            (code, f"{_limb_choice(exemption, code)} (neither confirm nor deny)")
            for code in exemption.ncnd_codes()
        ]
        self.fields["limbs"].choices = choices  # type: ignore[attr-defined]
        templates = exemption.reasoning_templates.filter(active=True)
        if topic_slugs:
            templates = templates.filter(topic_slug__in=["", *topic_slugs])
        if template_target:
            templates = templates.filter(target=template_target)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        if exemption.is_procedural:
            del self.fields["role"]
        if only:
            # One step of the decision: only that step's fields.
            for name in [name for name in self.fields if name not in only]:
                del self.fields[name]

    def citation_data(self) -> CitationData:
        data = self.cleaned_data
        role = data.get("role") or (
            ExemptionCitation.Role.PROCEDURAL
            if self.exemption.is_procedural
            else ExemptionCitation.Role.DISCLOSURE
        )
        return CitationData(
            role=role,
            limbs=tuple(data.get("limbs") or ()),
            alternative_group=data.get("alternative_group", ""),
            likelihood=data.get("likelihood", ""),
            harm_interest=data.get("harm_interest", ""),
            harm_mechanism=data.get("harm_mechanism", ""),
            harm_evidence=data.get("harm_evidence", ""),
            qp_name=data.get("qp_name", ""),
            qp_opinion_on=data.get("qp_opinion_on"),
            qp_material=data.get("qp_material", ""),
            reasoning=data.get("reasoning", ""),
            omit_reasons=bool(data.get("omit_reasons")),
            omit_reasons_justification=data.get("omit_reasons_justification", ""),
            template_version_id=data.get("template_version"),
            on_emissions=data.get("on_emissions"),
            evidence_consultation_id=(
                data["evidence_consultation"].pk if data.get("evidence_consultation") else None
            ),
        )

    def pit_data(self, factors: list[FactorData]) -> PitData | None:
        """The public interest test entered, or None where none was."""
        data = self.cleaned_data
        if not (data.get("pit_conclusion") or factors or data.get("pit_summary")):
            return None
        if data.get("pit_as_at") is None:
            self.add_error("pit_as_at", "Enter the date the public interest is assessed at")
            return None
        return PitData(
            as_at=data["pit_as_at"],
            conclusion=data.get("pit_conclusion", ""),
            summary=data.get("pit_summary", ""),
            factors=tuple(factors),
            override_reason=data.get("pit_override_reason", ""),
            presumption_applied=bool(data.get("pit_presumption_applied")),
            late_reason=data.get("pit_late_reason", ""),
        )

    @classmethod
    def initial_from(cls, citation: ExemptionCitation) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(citation, name)
            for name in (
                "role",
                "limbs",
                "alternative_group",
                "likelihood",
                "harm_interest",
                "harm_mechanism",
                "harm_evidence",
                "qp_name",
                "qp_opinion_on",
                "qp_material",
                "reasoning",
                "omit_reasons",
                "omit_reasons_justification",
            )
        }
        if citation.on_emissions is not None:
            initial["on_emissions"] = "yes" if citation.on_emissions else "no"
        initial["template_version"] = citation.template_version_id
        initial["evidence_consultation"] = citation.evidence_consultation_id
        pit = getattr(citation, "pit", None)
        if pit is not None:
            initial.update(
                pit_as_at=pit.as_at,
                pit_conclusion=pit.conclusion,
                pit_summary=pit.summary,
                pit_override_reason=pit.override_reason,
                pit_presumption_applied=pit.presumption_applied,
                pit_late_reason=pit.late_reason,
            )
        return initial


def _limb_choice(exemption: Exemption, code: str) -> str:
    """A limb as offered: its label, and what it needs where that differs from the rest."""
    label = f"{code} {exemption.limb_label(code)}".strip()
    notes = []
    if not exemption.is_procedural and exemption.is_absolute([code]):
        notes.append("absolute: no public interest test")
    if exemption.test_types([code]) == {Exemption.TestType.CLASS} and exemption.has_harm_test:
        notes.append("class-based: no harm test")
    return f"{label} ({'; '.join(notes)})" if notes else label


class FactorForm(forms.Form):
    side = forms.ChoiceField(
        label="Favours",
        choices=[("", "Choose"), *PublicInterestFactor.Side.choices],
        required=False,
    )
    text = forms.CharField(
        label="Factor",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
    )
    weight = forms.TypedChoiceField(
        label="Weight (1 to 5)",
        choices=[("", "Choose"), *WEIGHTS],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        filled = [
            bool(data.get("side")),
            bool((data.get("text") or "").strip()),
            data.get("weight") is not None,
        ]
        if any(filled) and not all(filled):
            raise forms.ValidationError("Give each factor a side, a description and a weight.")
        return data


FactorFormSet = forms.formset_factory(FactorForm, extra=0, max_num=40, absolute_max=40)
BLANK_FACTOR_ROWS = 4


def factor_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None, extra_rows: int = 0
) -> forms.BaseFormSet:
    rows = list(initial or [])
    rows += [{} for _ in range(max(BLANK_FACTOR_ROWS - len(rows), 0) + extra_rows)]
    if data is not None:
        return FactorFormSet(data, prefix="factor")
    return FactorFormSet(initial=rows, prefix="factor")


def factors_from(formset: forms.BaseFormSet) -> list[FactorData]:
    return [
        FactorData(
            side=f.cleaned_data["side"],
            text=f.cleaned_data["text"],
            weight=f.cleaned_data["weight"],
        )
        for f in formset.forms
        if f.cleaned_data.get("side")
    ]


class SideFactorForm(forms.Form):
    """One factor on a side the table gives: a wide description and a narrow weight."""

    text = forms.CharField(
        label="Factor",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
    )
    weight = forms.TypedChoiceField(
        label="Weight",
        choices=[("", "Choose"), *WEIGHTS],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args: Any, name: str = "Factor", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text = (data.get("text") or "").strip()
        if data.get("weight") is not None and not text:
            self.add_error("text", f"{self.name}: enter the factor")
        if text and data.get("weight") is None:
            self.add_error("weight", f"{self.name}: choose its weight from 1 to 5")
        return data


SIDES = {
    PublicInterestFactor.Side.DISCLOSURE: ("factor_for", "for disclosure"),
    PublicInterestFactor.Side.MAINTAIN: ("factor_against", "against disclosure"),
}


class BaseSideFactorFormSet(forms.BaseFormSet):
    side_words = ""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        number = (index or 0) + 1
        return {"name": f"Factor {number} {self.side_words}"}


def side_factor_formsets(
    data: Any = None, *, factors: list[dict[str, Any]] | None = None, extra_rows: int = 0
) -> list[tuple[str, str, forms.BaseFormSet]]:
    """A formset per side (for, against disclosure), each with a few blank rows to fill."""
    result = []
    for side, (prefix, words) in SIDES.items():
        formset_class = forms.formset_factory(
            SideFactorForm,
            formset=type("SideFactorFormSet", (BaseSideFactorFormSet,), {"side_words": words}),
            extra=0,
            max_num=20,
            absolute_max=20,
        )
        if data is not None:
            formset = formset_class(data, prefix=prefix)
        else:
            rows = [
                {"text": f["text"], "weight": f["weight"]}
                for f in factors or []
                if f["side"] == side
            ]
            rows += [{} for _ in range(max(2 - len(rows), 0) + 1 + extra_rows)]
            formset = formset_class(initial=rows, prefix=prefix)
        result.append((str(side), words, formset))
    return result


def posted_side_factors(formsets: list[tuple[str, str, forms.BaseFormSet]]) -> list[dict[str, Any]]:
    """The rows typed so far (complete or not), to show again with another blank row."""
    rows = []
    for side, _, formset in formsets:
        for f in formset.forms:
            data = f.cleaned_data if hasattr(f, "cleaned_data") else {}
            if (data.get("text") or "").strip() or data.get("weight"):
                rows.append(
                    {"side": side, "text": data.get("text", ""), "weight": data.get("weight")}
                )
    return rows


def factors_from_sides(formsets: list[tuple[str, str, forms.BaseFormSet]]) -> list[FactorData]:
    return [
        FactorData(side=side, text=f.cleaned_data["text"].strip(), weight=f.cleaned_data["weight"])
        for side, _, formset in formsets
        for f in formset.forms
        if (f.cleaned_data.get("text") or "").strip()
    ]


class AggregateForm(GovukForm):
    citations = IdMultipleChoiceField(
        label="Exemptions weighed together",
        queryset=ExemptionCitation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the exemptions to weigh together"},
    )
    pit_as_at = date_field("Public interest assessed as at")
    pit_conclusion = forms.ChoiceField(
        label="Conclusion",
        choices=PublicInterestTest.Conclusion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the conclusion"},
    )
    pit_summary = long_text("Public interest reasons for the letter (s17(3))")
    pit_override_reason = long_text(
        "Why the exemptions are maintained although the weights do not favour them"
    )
    pit_presumption_applied = forms.BooleanField(
        label="The presumption in favour of disclosure was applied (EIR reg 12(2))",
        required=False,
    )
    pit_late_reason = long_text(
        "Why the balance is judged after the time for compliance",
        help_text="Only where the date assessed at is after the due date.",
    )

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citations"].queryset = question.citations.filter(  # type: ignore[attr-defined]
            role=ExemptionCitation.Role.DISCLOSURE
        )
        self.fields["citations"].label_from_instance = lambda c: c.provision  # type: ignore[attr-defined]


class ApproveForm(GovukForm):
    note = long_text("Comment (optional)")


class ReturnForm(GovukForm):
    """A comment per decision; the fields are added for the case's citations and questions."""

    note = long_text("Overall comment (optional)")

    def __init__(
        self,
        *args: Any,
        citations: list[ExemptionCitation],
        questions: list[Question],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"question-{question.pk}"] = long_text(
                f"Question {question.number}: answer"
            )
        for citation in citations:
            self.fields[f"citation-{citation.pk}"] = long_text(
                f"Question {citation.question.number}: {citation.provision}"
            )

    def comments(self, prefix: str) -> dict[int, str]:
        return {
            int(name.removeprefix(f"{prefix}-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith(f"{prefix}-") and value.strip()
        }
