from django.urls import path

from foi_cases import records_views as views

urlpatterns = [
    path("cases/<str:reference>/records/", views.case_records, name="case_records"),
    path("cases/<str:reference>/records/upload/", views.records_upload, name="records_upload"),
    path("cases/<str:reference>/records/search/", views.search_new, name="search_new"),
    path(
        "cases/<str:reference>/records/search/<int:pk>/cancel/",
        views.search_cancel,
        name="search_cancel",
    ),
    path(
        "cases/<str:reference>/records/consultations/",
        views.consultation_new,
        name="consultation_new",
    ),
    path(
        "cases/<str:reference>/records/consultations/<int:pk>/advice/",
        views.consultation_advice,
        name="consultation_advice",
    ),
    path("records/<int:pk>/download/", views.record_download, name="record_download"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/records/", views.task_upload, name="task_upload"),
    path("tasks/<int:pk>/statement/", views.task_statement, name="task_statement"),
]
