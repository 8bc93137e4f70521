from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from foi_cases.api import feeds, views

# The API answers for itself (401 problem details), never with the sign-in page.
urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
    path(
        "docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api_schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api_docs",
    ),
    path("v1/requests", login_not_required(views.request_create), name="api_requests"),
    path("v1/cases", login_not_required(views.CaseList.as_view()), name="api_cases"),
    path("v1/cases/<str:reference>", login_not_required(views.case_detail), name="api_case"),
    path(
        "v1/cases/<str:reference>/questions",
        login_not_required(views.case_questions),
        name="api_case_questions",
    ),
    path(
        "v1/cases/<str:reference>/decisions",
        login_not_required(views.case_decisions),
        name="api_case_decisions",
    ),
    path(
        "v1/cases/<str:reference>/letters",
        login_not_required(views.case_letters),
        name="api_case_letters",
    ),
    path(
        "v1/cases/<str:reference>/events",
        login_not_required(views.CaseEvents.as_view()),
        name="api_case_events",
    ),
    path("v1/statistics", login_not_required(views.statistics_report), name="api_statistics"),
    path(
        "v1/disclosure-log",
        login_not_required(views.DisclosureLog.as_view()),
        name="api_disclosure_log",
    ),
    path(
        "v1/disclosure-log.atom",
        login_not_required(feeds.DisclosureLogFeed()),
        name="api_disclosure_log_feed",
    ),
]
