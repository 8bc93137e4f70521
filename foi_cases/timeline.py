"""Words for the case timeline: people by name and topics by title, never usernames or slugs.

Audit events keep what identifies things (usernames, slugs, hashes); the timeline people read
names them the way people do. One query per kind of name, whatever the number of events.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model

from foi_cases.models import CaseEvent, Topic

# Event data keys that hold a username.
PERSON_KEYS = ("assignee", "previous", "member", "reviewer")


def timeline_names(events: Iterable[CaseEvent]) -> dict[str, dict[str, str]]:
    """{"people": {username: full name}, "topics": {slug: name}} for the events' data."""
    usernames: set[str] = set()
    slugs: set[str] = set()
    for event in events:
        data = event.data or {}
        usernames.update(str(data[key]) for key in PERSON_KEYS if data.get(key))
        slugs.update(str(slug) for slug in data.get("topics") or [])
    people = {
        user.get_username(): user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(username__in=usernames)
    }
    topics = dict(Topic.objects.filter(slug__in=slugs).values_list("slug", "name"))
    return {"people": people, "topics": topics}


def money(amount: Any) -> str:
    """£87.50, £1,200.00: pounds always with pence, whatever the event stored."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return f"£{amount}"
    return f"£{value:,.2f}"
