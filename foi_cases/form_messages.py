"""GOV.UK error messages say what to do: "Enter the ICO reference", not "This field is required"."""

from __future__ import annotations

import re

from django import forms

DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_UNIT = re.compile(r"\s*\((hours|days)\)$")
_WH_WORDS = ("who ", "why ", "what ", "when ", "where ", "which ", "how ", "whether ")


def required_message(field: forms.Field) -> str:
    """ "Enter the reasons", "Select the outcome", "Enter who appealed": from the label."""
    label = str(field.label or "").strip()
    # "Reasons" reads "reasons" mid-sentence; "ICO reference" keeps its capitals.
    what = label if label[1:2].isupper() else label[:1].lower() + label[1:]
    unit = _UNIT.search(what)
    if unit is not None:  # "Locating it (hours)": "Enter the hours for locating it"
        what = f"the {unit.group(1)} for {what[: unit.start()]}"
    elif not what.startswith(_WH_WORDS):
        what = f"the {what}"
    chooses = isinstance(field, (forms.ChoiceField, forms.BooleanField, forms.ModelChoiceField))
    return f"{'Select' if chooses else 'Enter'} {what}"


def say_what_to_do(form: forms.BaseForm) -> None:
    """Replace Django's "This field is required." on each visible field that still has it."""
    for field in form.fields.values():
        if field.label and not field.widget.is_hidden:
            if field.error_messages.get("required") == DJANGO_REQUIRED:
                field.error_messages["required"] = required_message(field)
