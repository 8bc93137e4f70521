"""Every e-mail into or out of the FOI mailbox, kept whole, with its attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from foi_cases.models.cases import Case
from foi_cases.models.letters import Letter


class Correspondence(models.Model):
    """One message, in or out; the raw message is kept in storage so nothing is lost."""

    class Direction(models.TextChoices):
        IN = "in", "Received"
        OUT = "out", "Sent"

    class Kind(models.TextChoices):
        REQUEST = "request", "New request"
        REPLY = "reply", "Reply"
        CLARIFICATION = "clarification", "Possible clarification"
        AUTO_REPLY = "auto_reply", "Automatic reply"
        BOUNCE = "bounce", "Delivery failure report"
        LETTER = "letter", "Letter"
        MESSAGE = "message", "Message"

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        QUARANTINED = "quarantined", "Quarantined: an officer must release it"
        REJECTED = "rejected", "Not imported"
        FAILED = "failed", "Import failed"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        UNCONFIRMED = "unconfirmed", "Sending not confirmed: check before sending again"
        NOT_DELIVERED = "not_delivered", "Not delivered"

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="correspondence"
    )
    letter = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    # The release bundle attached to a response e-mail alongside the letter.
    release_bundle = models.ForeignKey(
        "ReleaseBundle", null=True, blank=True, on_delete=models.PROTECT, related_name="emails"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MESSAGE)
    status = models.CharField(max_length=20, choices=Status.choices)
    reason = models.TextField(blank=True, help_text="Why it was not imported, or what to check.")
    message_id = models.CharField(max_length=998)
    in_reply_to = models.TextField(blank=True)
    references = models.TextField(blank=True)
    # "mailbox/uidvalidity/uid" for a message read over IMAP, so a UID is handled once.
    imap_key = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="IMAP or the file imported.")
    from_name = models.CharField(max_length=300, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    to_addresses = models.TextField(blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body_text = models.TextField(blank=True)
    channel = models.CharField(max_length=20, choices=Case.Channel.choices, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When SMTP accepted it.")
    # Set (and committed) before the SMTP conversation, so a retry knows to look for the copy.
    send_attempted_at = models.DateTimeField(null=True, blank=True)
    raw = models.FileField(upload_to="mail/raw/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    clarification_accepted_at = models.DateTimeField(null=True, blank=True)
    notice = models.CharField(
        max_length=30,
        choices=Letter.Kind.choices,
        blank=True,
        help_text="The letter kind an outgoing message was composed from: a clarification "
        "request stops the clock when the mail server accepts it.",
    )
    bounced_message = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "message_id"], name="correspondence_message_once"
            ),
            models.UniqueConstraint(
                fields=["imap_key"], condition=~Q(imap_key=""), name="correspondence_uid_once"
            ),
        ]
        indexes = [models.Index(fields=["case", "created_at"])]
        verbose_name_plural = "correspondence"

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.subject or self.message_id}"

    @property
    def at(self):  # type: ignore[no-untyped-def]
        return self.received_at or self.sent_at or self.created_at


class MailAttachment(models.Model):
    """A file that came with (or went with) a message, kept through Django's storage."""

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=300)
    content_type = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="mail/attachments/", max_length=300)
    blocked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename
