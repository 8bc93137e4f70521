"""What goes out: the release bundle of a case's redacted records and their schedule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from foi_cases.models.cases import Case


class ReleaseBundle(models.Model):
    """One build of the release bundle: the schedule, then each released record, in one PDF.

    `inputs_hash` fingerprints what it was built from (the approval, the responsive records
    and their redactions); a bundle is current only while that still matches.
    """

    class Status(models.TextChoices):
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="release_bundles")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BUILDING)
    inputs_hash = models.CharField(max_length=64)
    file = models.FileField(upload_to="release/%Y/%m/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    documents = models.PositiveIntegerField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"Release bundle {self.pk} of case {self.case_id} ({self.status})"
