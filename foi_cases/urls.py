from django.urls import include, path

from foi_cases import (
    case_views,
    correspondence_views,
    intake_views,
    removal_views,
    team_views,
    triage_views,
)

urlpatterns = [
    path("", case_views.home, name="home"),
    path("", include("foi_cases.casework_urls")),
    path("", include("foi_cases.letter_urls")),
    path("", include("foi_cases.dashboard_urls")),
    path("", include("foi_cases.review_urls")),
    path("", include("foi_cases.records_urls")),
    path("", include("foi_cases.people_urls")),
    path("", include("foi_cases.redaction_urls")),
    path("", include("foi_cases.consistency_urls")),
    path("", include("foi_cases.release_urls")),
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/mine/", case_views.case_list, {"tab": "mine"}, name="case_list_mine"),
    path("cases/team/", case_views.case_list, {"tab": "team"}, name="case_list_team"),
    path("cases/all/", case_views.case_list, {"tab": "all"}, name="case_list_all"),
    path("cases/new/", intake_views.case_new, name="case_new"),
    path("cases/<str:reference>/", case_views.case_detail, name="case_detail"),
    path("cases/<str:reference>/team/", team_views.case_team, name="case_team"),
    path(
        "cases/<str:reference>/correspondence/",
        correspondence_views.case_correspondence,
        name="case_correspondence",
    ),
    path(
        "cases/<str:reference>/correspondence/message/",
        correspondence_views.send_message,
        name="correspondence_send_message",
    ),
    path(
        "cases/<str:reference>/correspondence/send/<int:letter_pk>/",
        correspondence_views.send_letter,
        name="correspondence_send_letter",
    ),
    path(
        "cases/<str:reference>/correspondence/<int:pk>/clarification/",
        correspondence_views.accept_clarification,
        name="correspondence_accept_clarification",
    ),
    path("mail/quarantine/", correspondence_views.quarantine, name="mail_quarantine"),
    path("mail/<int:pk>/release/", correspondence_views.release, name="mail_release"),
    path("mail/attachments/<int:pk>/", correspondence_views.attachment, name="mail_attachment"),
    path(
        "cases/<str:reference>/team/clearance/",
        team_views.case_clearance,
        name="case_clearance",
    ),
    path(
        "cases/<str:reference>/team/<int:pk>/remove/",
        team_views.case_team_remove,
        name="case_team_remove",
    ),
    path("cases/<str:reference>/triage/", triage_views.case_triage, name="case_triage"),
    path("cases/<str:reference>/triage/assign/", triage_views.triage_assign, name="triage_assign"),
    path("cases/<str:reference>/triage/topics/", triage_views.triage_topics, name="triage_topics"),
    path(
        "cases/<str:reference>/triage/restriction/",
        triage_views.triage_restriction,
        name="triage_restriction",
    ),
    path(
        "cases/<str:reference>/triage/questions/",
        triage_views.triage_questions,
        name="triage_questions",
    ),
    path("cases/<str:reference>/triage/cost/", triage_views.triage_cost, name="triage_cost"),
    path("cases/<str:reference>/delete/", removal_views.delete_case, name="case_delete"),
    path(
        "cases/<str:reference>/withdraw-approval/",
        removal_views.withdraw_approval,
        name="case_withdraw_approval",
    ),
    path("cases/<str:reference>/<slug:action>/", case_views.case_action, name="case_action"),
]
