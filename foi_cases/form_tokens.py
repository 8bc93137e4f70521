"""One-time form tokens: a form that creates rows acts once, however often it is sent.

A token is issued when the form is shown and comes back in a hidden field. The first
submission claims it by inserting a unique FormSubmission row in the same transaction as its
work; a second one (a double click, two tabs, a resend) blocks on that unique index until the
first commits, then finds the row and is sent to the first one's result. If the first fails
and rolls back, the token is free again, so correcting the form and saving still works.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from foi_cases.models import FormSubmission

FIELD = "form_token"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: A token only needs to outlive the page it was issued with.
KEEP_FOR = dt.timedelta(days=2)
ALREADY_DONE = "That form was already sent, so nothing was done twice. This is what it did."


def issue() -> str:
    return secrets.token_urlsafe(24)


def posted(request: HttpRequest) -> str:
    """The token the form sent back, or "" if there is none (or it is not one we issue)."""
    token = request.POST.get(FIELD, "")
    return token if TOKEN_PATTERN.match(token) else ""


def for_page(request: HttpRequest) -> str:
    """The token to render: the one sent back when a form is shown again, else a new one."""
    return posted(request) or issue()


def earlier_result(request: HttpRequest) -> str | None:
    """Where this form's first submission led, if its token was already used (committed)."""
    token = posted(request)
    if not token:
        return None
    return (
        FormSubmission.objects.filter(user=request.user, path=request.path[:300], token=token)
        .values_list("result_url", flat=True)
        .first()
    )


def show_earlier_result(request: HttpRequest, result_url: str, *, fallback: str) -> HttpResponse:
    """Send a repeated submission to what the first one did, and say why."""
    messages.info(request, ALREADY_DONE)
    return redirect(result_url or fallback)


class AlreadySubmitted(Exception):
    def __init__(self, result_url: str) -> None:
        super().__init__(result_url)
        self.result_url = result_url


@dataclass
class Claim:
    """Set result_url to where the submission leads; a repeat is sent there."""

    result_url: str = ""


@contextmanager
def submit_once(request: HttpRequest, token: str) -> Iterator[Claim]:
    """Run the block atomically, once per (user, form address, token).

    Raises AlreadySubmitted (before the block runs) when the token was already used. With no
    token the block runs unguarded: only forms that can be sent without one call it so.
    """
    claim = Claim()
    if not token:
        yield claim
        return
    with transaction.atomic():
        key = {"user": request.user, "path": request.path[:300], "token": token}
        try:
            with transaction.atomic():
                row = FormSubmission.objects.create(**key)
        except IntegrityError:
            first = FormSubmission.objects.get(**key)
            raise AlreadySubmitted(first.result_url) from None
        yield claim
        row.result_url = claim.result_url[:300]
        row.save(update_fields=["result_url"])
        FormSubmission.objects.filter(
            user=request.user, created_at__lt=timezone.now() - KEEP_FOR
        ).delete()
