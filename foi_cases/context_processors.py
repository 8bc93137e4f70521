"""Template context shared by every page: service name and the signed-in user's roles."""

from django.conf import settings
from django.http import HttpRequest

from foi_cases.navigation import header_links_for, navigation_for
from foi_cases.permissions import roles_of


def service(request: HttpRequest) -> dict[str, object]:
    # A request refused before the authentication middleware ran (a bad Host) has no user.
    user = getattr(request, "user", None)
    roles = roles_of(user) if user is not None and user.is_authenticated else frozenset()
    return {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
        "user_roles": roles,
        "navigation": navigation_for(roles),
        "header_links": header_links_for(roles),
    }
