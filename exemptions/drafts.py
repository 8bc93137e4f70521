"""An exemption decision being written, kept in the session until it is saved.

A draft is {"values": {field: value}, "factors": [{"side", "text", "weight"}]}, with values as
a form's initial data (dates as ISO strings), so that it survives JSON session storage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from exemptions import forms
from exemptions.models import Exemption, ExemptionCitation, ReasoningTemplate
from foi_cases.models import Consultation, Question

DATES = ("qp_opinion_on", "pit_as_at")
DRAFTS = "decision_drafts"


def key(question: Question, exemption: Exemption, citation: ExemptionCitation | None) -> str:
    return f"c{citation.pk}" if citation else f"q{question.pk}-e{exemption.pk}"


def stored(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, ReasoningTemplate):
        return None
    if isinstance(value, Consultation):
        return value.pk
    return value


def from_citation(citation: ExemptionCitation | None) -> dict[str, Any]:
    if citation is None:
        return {"values": {}, "factors": []}
    values = {k: stored(v) for k, v in forms.CitationForm.initial_from(citation).items()}
    pit = getattr(citation, "pit", None)
    factors = [
        {"side": f.side, "text": f.text, "weight": f.weight}
        for f in (pit.factors.all() if pit else [])
    ]
    return {"values": values, "factors": factors}


def get(request: HttpRequest, key: str, citation: ExemptionCitation | None) -> dict[str, Any]:
    drafts = request.session.setdefault(DRAFTS, {})
    if key not in drafts:
        drafts[key] = from_citation(citation)
        request.session.modified = True
    return drafts[key]


def save(request: HttpRequest, key: str, draft: dict[str, Any]) -> None:
    request.session.setdefault(DRAFTS, {})[key] = draft
    request.session.modified = True


def drop(request: HttpRequest, key: str) -> None:
    if key in request.session.get(DRAFTS, {}):
        del request.session[DRAFTS][key]
        request.session.modified = True


def values(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft's values as a form's initial data (dates as dates)."""
    result = dict(draft["values"])
    for name in DATES:
        if result.get(name):
            result[name] = dt.date.fromisoformat(result[name])
    return result
