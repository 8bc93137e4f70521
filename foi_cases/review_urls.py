from django.urls import path

from foi_cases import review_views as v

case = "cases/<str:reference>/"
entry = "disclosure-entries/<int:pk>/"

urlpatterns = [
    path(f"{case}after-response/", v.case_after_response, name="case_after_response"),
    path(f"{case}internal-review/new/", v.review_request, name="review_request"),
    path(f"{case}internal-review/<int:pk>/assign/", v.review_assign, name="review_assign"),
    path(f"{case}internal-review/<int:pk>/decide/", v.review_decide, name="review_decide"),
    path(f"{case}ico/new/", v.ico_new, name="ico_new"),
    path(f"{case}ico/<int:pk>/decision/", v.ico_decision, name="ico_decision"),
    path(f"{case}ico/<int:pk>/steps/", v.ico_steps, name="ico_steps"),
    path(f"{case}ico/<int:pk>/appeal/", v.ico_appeal, name="ico_appeal"),
    path(f"{case}appeals/<int:pk>/decision/", v.appeal_decision, name="appeal_decision"),
    path(f"{case}legal-hold/", v.legal_hold, name="legal_hold"),
    path(f"{case}letters/<int:pk>/redact/", v.letter_redact, name="letter_redact"),
    path(f"{case}disclosure/prepare/", v.disclosure_prepare, name="disclosure_prepare"),
    path("disclosure-entries/", v.disclosure_entries, name="disclosure_entries"),
    path(entry, v.disclosure_entry, name="disclosure_entry"),
    path(f"{entry}edit/", v.disclosure_entry_edit, name="disclosure_entry_edit"),
    path(f"{entry}redact/", v.disclosure_entry_redact, name="disclosure_entry_redact"),
    path(f"{entry}submit/", v.disclosure_entry_submit, name="disclosure_entry_submit"),
    path(f"{entry}publish/", v.disclosure_entry_publish, name="disclosure_entry_publish"),
    path(f"{entry}withhold/", v.disclosure_entry_withhold, name="disclosure_entry_withhold"),
    path(f"{entry}return/", v.disclosure_entry_return, name="disclosure_entry_return"),
    path("redaction-log/", v.redaction_log, name="redaction_log"),
]
