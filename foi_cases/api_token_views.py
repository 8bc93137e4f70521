"""The managers' page for API tokens: issue one (its secret shown once) and revoke."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from foi_cases.api import tokens
from foi_cases.api_token_forms import IssueTokenForm
from foi_cases.form_errors import attach_errors
from foi_cases.models import ApiToken


def _require_manager(request: HttpRequest) -> None:
    if not tokens.can_manage_tokens(request.user):  # type: ignore[arg-type]
        raise PermissionDenied("Only managers can manage API tokens.")


def _page(
    request: HttpRequest, form: IssueTokenForm, *, issued: tokens.IssuedToken | None = None
) -> HttpResponse:
    listed = ApiToken.objects.select_related("owner", "created_by", "revoked_by")
    return render(
        request,
        "foi_cases/api_tokens.html",
        {"form": form, "tokens": listed, "issued": issued, "now": timezone.now()},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    if request.method == "GET":
        return _page(request, IssueTokenForm())
    form = IssueTokenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # a new service account only with its token
                owner = data["owner"] or tokens.create_service_account(
                    actor=request.user,  # type: ignore[arg-type]
                    name=data["service_name"],
                    role=data["service_role"],
                )
                issued = tokens.issue_token(
                    actor=request.user,  # type: ignore[arg-type]
                    owner=owner,
                    name=data["name"],
                    scopes=data["scopes"],
                    expires_on=data["expires_on"],
                    channel=data["channel"],
                )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            # The only time the secret is shown: rendered, never redirected to or stored.
            return _page(request, IssueTokenForm(), issued=issued)
    return _page(request, form)


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    token = get_object_or_404(ApiToken, pk=pk)
    tokens.revoke_token(token, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The token {token} no longer works.")
    return redirect("api_tokens")
