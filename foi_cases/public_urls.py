from django.urls import path

from foi_cases import public_views

urlpatterns = [
    path("", public_views.disclosure_log, name="disclosure_log"),
    path("export.csv", public_views.disclosure_log_csv, name="disclosure_log_csv"),
    path("<int:pk>/", public_views.disclosure_log_entry, name="disclosure_log_entry"),
    path("<int:pk>.pdf", public_views.disclosure_log_entry_pdf, name="disclosure_log_entry_pdf"),
    path(
        "<int:pk>/records.pdf",
        public_views.disclosure_log_entry_records,
        name="disclosure_log_entry_records",
    ),
]
