"""The case team and reviewer allocation, for the pages: the steps are foi_cases.workflow.team.

The team's steps write audit events through the workflow, so they live in it; this module
names them for the views that say `team.add_team_member(...)`. Code inside the workflow
imports foi_cases.workflow.team itself, so the workflow never imports this module.
"""

from foi_cases.workflow.team import (
    add_team_member,
    allocate_reviewer,
    check_allocation,
    eligible_reviewers,
    join_if_restricted,
    may_allocate,
    remove_team_member,
    set_manager_clearance,
    team_history,
    team_of,
    work_of,
)

__all__ = [
    "add_team_member",
    "allocate_reviewer",
    "check_allocation",
    "eligible_reviewers",
    "join_if_restricted",
    "may_allocate",
    "remove_team_member",
    "set_manager_clearance",
    "team_history",
    "team_of",
    "work_of",
]
