from django.urls import path

from foi_cases import casework_views

urlpatterns = [
    path("cases/reassign/", casework_views.reassign, name="cases_reassign"),
    path("cases/<str:reference>/notes/new/", casework_views.note_add, name="case_note_add"),
    path("cases/<str:reference>/watch/", casework_views.watch, name="case_watch"),
    path("cases/<str:reference>/unwatch/", casework_views.unwatch, name="case_unwatch"),
    path("cases/<str:reference>/links/new/", casework_views.link_add, name="case_link_add"),
    path(
        "cases/<str:reference>/links/<int:pk>/remove/",
        casework_views.link_remove,
        name="case_link_remove",
    ),
    path("cases/<str:reference>/reopen/", casework_views.reopen, name="case_reopen"),
]
