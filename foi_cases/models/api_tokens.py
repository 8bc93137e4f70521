from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from foi_cases.models.cases import Case


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Not revoked, not expired, and its owner still an active account."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), owner__is_active=True
        )


class ApiToken(models.Model):
    """A bearer token for the JSON API, issued by a manager to a person or a service account.

    Only the SHA-256 of the secret is kept: the secret is shown once, when it is issued. The
    token acts as its owner and never grants more than the owner may do; its scopes narrow
    what it may be used for.
    """

    class Scope(models.TextChoices):
        INTAKE = "intake", "Log requests"
        READ = "read", "Read cases"
        STATISTICS = "statistics", "Statistics"

    name = models.CharField(max_length=100, help_text="What the token is for.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    scopes = models.JSONField(default=list, help_text="Scope values the token may be used for.")
    channel = models.CharField(
        max_length=20,
        choices=Case.Channel.choices,
        default=Case.Channel.WEB_FORM,
        help_text="The channel requests logged with this token arrive by, unless they say.",
    )
    prefix = models.CharField(max_length=12, help_text="The secret's first characters.")
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.owner.is_active
