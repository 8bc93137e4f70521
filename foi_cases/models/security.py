"""What the service keeps to stay secure and reliable: access log, sessions, outbox, heartbeats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from foi_cases.models.cases import Case


class CaseAccessLog(models.Model):
    """Every read of a restricted case, and every refused attempt at one: who, when, what."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)
    # False: a refused attempt by someone who may not see the case (they were shown 404).
    granted = models.BooleanField(default=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"])]

    def __str__(self) -> str:
        verb = "read" if self.granted else "was refused"
        return f"{self.user_id} {verb} {self.what} of {self.case_id} at {self.at:%Y-%m-%d %H:%M}"


class SignedInSession(models.Model):
    """One of a person's signed-in sessions, so they (and the service) can list and end them.

    Written at sign-in and kept to the session's current key when the key changes; the
    session store stays the authority on whether a session is alive.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-signed_in_at", "-pk"]

    def __str__(self) -> str:
        return f"Session of user {self.user_id} from {self.signed_in_at:%Y-%m-%d %H:%M}"


class OutboxMessage(models.Model):
    """A Celery task an action queued, kept in PostgreSQL until the broker has taken it.

    Written in the action's own transaction, so a broker that is down loses nothing; sent
    after the commit, or by the outbox sweep once Redis is back (foi_cases.outbox).
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # At most one unsent message per key: queuing the same work twice sends it once.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_one_unsent_per_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} ({'sent' if self.sent_at else 'unsent'})"


class FormSubmission(models.Model):
    """A form that creates rows, claimed once per one-time token (see foi_cases.form_tokens)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300, help_text="The address the form was sent to.")
    token = models.CharField(max_length=64)
    result_url = models.CharField(
        max_length=300, blank=True, help_text="Where the first submission led, for any repeat."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path", "token"], name="unique_form_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker host ran the periodic heartbeat task."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
