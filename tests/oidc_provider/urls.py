from django.contrib.auth import views as auth_views
from django.urls import include, path

from tests.oidc_provider import views

urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("fixture/user/", views.put_user),
    path("fixture/redirect-uri/", views.add_redirect_uri),
    path("forging/token/", views.forging_token),
]
