from django.urls import path

from exemptions import citation_views, decision_review_views, decision_views

case = "cases/<str:reference>/"
decisions = f"{case}decisions/"
question = f"{decisions}<int:number>/"
new = f"{question}exemptions/new/<int:exemption_id>/"
citation = f"{decisions}exemptions/<int:pk>/"

urlpatterns = [
    # Decisions: a task list, a page per question, steps per exemption, check and send.
    path(decisions, decision_views.decisions, name="exemption_decisions"),
    path(f"{decisions}check/", decision_views.check_answers, name="exemption_check"),
    path(f"{decisions}submit/", decision_views.submit, name="exemption_submit"),
    path(question, decision_views.question_page, name="exemption_question"),
    path(f"{question}answer/", decision_views.question_answer, name="exemption_answer"),
    path(f"{question}held/", decision_views.internal_held, name="exemption_internal_held"),
    path(f"{question}aggregate/", decision_views.aggregate, name="exemption_aggregate"),
    path(
        f"{question}exemptions/new/",
        citation_views.citation_new,
        name="exemption_citation_new",
    ),
    path(new, citation_views.citation_new_check, name="exemption_citation_new_check"),
    path(
        f"{new}<slug:step>/",
        citation_views.citation_new_step,
        name="exemption_citation_new_step",
    ),
    path(citation, citation_views.citation_edit, name="exemption_citation_edit"),
    path(
        f"{citation}remove/",
        decision_views.citation_remove,
        name="exemption_citation_remove",
    ),
    path(f"{citation}<slug:step>/", citation_views.citation_step, name="exemption_citation_step"),
    # Decision review (approval of the decisions; internal review is in foi_cases).
    path("reviews/", decision_review_views.approval_queue, name="approval_queue"),
    path(
        f"{case}decision-review/",
        decision_review_views.decision_review,
        name="decision_review",
    ),
    path(
        f"{case}decision-review/question/<int:number>/",
        decision_review_views.decision_review_question,
        name="decision_review_question",
    ),
    path(
        f"{case}decision-review/decide/",
        decision_review_views.decision_review_decide,
        name="decision_review_decide",
    ),
    path(
        f"{case}decision-review/allocate/",
        decision_review_views.decision_review_allocate,
        name="decision_review_allocate",
    ),
    path(
        f"{case}decision-review/approve/",
        decision_review_views.decision_review_approve,
        name="decision_review_approve",
    ),
    path(
        f"{case}decision-review/return/",
        decision_review_views.decision_review_return,
        name="decision_review_return",
    ),
    path(f"{case}review/", decision_review_views.old_decision_review, name="old_decision_review"),
]
