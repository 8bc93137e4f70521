from django.urls import path

from foi_cases import redaction_views as views

urlpatterns = [
    path(
        "cases/<str:reference>/records/<int:pk>/review/",
        views.record_review,
        name="record_review",
    ),
    path(
        "cases/<str:reference>/records/<int:pk>/review.pdf",
        views.record_review_pdf,
        name="record_review_pdf",
    ),
    path(
        "cases/<str:reference>/records/<int:pk>/responsiveness/",
        views.record_responsiveness,
        name="record_responsiveness",
    ),
    path(
        "cases/<str:reference>/records/<int:pk>/redactions/",
        views.record_redact,
        name="record_redact",
    ),
    path(
        "cases/<str:reference>/records/<int:pk>/redactions/<int:redaction>/remove/",
        views.record_redaction_remove,
        name="record_redaction_remove",
    ),
    path(
        "cases/<str:reference>/records/search-and-redact/",
        views.records_search_redact,
        name="records_search_redact",
    ),
]
