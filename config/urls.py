from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from foi_cases import security_views, two_factor
from foi_cases.forms import SignInForm
from foi_cases.views import healthz

handler400 = "foi_cases.bad_requests.bad_request"

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("sign-in/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/", two_factor.setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("disclosure-log/", include("foi_cases.public_urls")),
    path("access-log/", security_views.access_log_all, name="access_log_all"),
    path("cases/<str:reference>/access-log/", security_views.access_log, name="access_log"),
    path("", include("exemptions.urls")),
    path("", include("foi_cases.urls")),
]
