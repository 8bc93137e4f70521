"""Everyday casework around a case: internal notes, watchers and links between cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from foi_cases.models.cases import Case


class CaseNote(models.Model):
    """An internal note on a case: for the team only, never printed in a letter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "-created_at"])]

    def __str__(self) -> str:
        return f"Note on {self.case_id} by {self.author_id} at {self.created_at:%Y-%m-%d %H:%M}"


class CaseWatcher(models.Model):
    """Someone who wants the case's notifications without being its officer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watching"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="unique_case_watcher"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.case_id}"


class CaseLink(models.Model):
    """Two related cases; shown on both, whichever of them it was made from."""

    class Kind(models.TextChoices):
        ROUND_ROBIN = "round_robin", "Round-robin (the same request sent to several bodies)"
        FOLLOW_UP = "follow_up", "Follow-up"
        DUPLICATE = "duplicate", "Duplicate"
        RELATED = "related", "Related"

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_from")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="unique_case_link"),
            models.CheckConstraint(
                condition=~models.Q(from_case=models.F("to_case")), name="case_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case_id} {self.kind} {self.to_case_id}"

    def other(self, case: Case) -> Case:
        """The case at the other end of the link from `case`."""
        return self.to_case if self.from_case_id == case.pk else self.from_case
