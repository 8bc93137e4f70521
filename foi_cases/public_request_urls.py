from django.urls import path

from foi_cases import public_request_views

urlpatterns = [
    path("", public_request_views.request_start, name="public_request_start"),
    path("check/", public_request_views.request_check, name="public_request_check"),
    path("sent/<str:token>/", public_request_views.request_sent, name="public_request_sent"),
    path("status/<str:token>/", public_request_views.request_status, name="request_status"),
    path(
        "status/<str:token>/<slug:key>/",
        public_request_views.request_status_download,
        name="request_status_download",
    ),
    path("<slug:section>/", public_request_views.request_section, name="public_request_section"),
]
