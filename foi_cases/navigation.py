"""The navigation each role sees: one table, read by the base template."""

from dataclasses import dataclass

from django.urls import reverse

from foi_cases.permissions import CONTRIBUTOR, MANAGER, OFFICER, REVIEWER


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    # Shown in the header beside "Your account" rather than in the service navigation.
    in_header: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("My cases", "case_list_mine", frozenset({OFFICER})),
    NavItem("Cases", "case_list_team", frozenset({REVIEWER})),
    NavItem("All cases", "case_list_all", frozenset({MANAGER})),
    NavItem("New request", "case_new", frozenset({OFFICER, MANAGER})),
    NavItem("Your searches", "my_tasks", frozenset({CONTRIBUTOR})),
    NavItem("Review queue", "approval_queue", frozenset({REVIEWER, MANAGER})),
    NavItem("Dashboard", "dashboard", frozenset({OFFICER, MANAGER})),
    NavItem("Disclosure log", "disclosure_entries", frozenset({MANAGER})),
    NavItem("Notifications", "notifications", frozenset({OFFICER, REVIEWER, MANAGER})),
    NavItem("Team", "people_team", frozenset({MANAGER})),
    NavItem("Administration", "admin:index", frozenset({MANAGER}), in_header=True),
)


def navigation_for(roles: frozenset[str]) -> list[NavItem]:
    """The service navigation's items for these roles (the header's are separate)."""
    return [item for item in NAVIGATION if item.roles & roles and not item.in_header]


def header_links_for(roles: frozenset[str]) -> list[NavItem]:
    return [item for item in NAVIGATION if item.roles & roles and item.in_header]
