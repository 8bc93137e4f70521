"""The sign-in pages: password, single sign-on with the provider, and the break-glass page."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from foi_cases.forms import SignInForm
from foi_cases.single_sign_on import REFUSAL_KEY

audit_log = logging.getLogger("foi_cases.audit")

REFUSALS = {
    "no_role": "Your organisation's account is not in a group that gives a role in this "
    "service. Ask your FOI team manager to add you to the right group, then sign in again.",
    "deactivated": "Your access to this service has been removed. Ask your FOI team manager "
    "if you need it back.",
    "no_email": "Your organisation's account did not give this service your e-mail address, "
    "so it cannot tell who you are. Ask your IT team to check the single sign-on set-up.",
    "other_domain": "You signed in with an account that is not your organisation's. Sign in "
    "with your work account.",
    "break_glass": "This is an emergency account: it signs in with its password only.",
    "unreachable": "This service could not reach the sign-in service. Try again in a few minutes.",
    "failed": "Signing in did not complete, or your sign-in with your organisation has "
    "ended. Sign in again.",
}


def _sign_in_page(request: HttpRequest, *, emergency: bool) -> HttpResponse:
    single_sign_on = settings.OIDC_ENABLED
    context = {
        "single_sign_on": single_sign_on and not emergency,
        "provider_name": settings.OIDC_PROVIDER_NAME,
        "emergency": emergency,
        "show_password_form": emergency
        or settings.FOI_LOCAL_PASSWORDS
        or not single_sign_on
        or request.method == "POST",
    }
    view = auth_views.LoginView.as_view(
        template_name="registration/login.html",
        authentication_form=SignInForm,
        redirect_authenticated_user=True,
        extra_context=context,
    )
    return view(request)


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    return _sign_in_page(request, emergency=False)


@login_not_required
def sign_in_emergency(request: HttpRequest) -> HttpResponse:
    """The password form for break-glass accounts when local passwords are off."""
    return _sign_in_page(request, emergency=True)


@login_not_required
def provider_sign_in(request: HttpRequest) -> HttpResponse:
    """Send the person to the identity provider (with state, nonce and a PKCE challenge)."""
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up")
    return OIDCAuthenticationRequestView.as_view()(request)


class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """The library's callback, made to audit, and to sign out a person it refuses."""

    def get(self, request: HttpRequest) -> HttpResponse:
        # The library signs the person out itself when the provider answers with an error.
        self.signed_in_as = request.user.get_username() if request.user.is_authenticated else ""
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as exc:
            audit_log.warning("Single sign-on refused: %s", exc)
            return self.login_failure()
        except requests.RequestException as exc:
            audit_log.warning("Single sign-on failed: the provider did not answer (%s)", exc)
            request.session[REFUSAL_KEY] = "unreachable"
            return self.login_failure()
        return response

    def login_success(self) -> HttpResponse:
        rechecked = self.request.user.is_authenticated and self.request.user == self.user
        response: HttpResponse = super().login_success()
        if not rechecked:
            audit_log.info("Single sign-on sign-in by %s", self.user.get_username())
        return response

    def login_failure(self) -> HttpResponse:
        reason = self.request.session.get(REFUSAL_KEY, "failed")
        if self.signed_in_as:
            audit_log.warning(
                "Signed out %s: the identity provider's re-check refused them (%s)",
                self.signed_in_as,
                reason,
            )
            auth.logout(self.request)
        elif reason != "failed":
            audit_log.warning("Single sign-on refused (%s)", reason)
        self.request.session[REFUSAL_KEY] = reason
        return redirect("sign_in_refused")


@login_not_required
def provider_callback(request: HttpRequest) -> HttpResponse:
    if not settings.OIDC_ENABLED:
        raise Http404("Single sign-on is not set up")
    return ProviderCallbackView.as_view()(request)


@login_not_required
def sign_in_refused(request: HttpRequest) -> HttpResponse:
    reason = request.session.pop(REFUSAL_KEY, "failed")
    message = REFUSALS.get(reason, REFUSALS["failed"])
    context = {"message": message, "single_sign_on": settings.OIDC_ENABLED}
    return render(request, "registration/sign_in_refused.html", context)
