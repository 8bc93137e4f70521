from django.urls import path

from foi_cases import release_views as views

urlpatterns = [
    path(
        "cases/<str:reference>/records/release/",
        views.release_bundle_build,
        name="release_bundle_build",
    ),
    path(
        "cases/<str:reference>/records/release/<int:pk>/",
        views.release_bundle_download,
        name="release_bundle_download",
    ),
    path(
        "cases/<str:reference>/records/<int:pk>/accept-changes/",
        views.record_accept_changes,
        name="record_accept_changes",
    ),
    path(
        "cases/<str:reference>/records/<int:pk>/retry/",
        views.record_retry,
        name="record_retry",
    ),
]
