"""A request made on the public web form: logged through the intake workflow, then acknowledged.

It sits beside foi_cases.mail.inbound, the other automatic intake, rather than in workflow/,
because it sends mail (the workflow package must not import foi_cases.mail, which imports it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from foi_cases.intake import normalise_request_text, split_questions
from foi_cases.mail import outbound
from foi_cases.mail.common import system_user
from foi_cases.models import Case
from foi_cases.status_links import expires_on
from foi_cases.workflow.intake import RequesterDetails, log_request

WEB_FORM_USERNAME = "web-form"
TITLE_CHARACTERS = 80


@dataclass(frozen=True)
class WebRequest:
    name: str
    email: str
    postal_address: str
    request_text: str
    preferred_format: str


def title_for(text: str) -> str:
    """A case-list title from the request's first line, cut at a word."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first_line) <= TITLE_CHARACTERS:
        return first_line or "Request made on the web form"
    return first_line[:TITLE_CHARACTERS].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


@transaction.atomic
def submit_web_request(
    details: WebRequest, *, submitted_at: dt.datetime, status_link: Callable[[Case], str]
) -> Case:
    """Log a request from the public form and e-mail its acknowledgement with the status link.

    The time the form was submitted is the time of receipt; the questions are split as the
    intake form splits them; the acknowledgement leaves through the outbox after commit.
    """
    text = normalise_request_text(details.request_text).strip()
    case = log_request(
        actor=system_user(WEB_FORM_USERNAME, "Web form"),
        requester=RequesterDetails(
            name=details.name, email=details.email, postal_address=details.postal_address
        ),
        channel=Case.Channel.WEB_FORM,
        received_at=submitted_at,
        regime=settings.FOI_REGIMES[0],
        title=title_for(text),
        request_text=text,
        questions=split_questions(text) or [text],
        preferred_format=details.preferred_format,
    )
    outbound.queue_acknowledgement(
        case, status_link=status_link(case), link_expires=expires_on(submitted_at)
    )
    return case
