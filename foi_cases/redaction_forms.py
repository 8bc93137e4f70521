"""Forms for reviewing records and redacting them: shape only; the workflow decides."""

from __future__ import annotations

import json
import math
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from foi_cases import record_text
from foi_cases.forms import GovukForm
from foi_cases.models import Record, RecordRedaction

# More boxes than any selection of text makes; beyond it the request is refused, not stored.
MAX_BOXES = 500
MAX_PHRASE = 200
CHOOSE_GROUND = "Choose the exemption the redaction is made under."


class ResponsivenessForm(GovukForm):
    responsive = forms.ChoiceField(
        label="Is this record within the request?",
        widget=forms.RadioSelect,
        choices=[
            (Record.Responsiveness.RESPONSIVE, "Yes, it is within the request"),
            (Record.Responsiveness.NOT_RESPONSIVE, "No, it is outside the request"),
        ],
        error_messages={"required": "Say whether the record is within the request."},
    )


def _coordinate(label: str) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, min_value=0)


class RedactionForm(GovukForm):
    """One redaction: a citation and either the boxes the viewer measured or one typed box."""

    citation = forms.IntegerField(
        label="Exemption",
        min_value=1,
        error_messages={"required": CHOOSE_GROUND, "invalid": CHOOSE_GROUND},
    )
    method = forms.ChoiceField(
        choices=[(RecordRedaction.Method.BOX, "Box"), (RecordRedaction.Method.TEXT, "Text")],
        required=False,
    )
    boxes = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100_000)
    page = forms.IntegerField(label="Page", required=False, min_value=1)
    x0 = _coordinate("From the left (points)")
    y0 = _coordinate("From the top (points)")
    x1 = _coordinate("To the left edge at (points)")
    y1 = _coordinate("To the top edge at (points)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["method"] = data.get("method") or RecordRedaction.Method.BOX
        if data.get("boxes"):
            data["areas"] = _parse_boxes(data["boxes"])
        else:
            typed = [data.get(k) for k in ("page", "x0", "y0", "x1", "y1")]
            if any(v is None for v in typed):
                raise ValidationError(
                    "Draw a box or select text on the page, or give the page and all four edges."
                )
            page, x0, y0, x1, y1 = typed
            data["areas"] = [_area(page, x0, y0, x1, y1)]
        return data


Box = tuple[int, float, float, float, float]


def _area(page: Any, x0: Any, y0: Any, x1: Any, y1: Any) -> Box:
    return (int(page), float(x0), float(y0), float(x1), float(y1))


def _parse_boxes(raw: str) -> list[Box]:
    """[[page, x0, y0, x1, y1], ...] from the viewer, as numbers, or a clear error."""
    try:
        rows = json.loads(raw)
    except ValueError as error:
        raise ValidationError("The boxes could not be read. Draw them again.") from error
    if not isinstance(rows, list) or not rows or len(rows) > MAX_BOXES:
        raise ValidationError("Draw a box or select text on the page.")
    areas = []
    for row in rows:
        if (
            not isinstance(row, list)
            or len(row) != 5
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in row)
            or not all(math.isfinite(v) for v in row)
            or row[0] != int(row[0])
        ):
            raise ValidationError("The boxes could not be read. Draw them again.")
        areas.append(_area(*row))
    return areas


class SearchForm(GovukForm):
    """What to look for across the case's records: a phrase as typed, or a preset pattern."""

    phrase = forms.CharField(
        label="Words to find (a name, as typed)", required=False, max_length=MAX_PHRASE
    )
    preset = forms.ChoiceField(
        label="Or a kind of detail",
        required=False,
        choices=[("", "None")] + [(k, label) for k, (label, _) in record_text.PRESETS.items()],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        phrase, preset = (data.get("phrase") or "").strip(), data.get("preset") or ""
        if phrase and preset:
            raise ValidationError("Search for words or for a kind of detail, not both.")
        if not phrase and not preset:
            raise ValidationError("Type the words to find, or choose a kind of detail.")
        data["phrase"] = phrase
        if phrase:
            data["pattern"] = record_text.phrase_pattern(phrase)
            data["label"] = phrase
        else:
            label, data["pattern"] = record_text.PRESETS[preset]
            data["label"] = label
        return data


class SearchRedactForm(SearchForm):
    citation = forms.IntegerField(
        label="Exemption",
        min_value=1,
        error_messages={"required": CHOOSE_GROUND, "invalid": CHOOSE_GROUND},
    )
    # Not "matches": a control of that name would replace the form element's matches()
    # method in the browser, which scripts and accessibility checkers call.
    to_redact = forms.MultipleChoiceField(
        label="Matches to redact",
        error_messages={"required": "Choose at least one match to redact."},
    )

    def __init__(self, *args: Any, keys: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_redact"].choices = [(k, k) for k in keys]
