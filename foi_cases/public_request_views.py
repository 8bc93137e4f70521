"""The public "Make a Freedom of Information request" form and the requester's status page.

No sign-in. The answers are kept in the session between the steps (no JavaScript needed), so
going back, changing an answer or failing a check loses nothing. Submitting logs the case
through the workflow, with the time of submission as the time of receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from foi_cases import rate_limits, status_links
from foi_cases.clock import deadline_for
from foi_cases.models import Case
from foi_cases.public_request_forms import (
    NO_PREFERENCE,
    AboutYouForm,
    FormatForm,
    RequestTextForm,
)
from foi_cases.public_requests import WebRequest, submit_web_request

SESSION_KEY = "public_request"
SENT_KEY = "public_request_sent"  # the last confirmation, for a repeated "Send"
SECTIONS: dict[str, tuple[type[AboutYouForm | RequestTextForm | FormatForm], str]] = {
    "about-you": (AboutYouForm, "Your details"),
    "request": (RequestTextForm, "Your request"),
    "format": (FormatForm, "How you would like the information"),
}
ORDER = list(SECTIONS)
HOUR, DAY = 60 * 60, 24 * 60 * 60


def _draft(request: HttpRequest) -> dict[str, str]:
    return dict(request.session.get(SESSION_KEY, {}))


def _first_missing(draft: dict[str, str]) -> str | None:
    for section in ORDER:
        form_class, _ = SECTIONS[section]
        if any(name not in draft for name in form_class.base_fields if name != "website"):
            return section
    return None


@login_not_required
@require_GET
def request_start(request: HttpRequest) -> HttpResponse:
    return render(request, "public_request/start.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def request_section(request: HttpRequest, section: str) -> HttpResponse:
    """One step of the form; "change" comes back from the check page and returns to it."""
    if section not in SECTIONS:
        raise Http404("No such part of the form.")
    form_class, heading = SECTIONS[section]
    changing = request.GET.get("change") == "1"
    draft = _draft(request)
    if request.method == "GET":
        form = form_class(initial=draft)
        return _render_section(request, section, form, heading=heading, changing=changing)
    try:
        form = form_class(request.POST)
    except RequestDataTooBig:
        form = form_class(initial=draft)
        problem = "What you sent was too large to read. Shorten your request and try again."
        return _render_section(
            request, section, form, heading=heading, changing=changing, problem=problem, status=413
        )
    if not form.is_valid():
        return _render_section(request, section, form, heading=heading, changing=changing)
    draft.update({name: value for name, value in form.cleaned_data.items() if name != "website"})
    request.session[SESSION_KEY] = draft
    following = ORDER.index(section) + 1
    if changing or following == len(ORDER):
        return redirect("public_request_check")
    return redirect("public_request_section", section=ORDER[following])


def _render_section(
    request: HttpRequest,
    section: str,
    form: Any,
    *,
    heading: str,
    changing: bool,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    position = ORDER.index(section)
    back = (
        reverse("public_request_check")
        if changing
        else reverse("public_request_section", kwargs={"section": ORDER[position - 1]})
        if position
        else reverse("public_request_start")
    )
    context = {
        "form": form,
        "section": section,
        "heading": heading,
        "changing": changing,
        "back": back,
        "problem": [problem] if problem else [],
        "page_has_errors": bool(problem),
        "step": position + 1,
        "steps": len(ORDER),
    }
    return render(request, "public_request/section.html", context, status=status)


def _answers(draft: dict[str, str]) -> list[tuple[str, str, str]]:
    """(question, answer, section) for the check-your-answers list."""
    formats = dict(FormatForm.base_fields["preferred_format"].choices)  # type: ignore[attr-defined]
    return [
        ("Name", draft["name"], "about-you"),
        ("E-mail address", draft["email"] or "Not given", "about-you"),
        ("Postal address", draft["postal_address"] or "Not given", "about-you"),
        ("Your request", draft["request_text"], "request"),
        ("How you would like the information", formats[draft["preferred_format"]], "format"),
    ]


def _client_address(request: HttpRequest) -> str:
    """The client's address as axes works it out (honouring PROXY_COUNT)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or ""


def _refusal(request: HttpRequest, draft: dict[str, str]) -> str:
    """Why this submission is refused for coming too often, or ""."""
    address = _client_address(request)
    if address and (
        rate_limits.count("web-form-ip", address, window_seconds=HOUR)
        > settings.FOI_WEB_FORM_PER_IP_PER_HOUR
    ):
        return (
            "We have received a lot of requests from your internet connection in the last "
            "hour, so we cannot accept another one yet. Your answers are kept: try again in "
            f"an hour, or e-mail your request to {settings.FOI_MAIL_ADDRESS}."
        )
    if draft["email"] and (
        rate_limits.count("web-form-email", draft["email"], window_seconds=DAY)
        > settings.FOI_WEB_FORM_PER_EMAIL_PER_DAY
    ):
        return (
            "We have received a lot of requests from this e-mail address today, so we cannot "
            "accept another one yet. Your answers are kept: try again tomorrow, or e-mail "
            f"your request to {settings.FOI_MAIL_ADDRESS}."
        )
    return ""


@login_not_required
@require_http_methods(["GET", "POST"])
def request_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, then send: the case is logged and acknowledged."""
    draft = _draft(request)
    missing = _first_missing(draft)
    if missing is not None and request.method == "POST" and SENT_KEY in request.session:
        return redirect("public_request_sent", token=request.session[SENT_KEY])
    if missing is not None:
        return redirect("public_request_section", section=missing)
    if request.method == "GET":
        return _render_check(request, draft)
    refusal = _refusal(request, draft)
    if refusal:
        return _render_check(request, draft, problems=[refusal], status=429)
    preferred = draft["preferred_format"]
    details = WebRequest(
        name=draft["name"],
        email=draft["email"],
        postal_address=draft["postal_address"],
        request_text=draft["request_text"],
        preferred_format="" if preferred == NO_PREFERENCE else preferred,
    )
    try:
        case = submit_web_request(
            details,
            submitted_at=timezone.now(),
            status_link=lambda case: _status_url(request, case),
        )
    except ValidationError as error:
        return _render_check(request, draft, problems=error.messages, status=400)
    del request.session[SESSION_KEY]
    request.session[SENT_KEY] = status_links.make_token(case)
    return redirect("public_request_sent", token=request.session[SENT_KEY])


def _render_check(
    request: HttpRequest, draft: dict[str, str], *, problems: Sequence[str] = (), status: int = 200
) -> HttpResponse:
    context = {"answers": _answers(draft), "problems": problems, "page_has_errors": bool(problems)}
    return render(request, "public_request/check.html", context, status=status)


def _status_url(request: HttpRequest, case: Case) -> str:
    path = reverse("request_status", kwargs={"token": status_links.make_token(case)})
    return request.build_absolute_uri(path)


def _case_for_link(request: HttpRequest, token: str) -> Case | HttpResponse:
    """The link's case, or the page saying the link is expired or not valid."""
    try:
        return status_links.case_for_token(token)
    except status_links.LinkExpired:
        context = {"expired": True, "mailbox": settings.FOI_MAIL_ADDRESS}
        return render(request, "public_request/link_problem.html", context, status=410)
    except status_links.LinkInvalid:
        context = {"expired": False, "mailbox": settings.FOI_MAIL_ADDRESS}
        return render(request, "public_request/link_problem.html", context, status=404)


def _private(response: HttpResponseBase) -> HttpResponseBase:
    # The address is the key to the page: keep it out of caches and other sites' logs.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
@require_GET
def request_sent(request: HttpRequest, token: str) -> HttpResponseBase:
    """The confirmation: the reference, the due date and how it was worked out."""
    case = _case_for_link(request, token)
    if isinstance(case, HttpResponse):
        return _private(case)
    context = {
        "case": case,
        "explanation": deadline_for(case).explanation,
        "status_url": _status_url(request, case),
        "link_expires": status_links.expires_on(),
    }
    return _private(render(request, "public_request/sent.html", context))


@login_not_required
@require_GET
def request_status(request: HttpRequest, token: str) -> HttpResponseBase:
    """What the requester may know of their own request, and what was sent to them."""
    case = _case_for_link(request, token)
    if isinstance(case, HttpResponse):
        return _private(case)
    context = {
        "case": case,
        "token": token,
        "due": case.extended_due_on or case.due_on,
        "downloads": status_links.status_downloads(case),
    }
    return _private(render(request, "public_request/status.html", context))


@login_not_required
@require_GET
def request_status_download(request: HttpRequest, token: str, key: str) -> HttpResponseBase:
    case = _case_for_link(request, token)
    if isinstance(case, HttpResponse):
        return _private(case)
    download = next((d for d in status_links.status_downloads(case) if d.key == key), None)
    if download is None:
        raise Http404("No such file.")
    response = FileResponse(
        download.file.open("rb"),
        as_attachment=True,
        filename=download.filename,
        content_type=download.content_type,
    )
    return _private(response)
