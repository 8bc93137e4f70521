"""Who may do what: small predicates, each paired with a queryset where lists need it.

Managers see every case. FOI officers and reviewers see every unrestricted case; a
restricted (need-to-know) case only when it is assigned to them or they are on its team.
People with no role see nothing. Views call `get_case_for_user`, which answers 404 both for
a case that does not exist and for one the user may not see, so IDs leak nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from foi_cases.models import (
        Case,
        CaseQuerySet,
        ContributorTask,
        DisclosureLogEntryQuerySet,
        Letter,
        Record,
    )

OFFICER = "FOI officer"
REVIEWER = "Reviewer"
MANAGER = "Manager"
ROLES = (OFFICER, REVIEWER, MANAGER)
# A colleague outside the FOI team asked to search for records: sees only their own tasks,
# never a case, so it is not one of ROLES (which open cases).
CONTRIBUTOR = "Contributor"

AnyUser = User | AnonymousUser


def roles_of(user: AnyUser) -> frozenset[str]:
    """The role names of a user, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_foi_roles", None)
    if cached is None:
        names = (*ROLES, CONTRIBUTOR)
        cached = frozenset(user.groups.filter(name__in=names).values_list("name", flat=True))
        user._foi_roles = cached  # type: ignore[attr-defined]
    return cached


def is_officer(user: AnyUser) -> bool:
    return OFFICER in roles_of(user)


def is_reviewer(user: AnyUser) -> bool:
    return REVIEWER in roles_of(user)


def is_manager(user: AnyUser) -> bool:
    return MANAGER in roles_of(user)


def is_contributor(user: AnyUser) -> bool:
    return CONTRIBUTOR in roles_of(user)


def has_any_role(user: AnyUser) -> bool:
    """Whether the user has a role that opens cases (a contributor's does not)."""
    return bool(roles_of(user) & set(ROLES))


def cases_visible_to(user: AnyUser) -> CaseQuerySet:
    from foi_cases.models import Case

    if is_manager(user):
        return Case.objects.all()
    if not user.is_authenticated or not has_any_role(user):
        return Case.objects.none()
    # A subquery rather than a join on the team, so rows are not repeated and no DISTINCT
    # is needed (DISTINCT would get in the way of ordering and counting).
    on_team = Case.team.through.objects.filter(user=user).values("case_id")
    return Case.objects.filter(Q(restricted=False) | Q(assigned_to=user) | Q(pk__in=on_team))


def is_on_case_team(user: AnyUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    return case.assigned_to_id == user.pk or case.team.filter(pk=user.pk).exists()


def can_view_case(user: AnyUser, case: Case) -> bool:
    if is_manager(user):
        return True
    if not has_any_role(user):
        return False
    return not case.restricted or is_on_case_team(user, case)


def can_see_register_matches(user: AnyUser, case: Case) -> bool:
    """Who sees which protected people and places a case matched: managers, and the people on
    the case (its officer and team, and reviewers, who review what it says)."""
    if is_manager(user):
        return True
    return is_on_case_team(user, case) or (is_reviewer(user) and can_view_case(user, case))


def can_triage_case(user: AnyUser, case: Case) -> bool:
    """Assign, set topics, restrict: managers, and officers on an unassigned or own case."""
    if is_manager(user):
        return True
    if not is_officer(user) or not can_view_case(user, case):
        return False
    return case.assigned_to_id in (None, user.pk)


def can_edit_case(user: AnyUser, case: Case) -> bool:
    """Record clock events, questions and decisions: the assigned officer or a manager."""
    if is_manager(user):
        return True
    return is_officer(user) and case.assigned_to_id == user.pk


def can_log_requests(user: AnyUser) -> bool:
    return is_officer(user) or is_manager(user)


# --- The case team and separation of duties ----------------------------------------------------

DECISIONS = "decisions"
INTERNAL_REVIEW = "internal_review"


def can_manage_team(user: AnyUser, case: Case) -> bool:
    """Add and remove team members: managers, and the officer of an unrestricted case."""
    if is_manager(user):
        return True
    return not case.restricted and is_officer(user) and case.assigned_to_id == user.pk


def reviewer_conflicts(case: Case, *, work: Letter | str) -> set[int]:
    """Everyone who may not review `work` (DECISIONS, INTERNAL_REVIEW or a Letter).

    Always the case's officer and everyone who wrote, changed or submitted its decisions;
    for a letter also who composed, edited or sent it for approval; for an internal review
    also everyone who approved any part of the original response.
    """
    from exemptions.authorship import decision_authors, original_decision_makers
    from foi_cases.models import Letter

    people: set[int | None] = set(decision_authors(case))
    if isinstance(work, Letter):
        people |= {work.composed_by_id, work.edited_by_id, work.submitted_by_id}
    elif work == INTERNAL_REVIEW:
        people |= original_decision_makers(case)
    return {pk for pk in people if pk is not None}


def may_review(user: AnyUser, case: Case, *, work: Letter | str) -> bool:
    """Separation of duties, for decisions, letters and internal reviews alike.

    A reviewer (for an internal review, also a manager) who made none of the work under
    review and is not the case's officer. Whether they may open the case is separate: a
    reviewer allocated to a restricted case joins its team.
    """
    if not user.is_authenticated:
        return False
    role = is_reviewer(user) or (work == INTERNAL_REVIEW and is_manager(user))
    return role and user.pk not in reviewer_conflicts(case, work=work)


def may_second_approve(
    user: AnyUser, case: Case, *, work: Letter | str, first_approver_id: int | None
) -> bool:
    """A manager's second approval on a restricted case: independent, not the first approver."""
    return (
        is_manager(user)
        and user.pk != first_approver_id
        and user.pk not in reviewer_conflicts(case, work=work)
    )


def get_case_for_user(request: HttpRequest, reference: str, *, write: bool = False) -> Case:
    """Fetch a case the user may see, else 404; with write, 403 unless they may edit it.

    Every read of a restricted case is logged, and so is every refused attempt to open one
    (the person still sees only "not found").
    """
    from foi_cases.models import Case, CaseAccessLog

    case = (
        Case.objects.select_related("requester", "assigned_to").filter(reference=reference).first()
    )
    if case is None or not can_view_case(request.user, case):
        if case is not None and case.restricted and request.user.is_authenticated:
            CaseAccessLog.objects.create(
                case=case, user=request.user, what=request.path[:200], granted=False
            )
        raise Http404("No case with that reference.")
    if write and not can_edit_case(request.user, case):
        raise PermissionDenied("Only the assigned officer or a manager can change this case.")
    # A restricted case is visible only to someone signed in.
    if case.restricted and request.user.is_authenticated:
        CaseAccessLog.objects.create(
            case=case, user=request.user, what=request.path[:200], at=timezone.now()
        )
    return case


# --- After the response -----------------------------------------------------------------------


def can_manage_disclosure_log(user: AnyUser) -> bool:
    """Prepare, redact, validate and withhold disclosure log entries: managers."""
    return is_manager(user)


def disclosure_entries_visible_to(user: AnyUser) -> DisclosureLogEntryQuerySet:
    """Entries in every state for managers; for anyone else (the public), only published ones."""
    from foi_cases.models import DisclosureLogEntry

    if can_manage_disclosure_log(user):
        return DisclosureLogEntry.objects.all()
    return DisclosureLogEntry.objects.published()


def can_record_after_response(user: AnyUser) -> bool:
    """Log review requests, ICO complaints, notices and appeals: FOI officers and managers."""
    return is_officer(user) or is_manager(user)


# --- Records, contributor tasks and consultations ----------------------------------------------


def can_add_records(user: AnyUser, case: Case) -> bool:
    """Upload records, ask colleagues to search, record consultations: who may edit the case."""
    return can_edit_case(user, case)


def tasks_visible_to(user: AnyUser) -> QuerySet[ContributorTask]:
    """A contributor's own tasks; nobody else's, whatever their role."""
    from foi_cases.models import ContributorTask

    if not user.is_authenticated or not is_contributor(user):
        return ContributorTask.objects.none()
    return ContributorTask.objects.filter(assignee=user)


def can_work_on_task(user: AnyUser, task: ContributorTask) -> bool:
    """Open a task, upload records to it and give its search statement: its contributor."""
    return user.is_authenticated and is_contributor(user) and task.assignee_id == user.pk


def get_task_for_user(request: HttpRequest, pk: int) -> ContributorTask:
    """Fetch a task the user was given, else 404; every opening of a restricted one is logged."""
    from foi_cases.models import CaseAccessLog

    task = tasks_visible_to(request.user).select_related("case").filter(pk=pk).first()
    if task is None:
        raise Http404("No task with that number.")
    if task.case.restricted and isinstance(request.user, User):
        CaseAccessLog.objects.create(case=task.case, user=request.user, what=request.path[:200])
    return task


def can_view_record(user: AnyUser, record: Record) -> bool:
    """A record: whoever may see its case, or the contributor whose task it was sent to."""
    if record.task is not None and can_work_on_task(user, record.task):
        return True
    return can_view_case(user, record.case)


# --- Releasing records -------------------------------------------------------------------------


def can_download_release_bundle(user: AnyUser, case: Case) -> bool:
    """The release bundle: whoever may read the case's unredacted records (so a restricted
    case's team and managers), never a contributor."""
    return can_view_case(user, case)
