"""Every API error as RFC 9457 problem details (`application/problem+json`).

{"type", "title", "status", "detail"} and, for invalid input, "errors": {field: [messages]}.
The URL-level handlers (400, 404, 500) answer the same way under /api/ and keep the pages'
own HTML everywhere else.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from foi_cases import bad_requests

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
logger = logging.getLogger("django.request")


def problem(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }


def _flat_errors(detail: Any, field: str = "") -> dict[str, list[str]]:
    """DRF's tree of error details as {"field" or "field.0.sub": [messages]}."""
    name = field or "non_field_errors"
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flat_errors(value, f"{field}.{key}" if field else str(key)))
        return flat
    if isinstance(detail, list) and all(not isinstance(item, dict | list) for item in detail):
        return {name: [str(item) for item in detail]}
    if isinstance(detail, list):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flat_errors(item, f"{field}.{index}" if field else str(index)))
        return flat
    return {name: [str(detail)]}


def _field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"non_field_errors": list(exc.messages)}


def problem_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: the problem for any exception, a 500 for the unexpected."""
    headers: dict[str, str] = {}
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, BadRequest):
        exc = exceptions.ParseError(str(exc) or None)
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, exceptions.ValidationError):
            errors = {k: v for k, v in _flat_errors(exc.detail).items() if v}
            body = problem(400, "The request has invalid fields: see errors.", errors=errors)
        else:
            body = problem(exc.status_code, str(exc.detail))
        status = exc.status_code
    else:
        logger.error("Internal Server Error: %s", context["request"].path, exc_info=exc)
        status = 500
        body = problem(500, "Something went wrong on our side; nothing was saved.")
    set_rollback()
    return Response(body, status=status, headers=headers, content_type=PROBLEM_JSON)


def problem_response(status: int, detail: str) -> JsonResponse:
    return JsonResponse(problem(status, detail), status=status, content_type=PROBLEM_JSON)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: problem details under /api/, the 400 page elsewhere."""
    if _is_api(request):
        message = str(exception) if isinstance(exception, bad_requests.InvalidParameter) else ""
        return problem_response(400, message or "The request could not be read.")
    return bad_requests.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: problem details under /api/, the 404 page elsewhere."""
    if _is_api(request):
        return problem_response(404, "There is nothing at this address.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: problem details under /api/, the 500 page elsewhere."""
    if _is_api(request):
        return problem_response(500, "Something went wrong on our side; nothing was saved.")
    return defaults.server_error(request)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text='Always "about:blank": the status says it all.')
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input (400): the messages per field.",
    )
