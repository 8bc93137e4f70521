"""The case list, the home page and the case page with its clock steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from exemptions.decision_review_views import approval_queue
from foi_cases import casework_views, deadlines, forms, search, workflow
from foi_cases.bank_holidays import calendar_for
from foi_cases.clock import deadline_for
from foi_cases.date_words import long_date
from foi_cases.form_errors import attach_errors
from foi_cases.models import Case
from foi_cases.permissions import (
    can_edit_case,
    can_see_register_matches,
    can_triage_case,
    cases_visible_to,
    get_case_for_user,
    has_any_role,
    is_contributor,
    is_manager,
    is_officer,
)
from foi_cases.replica import reads_from_replica
from foi_cases.reporting.case_filters import CaseFilter
from foi_cases.timeline import timeline_names
from foi_cases.working_days import WorkingCalendar, working_days_late

CASES_PER_PAGE = 25
DECIDING_STATUSES = (Case.Status.IN_PROGRESS, Case.Status.IN_REVIEW, Case.Status.APPROVED)
TABS = {"mine": "My cases", "team": "My team", "all": "All cases"}


# --- Home and case list ------------------------------------------------------------------


def default_tab(user: Any) -> str:
    if is_manager(user):
        return "all"
    if is_officer(user):
        return "mine"
    return "team"


def home(request: HttpRequest) -> HttpResponse:
    """Each role starts on its own page: officers their cases, managers all, reviewers the queue."""
    if not has_any_role(request.user):
        if is_contributor(request.user):
            return redirect("my_tasks")
        return render(request, "foi_cases/home.html")
    if not (is_officer(request.user) or is_manager(request.user)):
        return approval_queue(request)
    return case_list(request, tab=default_tab(request.user))


def _due_soon_limits(today: dt.date, days: int) -> dict[str, dt.date]:
    calendars = {regime: calendar_for(regime) for regime in Case.Regime.values}
    return deadlines.due_soon_limits(today, calendars, days)


def filter_cases(cases: QuerySet, data: Any, today: dt.date) -> CaseFilter:
    """The case list's filters over `cases`: `.qs` the matches, `.form` the filter form.

    An invalid filter is reported (on the form) and ignored; the valid ones still apply.
    """
    return CaseFilter(data, cases, today=today)


CASE_LIST_ORDER = (F("current_due").asc(nulls_last=True), "reference")


def _listed(cases: QuerySet) -> QuerySet:
    """Cases as the list shows them: with requester, officer and topics, by due date."""
    return (
        cases.select_related("requester", "assigned_to")
        .prefetch_related("topics")
        .annotate(current_due=Coalesce("extended_due_on", "due_on"))
        .order_by(*CASE_LIST_ORDER)
    )


# A search lists at most this many matches, the most recently received: a common word or
# surname matches a tenth of a million cases, which no one pages through, and reading them
# all took 400 ms at 1,000,000 cases. "Search all matches" (all_matches=1) widens it.
SEARCH_CANDIDATES = 500


def _search_page(cases: QuerySet, number: str, *, every_match: bool) -> Page | None:
    """A page of search results, or None for a page number the paginator should settle.

    A search reads every candidate whatever the page, so the page's ids and the count
    come from that one reading (a window count), then the page's full rows by id. The
    paginator's COUNT and page query read the matches twice, the second time with every
    column (100 ms at 100,000 cases for a name matching 10,000, not 35).
    """
    if not (number.isdecimal() and 0 < int(number) < 10**6):
        return None
    if not every_match:
        cases = search.most_recent(cases, SEARCH_CANDIDATES, timezone.localdate())
    start = (int(number) - 1) * CASES_PER_PAGE
    found = list(
        cases.annotate(current_due=Coalesce("extended_due_on", "due_on"), total=Window(Count("pk")))
        .order_by(*CASE_LIST_ORDER)
        .values_list("pk", "total")[start : start + CASES_PER_PAGE]
    )
    if not found:  # past the last page, or nothing found
        return None
    paginator = Paginator(cases, CASES_PER_PAGE)
    paginator.count = found[0][1]  # a cached property: no COUNT query follows
    page = paginator.page(int(number))  # its own rows (a lazy slice) are never read
    page.object_list = list(_listed(Case.objects.filter(pk__in=[pk for pk, _ in found])))
    return page


@require_GET
@reads_from_replica(when=lambda request: bool(request.GET.get("q", "").strip()))
def case_list(request: HttpRequest, tab: str | None = None) -> HttpResponse:
    if not has_any_role(request.user):
        raise PermissionDenied("Your account has no role yet.")
    tab = tab or default_tab(request.user)
    if tab == "all" and not is_manager(request.user):
        raise PermissionDenied("Only managers can list all cases.")
    cases = Case.objects.all() if tab == "all" else cases_visible_to(request.user)
    if tab == "mine":
        cases = cases.filter(assigned_to=request.user)
    today = timezone.localdate()
    filtered = filter_cases(cases, request.GET, today)
    cases, form = filtered.qs, filtered.form
    number = request.GET.get("page") or "1"
    searching = bool(form.cleaned_data.get("q"))
    every_match = request.GET.get("all_matches") == "1"
    page = _search_page(cases, number, every_match=every_match) if searching else None
    if page is None:
        page = Paginator(_listed(cases), CASES_PER_PAGE).get_page(number)
    soon = _due_soon_limits(today, deadlines.DUE_SOON_WORKING_DAYS)
    for case in page:
        due = case.current_due_on
        case.due_soon = (
            bool(due and not case.is_overdue and case.is_open and not case.clock_stopped)
            and due <= soon[case.regime]
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "foi_cases/case_list.html",
        {
            "tab": tab,
            "tab_title": TABS[tab],
            "tabs": [
                (name, label)
                for name, label in TABS.items()
                if name != "all" or is_manager(request.user)
            ],
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": today,
            "more_matches": searching
            and not every_match
            and page.paginator.count >= SEARCH_CANDIDATES,
        },
    )


# --- Case page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockAction:
    """A step on the case page: its form, the workflow function, and when it is possible."""

    title: str
    button: str
    form_class: type[django_forms.Form]
    run: Callable[..., Any]
    available: Callable[[Case], bool]
    help: str = ""


def _can_move(case: Case, to: str) -> bool:
    return to in workflow.ALLOWED_TRANSITIONS[case.status]


CLOCK_ACTIONS: dict[str, ClockAction] = {
    "request-clarification": ClockAction(
        title="Ask for clarification (s1(3))",
        button="Record the clarification request",
        form_class=forms.ClarificationRequestForm,
        run=lambda case, actor, d: workflow.request_clarification(
            case, actor=actor, on=d["on"], note=d["note"]
        ),
        available=lambda case: _can_move(case, Case.Status.AWAITING_CLARIFICATION),
        help="The clock stops. When the clarification arrives, 20 working days start again "
        "from that day.",
    ),
    "clarification-received": ClockAction(
        title="Clarification received",
        button="Record the clarification",
        form_class=forms.ClarificationReceivedForm,
        run=lambda case, actor, d: workflow.receive_clarification(
            case, actor=actor, on=d["on"], note=d["note"]
        ),
        available=lambda case: case.status == Case.Status.AWAITING_CLARIFICATION,
        help="The 20 working days restart from this date (s10(6)(b)).",
    ),
    "fees-notice": ClockAction(
        title="Fees notice (s9)",
        button="Record the fees notice",
        form_class=forms.FeeNoticeForm,
        run=lambda case, actor, d: workflow.give_fee_notice(
            case, actor=actor, on=d["on"], amount=d["amount"], note=d["note"]
        ),
        available=lambda case: _can_move(case, Case.Status.AWAITING_FEE),
        help="The clock pauses from the day the notice is given until the fee arrives; both "
        "days are disregarded (s10(2)).",
    ),
    "fee-received": ClockAction(
        title="Fee received",
        button="Record the fee",
        form_class=forms.FeeReceivedForm,
        run=lambda case, actor, d: workflow.receive_fee(case, actor=actor, on=d["on"]),
        available=lambda case: case.status == Case.Status.AWAITING_FEE,
    ),
    "public-interest-extension": ClockAction(
        title="Public interest extension (s10(3))",
        button="Record the extension",
        form_class=forms.PublicInterestExtensionForm,
        run=lambda case, actor, d: workflow.extend_for_public_interest(
            case,
            actor=actor,
            notice_on=d["notice_on"],
            estimated_on=d["estimated_on"],
            exemptions_cited=d["exemptions_cited"],
            reason=d["reason"],
        ),
        available=workflow.public_interest_extension_available,
        help="Only to consider the public interest for a qualified exemption already engaged. "
        "Send the s17(2) notice within the 20 working days; the ICO expects no more than 20 "
        "extra working days.",
    ),
    "eir-extension": ClockAction(
        title="Extension for a complex and voluminous request (EIR reg 7)",
        button="Record the extension",
        form_class=forms.EirExtensionForm,
        run=lambda case, actor, d: workflow.extend_for_complexity(
            case, actor=actor, notice_on=d["notice_on"], reason=d["reason"]
        ),
        available=lambda case: case.regime == Case.Regime.EIR and case.is_open,
        help="Up to 40 working days where the complexity and volume of the information make "
        "20 impracticable. Tell the applicant within the 20 working days.",
    ),
    "variation": ClockAction(
        title="Statutory variation of the time for compliance",
        button="Record the variation",
        form_class=forms.VariationForm,
        run=lambda case, actor, d: workflow.set_variation(
            case,
            actor=actor,
            kind=d["kind"],
            working_days=d["working_days"],
            reference=d["reference"],
            twentieth_school_day=d["twentieth_school_day"],
        ),
        available=lambda case: case.regime == Case.Regime.FOIA and case.is_open,
        help="Maintained schools: the earlier of the 20th school day and the 60th working "
        "day. Archives: 30 working days. Armed forces and information held outside the UK: "
        "the day the ICO specifies, no later than the 60th working day.",
    ),
    "close": ClockAction(
        title="Close the case early",
        button="Close the case",
        form_class=forms.CloseForm,
        run=lambda case, actor, d: workflow.close_case(
            case, actor=actor, outcome=d["outcome"], note=d["note"]
        ),
        available=lambda case: (
            case.status != Case.Status.RESPONDED and _can_move(case, Case.Status.CLOSED)
        ),
        help="Withdrawn by the requester, lapsed (no clarification or fee), or handled as a "
        "subject access request.",
    ),
}


def actions_for(user: Any, case: Case) -> list[tuple[str, str]]:
    """The steps this user may take on this case now, as (label, url)."""
    actions = []
    if can_triage_case(user, case) and case.is_open:
        actions.append(("Triage", reverse("case_triage", args=[case.reference])))
    if can_edit_case(user, case):
        actions += [
            (action.title, reverse("case_action", args=[case.reference, name]))
            for name, action in CLOCK_ACTIONS.items()
            if action.available(case)
        ]
    return actions


def case_pages(user: Any, case: Case) -> list[tuple[str, str]]:
    """The case's other pages this user can use now: decisions, review, letters, afterwards."""
    from exemptions.permissions import can_review

    ref = [case.reference]
    pages = []
    if can_edit_case(user, case) and case.status in DECIDING_STATUSES:
        pages.append(("Decisions per question", reverse("exemption_decisions", args=ref)))
    if case.status == Case.Status.IN_REVIEW and (can_review(user, case) or is_manager(user)):
        pages.append(("Review the decisions", reverse("decision_review", args=ref)))
    if case.status != Case.Status.RECEIVED:
        pages.append(("Letters", reverse("letter_list", args=ref)))
    if case.status in Case.FINISHED_STATUSES:
        pages.append(("After the response", reverse("case_after_response", args=ref)))
    pages.append(("Correspondence", reverse("case_correspondence", args=ref)))
    pages.append(("Records, searches and consultations", reverse("case_records", args=ref)))
    pages.append(("Case team", reverse("case_team", args=ref)))
    if can_see_register_matches(user, case):
        pages.append(
            ("People, places and earlier positions", reverse("case_consistency", args=ref))
        )
    if case.status == Case.Status.APPROVED and workflow.can_withdraw_approval(user, case):
        pages.append(("Withdraw the approval", reverse("case_withdraw_approval", args=ref)))
    if workflow.can_delete_case(user) and not case.is_open:
        pages.append(("Delete this case", reverse("case_delete", args=ref)))
    return pages


def deadline_summary(case: Case, today: dt.date) -> dict[str, Any]:
    """The deadline panel: due date, working days left or late, and how it was reached."""
    deadline = deadline_for(case)
    due = deadline.extended_due or deadline.statutory_due
    calendar = calendar_for(case.regime)
    summary: dict[str, Any] = {"deadline": deadline, "due": due, "left": None, "late": None}
    if due and case.is_open and not case.clock_stopped:
        if due >= today:
            summary["left"] = calendar.working_days_between(today, due)
        else:
            summary["late"] = calendar.working_days_between(due, today)
    if due and deadline.statutory_due and case.responded_at:
        summary["response"] = response_timeliness(
            timezone.localtime(case.responded_at).date(), deadline, calendar
        )
    return summary


def response_timeliness(
    responded_on: dt.date, deadline: deadlines.Deadline, calendar: WorkingCalendar
) -> str:
    """ "Responded on 9 January 2027, working day 19: in time", or how many days late.

    The working day is counted as the deadline counts it, so clock stops are left out: the
    statutory due date is its last working day.
    """
    assert deadline.statutory_due is not None
    day = deadline.working_days - calendar.working_days_between(
        responded_on, deadline.statutory_due
    )
    due = deadline.extended_due or deadline.statutory_due
    late = working_days_late(due, responded_on, calendar)
    if late:
        verdict = f"{late} working day{'s' if late != 1 else ''} late"
    elif deadline.extended_due and responded_on > deadline.statutory_due:
        verdict = "in time (extended for the public interest test)"
    else:
        verdict = "in time"
    when = f"working day {day}" if day > 0 else "the day it was received"
    return f"Responded on {long_date(responded_on)}, {when}: {verdict}"


@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_user(request, reference)
    today = timezone.localdate()
    events = list(case.events.select_related("actor"))
    return render(
        request,
        "foi_cases/case_detail.html",
        {
            "case": case,
            "questions": case.questions.all(),
            "topics": case.topics.all(),
            "events": events,
            "timeline_names": timeline_names(events),
            "actions": actions_for(request.user, case),
            "pages": case_pages(request.user, case),
            "today": today,
            **deadline_summary(case, today),
            **casework_views.panel(request.user, case),
        },
    )


@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Record a clock event (clarification, fees, extension) or close the case early."""
    step = CLOCK_ACTIONS.get(action)
    if step is None:
        raise Http404("No such step.")
    case = get_case_for_user(request, reference, write=True)
    form = step.form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = step.run(case, request.user, form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            for warning in result if isinstance(result, list) else []:
                messages.warning(request, warning)
            messages.success(request, f"{step.title}: recorded.")
            return redirect(case)
    return render(
        request,
        "foi_cases/case_action.html",
        {"case": case, "step": step, "form": form, "available": step.available(case)},
    )
