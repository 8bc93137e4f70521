from django.urls import path

from foi_cases import people_views

urlpatterns = [
    path("people/", people_views.team, name="people_team"),
    path("people/invite/", people_views.invite, name="people_invite"),
    path("people/access-log.csv", people_views.access_log_csv, name="people_access_log_csv"),
    path("people/join/<str:token>/", people_views.join, name="people_join"),
    path("people/<int:pk>/", people_views.person, name="people_person"),
    path("people/<int:pk>/roles/", people_views.roles, name="people_roles"),
    path("people/<int:pk>/deactivate/", people_views.deactivate, name="people_deactivate"),
    path("people/<int:pk>/reactivate/", people_views.reactivate, name="people_reactivate"),
]
