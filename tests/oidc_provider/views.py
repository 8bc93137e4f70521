"""The test provider's groups claim, its test-only set-up endpoints, and a forging proxy."""

import base64
import json

import requests
from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator


class GroupsClaimValidator(OAuth2Validator):
    """Adds e-mail, names and a `groups` claim (the person's group names), as Entra ID can."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "openid", "hd": "openid"}

    # prompt=none (the service's silent re-check): the authorisation view answers
    # login_required itself when nobody is signed in here; the client needs no consent.
    def validate_silent_login(self, request):  # type: ignore[no-untyped-def]
        return True

    def validate_silent_authorization(self, request):  # type: ignore[no-untyped-def]
        return True

    def get_additional_claims(self, request):  # type: ignore[no-untyped-def]
        user = request.user
        return {
            "email": user.email,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "hd": user.email.partition("@")[2],  # as Google gives a Workspace account's domain
        }


@csrf_exempt
def put_user(request: HttpRequest) -> JsonResponse:
    """Create or change a person: e-mail, groups, whether they are active."""
    data = json.loads(request.body)
    user, created = User.objects.get_or_create(username=data["username"])
    user.email = data.get("email", "")
    user.first_name = data.get("first_name", "")
    user.is_active = data.get("is_active", True)
    if created:  # a new password would sign the person out at the provider
        user.set_password("password")
    user.save()
    user.groups.set(Group.objects.get_or_create(name=name)[0] for name in data.get("groups", []))
    return JsonResponse({"id": user.pk})


@csrf_exempt
def add_redirect_uri(request: HttpRequest) -> JsonResponse:
    application = get_application_model().objects.get()
    uris = set(application.redirect_uris.split()) | {request.POST["uri"]}
    application.redirect_uris = " ".join(sorted(uris))
    application.save(update_fields=["redirect_uris"])
    return JsonResponse({"redirect_uris": application.redirect_uris})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@csrf_exempt
def forging_token(request: HttpRequest) -> HttpResponse:
    """The real token endpoint's answer with the ID token's claims changed, signature kept.

    Stands for an attacker between the service and the provider who rewrites the ID token.
    """
    answer = requests.post(request.build_absolute_uri("/o/token/"), data=request.POST, timeout=10)
    body = answer.json()
    header, payload, signature = body["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = ["foi-managers"]
    claims["email"] = "someone.else@example.org"
    forged = _b64(json.dumps(claims).encode())
    body["id_token"] = f"{header}.{forged}.{signature}"
    return JsonResponse(body, status=answer.status_code)
