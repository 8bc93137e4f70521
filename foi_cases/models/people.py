"""The team's accounts: invitations to join, and the log of every change to a person's access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Invitation(models.Model):
    """A manager's invitation to join: the set-up link is single-use and expires.

    The link carries a token signed with SECRET_KEY and naming this row, so neither the
    database nor the outbox holds anything that opens it; `used_at` makes it single-use.
    """

    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    roles = models.JSONField(default=list, help_text="The roles (group names) given on joining.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The account made when the link was used.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["email", "used_at"])]

    def __str__(self) -> str:
        return f"Invitation of {self.email} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class AccessEvent(models.Model):
    """One change to a person's access to the service: who made it, when, and what it was."""

    class Verb(models.TextChoices):
        INVITED = "invited", "Invited"
        JOINED = "joined", "Set up their account"
        ROLES_CHANGED = "roles_changed", "Roles changed"
        DEACTIVATED = "deactivated", "Deactivated"
        REACTIVATED = "reactivated", "Reactivated"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor reset"
        BREAK_GLASS_SIGN_IN = "break_glass_sign_in", "Emergency (break-glass) sign-in"

    # Null until an invitee has an account: the invitation's e-mail address is in `subject`.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_events",
    )
    subject = models.CharField(max_length=254, help_text="The person's username or e-mail then.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_verb_display()}: {self.subject} ({self.at:%Y-%m-%d %H:%M})"
