"""Small template helpers for the case pages: tags, error summaries, audit event text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms, template

from foi_cases.date_words import long_date
from foi_cases.models import Case, CaseEvent, CaseLink, Record
from foi_cases.timeline import money

register = template.Library()

STATUS_COLOURS = {
    Case.Status.RECEIVED: "govuk-tag--light-blue",
    Case.Status.IN_PROGRESS: "govuk-tag--blue",
    Case.Status.AWAITING_CLARIFICATION: "govuk-tag--yellow",
    Case.Status.AWAITING_FEE: "govuk-tag--yellow",
    Case.Status.IN_REVIEW: "govuk-tag--purple",
    Case.Status.APPROVED: "govuk-tag--turquoise",
    Case.Status.RESPONDED: "govuk-tag--green",
    Case.Status.CLOSED: "govuk-tag--grey",
}


@register.inclusion_tag("foi_cases/_status_tag.html")
def status_tag(case: Case) -> dict[str, Any]:
    return {"label": case.get_status_display(), "colour": STATUS_COLOURS.get(case.status, "")}


@register.simple_tag
def user_name(user: Any) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


def _field_id(bound: forms.BoundField) -> str:
    """The id to link to: a date input's day box, the first radio or checkbox, else the field."""
    if isinstance(bound.field, forms.MultiValueField):
        return f"{bound.auto_id}_0"
    if isinstance(bound.field.widget, forms.RadioSelect):  # and CheckboxSelectMultiple
        return f"{bound.auto_id}_1"  # crispy-forms-gds numbers the inputs from 1
    return bound.id_for_label or bound.auto_id


def _first_id(form: forms.BaseForm) -> str:
    for bound in form.visible_fields():
        return _field_id(bound)
    return ""


def _form_errors(form: forms.BaseForm) -> list[tuple[str, str]]:
    found = [(_first_id(form), str(error)) for error in form.non_field_errors()]
    for bound in form.visible_fields():
        found += [(_field_id(bound), str(error)) for error in bound.errors]
    return found


@register.inclusion_tag("foi_cases/_error_summary.html")
def error_summary(*items: Any) -> dict[str, Any]:
    """The GOV.UK error summary for any number of forms and formsets, linked to the fields."""
    errors: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            if item.is_bound:
                first = _first_id(item.forms[0]) if item.forms else ""
                errors += [(first, str(error)) for error in item.non_form_errors()]
                for form in item.forms:
                    errors += _form_errors(form)
        elif isinstance(item, forms.BaseForm):
            if item.is_bound:
                errors += _form_errors(item)
        elif item:
            errors += [("", str(message)) for message in item]
    return {"errors": [(f"#{anchor}" if anchor else "", message) for anchor, message in errors]}


def _has_errors(value: Any) -> bool:
    if isinstance(value, forms.BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    return False


def page_has_errors(context: template.Context) -> bool:
    """Whether any bound form or formset the page shows has errors (one level of lists too)."""
    if context.get("page_has_errors"):
        return True
    for value in context.flatten().values():
        if isinstance(value, (list, tuple)):
            if any(_has_errors(item) for item in value):
                return True
        elif _has_errors(value):
            return True
    return False


class PageTitleNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        title = " ".join(self.nodelist.render(context).split())
        # A page may know of errors no form holds (a refusal on a check page): it prefixes its
        # own title, and gets the prefix once.
        own_prefix = title.startswith("Error: ")
        title = title.removeprefix("Error: ")
        return f"Error: {title}" if own_prefix or page_has_errors(context) else title


@register.tag
def page_title(parser: template.base.Parser, token: template.base.Token) -> PageTitleNode:
    """{% page_title %}…{% endpage_title %}: the <title>, with "Error: " when a form has errors.

    GOV.UK pattern: a page showing validation errors starts its title with "Error: ".
    """
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist)


_WRONG_ERROR_CLASS = re.compile(r'class="govuk-(textarea|select)([^"]*?) govuk-input--error')


_INPUT_WITHOUT_ERROR = re.compile(r'class="govuk-input(?![^"]*govuk-input--error)([^"]*)"')


@register.filter(is_safe=True)
def govuk_error_classes(html: str, in_error: Any = False) -> str:
    """Give a field in error GOV.UK's red border, which crispy-forms-gds leaves off some.

    It marks a textarea or select with govuk-input--error, not their own classes, and gives a
    number input no GOV.UK class at all.
    """
    html = _WRONG_ERROR_CLASS.sub(r'class="govuk-\1\2 govuk-\1--error', html)
    # A number input gets crispy's bare "numberinput" class: style it as a GOV.UK input.
    html = html.replace('class="numberinput"', 'class="govuk-input govuk-input--width-5"')
    if in_error and "govuk-date-input" not in html:
        html = _INPUT_WITHOUT_ERROR.sub(r'class="govuk-input\1 govuk-input--error"', html)
    return html


def _date(value: Any) -> str:
    try:
        return long_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value)


_ALLOCATING = (
    CaseEvent.Verb.REVIEWER_ALLOCATED,
    CaseEvent.Verb.SUBMITTED_FOR_REVIEW,
    CaseEvent.Verb.LETTER_SUBMITTED,
    CaseEvent.Verb.REVIEWER_ASSIGNED,
)
_CLEARANCE = {
    True: "a manager allocates reviewers and gives a second approval",
    False: "no manager clearance",
    None: "manager clearance as the service default",
}


@register.simple_tag
def event_summary(event: CaseEvent, names: dict[str, dict[str, str]] | None = None) -> str:
    """One plain-English line about what an audit event changed.

    names (from foi_cases.timeline.timeline_names) turns usernames and topic slugs into the
    names people know.
    """
    data = event.data or {}
    people = (names or {}).get("people", {})
    topics = (names or {}).get("topics", {})

    def person(username: Any) -> str:
        return people.get(str(username), str(username))

    parts: list[str] = []
    if event.verb == CaseEvent.Verb.LOGGED:
        count = data.get("questions", 0)
        noun = "question" if count == 1 else "questions"
        parts.append(f"Reference {data.get('reference', '')}, {count} {noun}")
    if event.verb == CaseEvent.Verb.ASSIGNED and data.get("assignee"):
        parts.append(f"to {person(data['assignee'])}")
    if event.verb == CaseEvent.Verb.TOPICS_SET:
        parts.append(
            ", ".join(topics.get(slug, slug) for slug in data.get("topics", [])) or "no topics"
        )
    if event.verb == CaseEvent.Verb.RESTRICTION_CHANGED:
        parts.append("restricted" if data.get("restricted") else "restriction lifted")
        if "manager_clearance" in data:
            parts.append(_CLEARANCE[data["manager_clearance"]])
    if data.get("member"):
        parts.append(person(data["member"]))
    if data.get("reviewer") and event.verb in _ALLOCATING:
        parts.append(f"reviewer {person(data['reviewer'])}")
    if data.get("added_to_team"):
        parts.append("added to the case team")
    if event.verb in (CaseEvent.Verb.LINKED, CaseEvent.Verb.LINK_REMOVED) and data.get("kind"):
        # The kind only: the other case may be restricted, and its reference is not for all.
        parts.append(str(CaseLink.Kind(data["kind"]).label))
    if data.get("comments"):
        parts.append(str(data["comments"]))
    if data.get("reason"):
        parts.append(str(data["reason"]))
    if data.get("on"):
        parts.append(f"on {_date(data['on'])}")
    if data.get("amount"):
        parts.append(f"fee {money(data['amount'])}")
    if data.get("exemptions"):
        parts.append(f"exemptions {data['exemptions']}")
    if data.get("estimated_on"):
        parts.append(f"decision expected {_date(data['estimated_on'])}")
    if data.get("outcome"):
        label = dict(Case.Outcome.choices).get(data["outcome"], data["outcome"])
        parts.append(str(label))
    if event.verb == CaseEvent.Verb.OVERDUE and data.get("due"):
        late = data.get("working_days_late")
        parts.append(f"was due {_date(data['due'])}")
        if late:
            parts.append(f"{late} working day{'s' if late != 1 else ''} late")
    if data.get("cost"):
        over = "over" if data.get("exceeds_limit") else "within"
        parts.append(f"{data.get('hours')} hours, {money(data['cost'])} ({over} the limit)")
    if "due_on" in data and event.verb != CaseEvent.Verb.LOGGED:
        parts.append(_due_change(data))
    elif event.verb == CaseEvent.Verb.LOGGED and data.get("due_on"):
        parts.append(f"due {_date(data['due_on'])}")
    parts += _record_review_summary(event)
    return "; ".join(part for part in parts if part)


def _record_review_summary(event: CaseEvent) -> list[str]:
    """Which record, where and under what: the event never holds the text redacted."""
    data, verb = event.data or {}, event.verb
    if verb == CaseEvent.Verb.RECORD_REDACTED:
        rows = data.get("redactions", [])
        names = ", ".join(sorted({str(r.get("name", "")) for r in rows}))
        places = f"{len(rows)} place{'s' if len(rows) != 1 else ''}"
        return [f"{names}: {places} under {data.get('provision', '')}"]
    if verb == CaseEvent.Verb.RECORD_REDACTION_REMOVED:
        return [f"{data.get('name', '')}, page {data.get('page')}, {data.get('provision', '')}"]
    if verb == CaseEvent.Verb.RECORD_RESPONSIVENESS:
        label = dict(Record.Responsiveness.choices).get(data.get("after", ""), "")
        return [f"{data.get('name', '')}: {label.lower()}"]
    return []


def _due_change(data: dict[str, Any]) -> str:
    before, after = data.get("due_on_before"), data.get("due_on")
    if not after:
        text = "clock stopped"
    elif before and before != after:
        text = f"due date {_date(before)} → {_date(after)}"
    else:
        text = f"due {_date(after)}"
    if data.get("extended_due_on"):
        text += f", extended to {_date(data['extended_due_on'])}"
    return text


@register.filter
def event_warnings(event: CaseEvent) -> list[str]:
    return [str(warning) for warning in (event.data or {}).get("warnings", [])]


@register.filter
def pit_weights(pit: Any) -> str:
    """A public interest test's weights: "7 for disclosure, 9 against"."""
    return f"{pit.weight_for('disclosure')} for disclosure, {pit.weight_for('maintain')} against"
