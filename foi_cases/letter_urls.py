"""URLs for letters, included from foi_cases.urls ahead of its catch-all case actions."""

from django.urls import path

from foi_cases import letter_views

LETTER = "cases/<str:reference>/letters/<int:pk>/"

urlpatterns = [
    path("cases/<str:reference>/letters/", letter_views.letter_list, name="letter_list"),
    path(
        "cases/<str:reference>/letters/new/<slug:kind>/",
        letter_views.letter_compose,
        name="letter_compose",
    ),
    path(LETTER, letter_views.letter_detail, name="letter_detail"),
    path(f"{LETTER}preview/", letter_views.letter_preview, name="letter_preview"),
    path(f"{LETTER}approve/", letter_views.letter_approve, name="letter_approve"),
    path(f"{LETTER}submit/", letter_views.letter_submit, name="letter_submit"),
    path(f"{LETTER}return/", letter_views.letter_return, name="letter_return"),
    path(f"{LETTER}allocate/", letter_views.letter_allocate, name="letter_allocate"),
    path(f"{LETTER}pdf/", letter_views.letter_download, name="letter_download"),
    path(f"{LETTER}retry/", letter_views.letter_retry, name="letter_retry"),
    path(f"{LETTER}sent/", letter_views.letter_sent, name="letter_sent"),
]
