"""The one writer of AccessEvent, the audit trail of changes to someone's access.

Kept below the workflow so the sign-in code (single sign-on, break-glass) can write to it
without importing the workflow, which imports the sign-in code's two-factor module.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from foi_cases.models import AccessEvent


def record_access_event(
    person: User | None, verb: str, *, actor: User | None, **data: Any
) -> AccessEvent:
    """Write the audit event of a change to someone's access: the one place one is created."""
    subject = data.pop("subject", "") or (person.get_username() if person else "")
    return AccessEvent.objects.create(
        person=person, subject=subject, actor=actor, verb=verb, data=data
    )
