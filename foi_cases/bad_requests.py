"""Requests this service cannot accept: the 400 page, and a check for control characters.

PostgreSQL rejects a NUL in a text parameter with a ValueError, and no reference, search or
filter ever needs a control character, so one check here spares every view from guarding it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

# C0 controls (NUL among them) and DEL; a tab is harmless and may come from a pasted search.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class InvalidParameter(BadRequest):
    """A parameter of the address is malformed; the message tells the person what to fix."""


class RejectControlCharactersMiddleware:
    """Answer 400 to a request whose path or query string (decoded) holds a control character."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        texts = [request.path]
        for name, values in request.GET.lists():
            texts += [name, *values]
        if any(CONTROL_CHARACTERS.search(text) for text in texts):
            raise InvalidParameter(
                "The web address contains control characters (such as a null byte). "
                "Check the address, or go back and search again."
            )
        return self.get_response(request)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page (handler400), with the reason when it is one written for people.

    It may run before the authentication middleware has (CommonMiddleware refuses a
    disallowed Host header), so nothing on the page may need the signed-in user.
    """
    message = str(exception) if isinstance(exception, InvalidParameter) else ""
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request))
