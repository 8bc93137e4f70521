"""What every part of the mail code shares: the outcome line, the import account, WDTK."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

SYSTEM_USERNAME = "mail-import"


@dataclass
class Outcome:
    """What happened to one message: the JSON line `import_email` prints."""

    message_id: str
    action: str  # created | attached | duplicate | rejected
    reference: str | None = None
    received_at: dt.datetime | None = None
    due: dt.date | None = None
    reason: str = ""

    def as_json(self) -> str:
        return json.dumps(
            {
                "message_id": self.message_id,
                "reference": self.reference,
                "action": self.action,
                "received_at": self.received_at.isoformat() if self.received_at else None,
                "due": self.due.isoformat() if self.due else None,
                "reason": self.reason,
            },
            ensure_ascii=False,
        )


def system_user(username: str = SYSTEM_USERNAME, name: str = "E-mail import") -> User:
    """The account imported mail (or another automatic intake) is logged by: it cannot sign in."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_active": False, "first_name": name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_whatdotheyknow(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    return any(domain == d or domain.endswith("." + d) for d in settings.FOI_WHATDOTHEYKNOW_DOMAINS)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment else None
