from django.urls import path

from foi_cases import dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/statistics/", dashboard_views.statistics_page, name="statistics"),
    path("dashboard/statistics.csv", dashboard_views.statistics_csv, name="statistics_csv"),
    path(
        "dashboard/statistics/<slug:table>.csv",
        dashboard_views.statistics_csv,
        name="statistics_table_csv",
    ),
    path("dashboard/<slug:table>.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("cases/export.csv", dashboard_views.case_list_export, name="case_list_export"),
    path("notifications/", dashboard_views.notification_list, name="notifications"),
    path(
        "notifications/read/",
        dashboard_views.notifications_mark_read,
        name="notifications_mark_read",
    ),
]
