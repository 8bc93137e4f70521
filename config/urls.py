from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from foi_cases import account_views, api_token_views, security_views, sign_in_views, two_factor
from foi_cases.health_views import healthz

# Problem details under /api/, the service's pages elsewhere.
handler400 = "foi_cases.api.problems.bad_request"
handler404 = "foi_cases.api.problems.page_not_found"
handler500 = "foi_cases.api.problems.server_error"

urlpatterns = [
    path("sign-in/", sign_in_views.sign_in, name="login"),
    path("sign-in/emergency/", sign_in_views.sign_in_emergency, name="sign_in_emergency"),
    path("sign-in/refused/", sign_in_views.sign_in_refused, name="sign_in_refused"),
    path("oidc/authenticate/", sign_in_views.provider_sign_in, name="oidc_authentication_init"),
    path("oidc/callback/", sign_in_views.provider_callback, name="oidc_authentication_callback"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/", two_factor.setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("account/", account_views.account, name="account"),
    path("account/password/", account_views.password_change, name="account_password"),
    path(
        "account/sessions/<int:pk>/sign-out/",
        account_views.session_end,
        name="account_session_end",
    ),
    path(
        "account/sessions/sign-out-others/",
        account_views.sessions_end_others,
        name="account_sessions_end_others",
    ),
    path("sign-in-security/", account_views.sign_in_security, name="sign_in_security"),
    path("sign-in-security/unlock/", account_views.sign_in_unlock, name="sign_in_unlock"),
    path(
        "sign-in-security/two-factor/<int:pk>/remove/",
        account_views.two_factor_remove,
        name="two_factor_remove",
    ),
    path("api-tokens/", api_token_views.api_tokens, name="api_tokens"),
    path(
        "api-tokens/<int:pk>/revoke/",
        api_token_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("healthz", healthz, name="healthz"),
    path("api/", include("foi_cases.api.urls")),
    path("admin/", admin.site.urls),
    path("disclosure-log/", include("foi_cases.public_urls")),
    path("make-a-request/", include("foi_cases.public_request_urls")),
    path("access-log/", security_views.access_log_all, name="access_log_all"),
    path("cases/<str:reference>/access-log/", security_views.access_log, name="access_log"),
    path("", include("exemptions.urls")),
    path("", include("foi_cases.urls")),
]
