from django.urls import path

from exemptions import views

urlpatterns = [
    path("reviews/", views.review_queue, name="review_queue"),
    path("cases/<str:reference>/decisions/", views.decisions, name="exemption_decisions"),
    path("cases/<str:reference>/decisions/submit/", views.submit, name="exemption_submit"),
    path(
        "cases/<str:reference>/decisions/<int:number>/answer/",
        views.question_answer,
        name="exemption_answer",
    ),
    path(
        "cases/<str:reference>/decisions/<int:number>/held/",
        views.internal_held,
        name="exemption_internal_held",
    ),
    path(
        "cases/<str:reference>/decisions/<int:number>/exemptions/new/",
        views.citation_new,
        name="exemption_citation_new",
    ),
    path(
        "cases/<str:reference>/decisions/<int:number>/aggregate/",
        views.aggregate,
        name="exemption_aggregate",
    ),
    path(
        "cases/<str:reference>/decisions/exemptions/<int:pk>/",
        views.citation_edit,
        name="exemption_citation_edit",
    ),
    path(
        "cases/<str:reference>/decisions/exemptions/<int:pk>/remove/",
        views.citation_remove,
        name="exemption_citation_remove",
    ),
    path("cases/<str:reference>/review/", views.review, name="exemption_review"),
    path("cases/<str:reference>/review/allocate/", views.review_allocate, name="review_allocate"),
    path("cases/<str:reference>/review/approve/", views.review_approve, name="exemption_approve"),
    path("cases/<str:reference>/review/return/", views.review_return, name="exemption_return"),
]
