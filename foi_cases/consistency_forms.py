"""Forms of the consistency guard: the register's entries, its CSV import, a question's
correction and a reviewer's override. Shape only; the workflow refuses the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from foi_cases.models import (
    Mention,
    ProtectedPerson,
    ProtectedPlace,
    SecurityAttribute,
)

MAX_CSV_BYTES = 2_000_000


class PersonForm(forms.ModelForm):
    class Meta:
        model = ProtectedPerson
        fields = ["name", "role", "constituency", "aliases"]
        widgets = {"aliases": forms.Textarea(attrs={"rows": 4})}


class PlaceForm(forms.ModelForm):
    class Meta:
        model = ProtectedPlace
        fields = ["name", "kind", "address", "postcode", "person"]


class AttributeForm(forms.ModelForm):
    class Meta:
        model = SecurityAttribute
        fields = ["name", "slug", "exposes", "phrases"]
        widgets = {"phrases": forms.Textarea(attrs={"rows": 6})}


ENTRY_FORMS: dict[str, type[forms.ModelForm]] = {
    "person": PersonForm,
    "place": PlaceForm,
    "attribute": AttributeForm,
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Register CSV",
        help_text="Columns: kind (person or place), name, type, constituency, aliases "
        "(separated by ;), address, postcode, person (the person a place belongs to).",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("Save the file as CSV in UTF-8 and try again.") from exc


class CorrectionForm(forms.Form):
    remove = forms.MultipleChoiceField(
        label="Not mentioned after all", required=False, widget=forms.CheckboxSelectMultiple
    )
    person = forms.ModelChoiceField(
        ProtectedPerson.objects.all(), label="Add a person", required=False
    )
    place = forms.ModelChoiceField(
        ProtectedPlace.objects.all(), label="Add a place", required=False
    )
    attribute = forms.ModelChoiceField(
        SecurityAttribute.objects.all(), label="Add a security attribute", required=False
    )
    change_of_circumstances = forms.CharField(
        label="Change of circumstances",
        help_text="What changed since an earlier answer withheld this (lets this answer "
        "disclose it). Leave empty if nothing changed.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, mentions: list[Mention], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [(str(m.pk), str(m)) for m in mentions]


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label="Why the answer may stand despite the finding",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
