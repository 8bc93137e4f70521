"""After the response: internal review, ICO complaints, tribunal appeals, the disclosure log."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from foi_cases.models.cases import Case, Question, Topic


class InternalReviewQuerySet(models.QuerySet["InternalReview"]):
    def open(self) -> InternalReviewQuerySet:
        return self.filter(outcome="")


class InternalReview(models.Model):
    """A requester's request for internal review of a response, with its own deadline."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        UPHELD_IN_PART = "upheld_in_part", "Upheld in part"
        OVERTURNED = "overturned", "Overturned"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="internal_reviews")
    requested_on = models.DateField()
    grounds = models.TextField(blank=True, help_text="Why the requester is dissatisfied.")
    working_days_after_response = models.IntegerField(null=True, blank=True)
    requested_late = models.BooleanField(
        default=False, help_text="Requested more than 40 working days after the response."
    )
    target_due_on = models.DateField()
    due_on = models.DateField(help_text="The latest date: 40 working days (statutory under EIR).")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    reopened_questions = models.ManyToManyField(Question, blank=True, related_name="+")
    letter = models.ForeignKey(
        "Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InternalReviewQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-requested_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(outcome=""), name="one_open_internal_review"
            ),
        ]

    def __str__(self) -> str:
        return f"Internal review of {self.case.reference} requested {self.requested_on}"

    @property
    def is_open(self) -> bool:
        return not self.outcome


class ICOComplaintQuerySet(models.QuerySet["ICOComplaint"]):
    def open(self) -> ICOComplaintQuerySet:
        return self.filter(closed_on__isnull=True)


class ICOComplaint(models.Model):
    """A complaint to the Information Commissioner (s50) and its decision notice."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Complaint upheld: steps required"
        PARTLY_UPHELD = "partly_upheld", "Complaint partly upheld"
        NOT_UPHELD = "not_upheld", "Complaint not upheld"
        RESOLVED_INFORMALLY = "resolved_informally", "Resolved informally"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ico_complaints")
    ico_reference = models.CharField(max_length=40)
    notified_on = models.DateField(help_text="When the ICO told the authority of the complaint.")
    submissions_due_on = models.DateField(null=True, blank=True)
    decision_notice_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    steps_required = models.TextField(blank=True)
    steps_due_on = models.DateField(null=True, blank=True)
    steps_complied_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ICOComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-notified_on", "-pk"]

    def __str__(self) -> str:
        return f"ICO {self.ico_reference} ({self.case.reference})"

    @property
    def appeal_due_on(self) -> dt.date | None:
        if self.decision_notice_on is None:
            return None
        return self.decision_notice_on + dt.timedelta(days=28)


class TribunalAppeal(models.Model):
    """An appeal to the First-tier Tribunal (GRC) against a decision notice, within 28 days."""

    class Appellant(models.TextChoices):
        REQUESTER = "requester", "The requester"
        AUTHORITY = "authority", "The authority"

    complaint = models.ForeignKey(ICOComplaint, on_delete=models.CASCADE, related_name="appeals")
    appellant = models.CharField(max_length=20, choices=Appellant.choices)
    tribunal_reference = models.CharField(max_length=40, blank=True)
    lodged_on = models.DateField()
    lodged_late = models.BooleanField(default=False)
    hearing_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["complaint", "lodged_on", "pk"]

    def __str__(self) -> str:
        return f"Tribunal appeal {self.tribunal_reference or self.pk} ({self.complaint})"


class DisclosureLogEntryQuerySet(models.QuerySet["DisclosureLogEntry"]):
    def published(self) -> DisclosureLogEntryQuerySet:
        return self.filter(status=DisclosureLogEntry.Status.PUBLISHED)


class DisclosureLogEntry(models.Model):
    """A response prepared for the public disclosure log: identity removed, redactions burned in.

    The texts here are only ever the published form: redacted passages are replaced by their
    markers before they are saved, so nothing redacted is stored on the entry.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_VALIDATION = "awaiting_validation", "Awaiting validation"
        PUBLISHED = "published", "Published"
        WITHHELD = "withheld", "Withheld"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="disclosure_entry")
    title = models.CharField(max_length=200)
    request_text = models.TextField()
    response_text = models.TextField(blank=True)
    response_letter = models.ForeignKey(
        "Letter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exemptions = models.ManyToManyField(
        "exemptions.Exemption", blank=True, related_name="disclosure_entries"
    )
    disclosed_on = models.DateField()
    topics = models.ManyToManyField(Topic, blank=True, related_name="disclosure_entries")
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    warnings = models.JSONField(
        default=list, blank=True, help_text="Possible personal data found when last saved."
    )
    withheld_reason = models.TextField(blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withheld_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withheld_at = models.DateTimeField(null=True, blank=True)
    # The records released, published with the entry (set when it is published).
    release_bundle = models.ForeignKey(
        "ReleaseBundle", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DisclosureLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_on", "-pk"]
        verbose_name_plural = "disclosure log entries"
        indexes = [models.Index(fields=["status", "-disclosed_on"])]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("disclosure_log_entry", args=[self.pk])
