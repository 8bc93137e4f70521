"""What people are told: in-app notifications and the reminders already sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from foi_cases.models.cases import Case


class Notification(models.Model):
    """Something a person needs to know or do, listed in the app and (usually) e-mailed."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Case assigned to you"
        RETURNED = "returned", "Case returned for revision"
        REVIEW_WAITING = "review_waiting", "Case waiting for review"
        LETTER_WAITING = "letter_waiting", "Letter waiting for approval"
        LETTER_RETURNED = "letter_returned", "Letter returned for redraft"
        LETTER_APPROVED = "letter_approved", "Letter approved"
        DUE_SOON = "due_soon", "Case due within 5 working days"
        OVERDUE = "overdue", "Case overdue"
        ACCOUNT_SECURITY = "account_security", "Change to your sign-in"
        NOT_DELIVERED = "not_delivered", "E-mail not delivered"
        MAIL_ARRIVED = "mail_arrived", "E-mail arrived on your case"
        REVIEW_DUE = "review_due", "Internal review due"
        ICO_STEPS_DUE = "ico_steps_due", "ICO decision notice steps due"
        APPEAL_WINDOW = "appeal_window", "Tribunal appeal window closing"
        FEE_DUE = "fee_due", "Fee payment due"
        CLARIFICATION_LAPSED = "clarification_lapse", "No clarification after 20 working days"
        SEARCH_REQUESTED = "search_requested", "Asked to search for records"
        SEARCH_DUE = "search_due", "Search for records due"
        MOSAIC = "mosaic", "Requests that together expose someone"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.message[:60]}"


class ReminderSent(models.Model):
    """A record that one person was told one thing about one case, so it is never told twice.

    `for_date` is the deadline a due-soon or overdue reminder is about (a new deadline earns a
    new reminder), and the day of the event for the others.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders_sent")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    for_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case", "kind", "for_date"], name="unique_reminder_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.case_id} for {self.for_date}"
