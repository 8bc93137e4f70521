from django.urls import path

from foi_cases import consistency_views

register = "consistency/register/"
entry = f"{register}<slug:entry_type>/"

urlpatterns = [
    path(register, consistency_views.register, name="consistency_register"),
    path(f"{register}export.csv", consistency_views.register_export, name="register_export"),
    path(f"{register}import/", consistency_views.register_import, name="register_import"),
    path(f"{entry}new/", consistency_views.register_entry, name="register_entry_new"),
    path(f"{entry}<int:pk>/", consistency_views.register_entry, name="register_entry_edit"),
    path(
        f"{entry}<int:pk>/delete/",
        consistency_views.register_entry_delete,
        name="register_entry_delete",
    ),
    path(
        "cases/<str:reference>/consistency/",
        consistency_views.case_consistency,
        name="case_consistency",
    ),
    path(
        "cases/<str:reference>/consistency/<int:number>/",
        consistency_views.case_consistency_correct,
        name="case_consistency_correct",
    ),
    path(
        "cases/<str:reference>/decision-review/consistency-override/",
        consistency_views.consistency_override,
        name="consistency_override",
    ),
]
