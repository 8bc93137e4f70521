"""Records gathered for a case: files, colleagues asked to search, third parties consulted."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from foi_cases.models.cases import Case, Question


class ContributorTask(models.Model):
    """A named colleague asked to search for the records that answer some of a case's questions."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the search"
        SUBMITTED = "submitted", "Search statement given"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contributor_tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributor_tasks"
    )
    questions = models.ManyToManyField(Question, related_name="contributor_tasks")
    instructions = models.TextField(
        blank=True, help_text="What to look for, in the officer's words."
    )
    due_on = models.DateField(help_text="The internal due date for the search.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # The search statement, given once with the task's records.
    places_searched = models.TextField(blank=True)
    search_terms = models.TextField(blank=True)
    hours_searching = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The due date the last reminder was about: a moved due date earns a new reminder.
    reminded_for = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "status"])]

    def __str__(self) -> str:
        return f"Search for {self.case_id} by {self.assignee_id}, due {self.due_on}"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class Record(models.Model):
    """One file gathered for a case, kept through Django's storage API with its SHA-256 hash.

    An identical file added again to the same case gets its own row (who sent it, when) that
    points at the first as `duplicate_of` and shares its stored file.
    """

    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded by the FOI team"
        CONTRIBUTOR = "contributor", "Sent by a colleague"
        EMAIL = "email", "E-mail attachment"

    class Conversion(models.TextChoices):
        PENDING = "pending", "Waiting to be converted"
        CONVERTING = "converting", "Converting"
        READY = "ready", "Ready for review"
        FAILED = "failed", "Conversion failed"
        QUARANTINED = "quarantined", "In quarantine"

    class Responsiveness(models.TextChoices):
        UNREVIEWED = "unreviewed", "Not yet reviewed"
        RESPONSIVE = "responsive", "Within the request"
        NOT_RESPONSIVE = "not_responsive", "Outside the request"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    file = models.FileField(upload_to="records/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.UPLOAD)
    task = models.ForeignKey(
        ContributorTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The copy for review: every record converted to PDF, scanned pages given a text layer.
    review_pdf = models.FileField(upload_to="records/review/%Y/%m/", max_length=300, blank=True)
    conversion = models.CharField(
        max_length=20, choices=Conversion.choices, default=Conversion.PENDING
    )
    conversion_progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent.")
    conversion_note = models.TextField(
        blank=True,
        help_text="Why the conversion failed or the file is in quarantine, or what the "
        "reviewer must know of the copy (hidden sheets shown).",
    )
    # An officer chose to accept every tracked change of a document put in quarantine for them.
    changes_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_pages = models.PositiveIntegerField(null=True, blank=True)
    responsive = models.CharField(
        max_length=20, choices=Responsiveness.choices, default=Responsiveness.UNREVIEWED
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["case", "sha256"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "sha256"],
                condition=models.Q(duplicate_of__isnull=True),
                name="record_one_original_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.case_id})"


class RecordRedaction(models.Model):
    """One area of one page of a record's review PDF withheld under one exemption citation.

    The box is in PDF points from the top-left corner of the page as displayed (rotation
    applied), so the viewer and the applying code agree without knowing each other. The
    redacted text itself is never stored: the leak check reads it from the review PDF when the
    redactions are applied.
    """

    class Method(models.TextChoices):
        TEXT = "text", "Selected text"
        BOX = "box", "Drawn box"
        SEARCH = "search", "Search and redact"

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="redactions")
    page = models.PositiveIntegerField(help_text="1-based page of the review PDF.")
    x0 = models.FloatField()
    y0 = models.FloatField()
    x1 = models.FloatField()
    y1 = models.FloatField()
    # PROTECT: a citation cannot be removed while a redaction relies on it.
    citation = models.ForeignKey(
        "exemptions.ExemptionCitation", on_delete=models.PROTECT, related_name="record_redactions"
    )
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.BOX)
    search_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text='The kind of search that made it (a preset, or "phrase"), never the phrase.',
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record", "page", "y0", "x0", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(x1__gt=models.F("x0"), y1__gt=models.F("y0"), page__gte=1),
                name="record_redaction_box_has_area",
            )
        ]

    def __str__(self) -> str:
        return f"Redaction on page {self.page} of record {self.record_id}"


class Consultation(models.Model):
    """A third party asked for its view on harm: the police, a security body, the Member."""

    class Consultee(models.TextChoices):
        POLICE = "police", "Police force"
        SECURITY = "security", "Security body"
        MEMBER = "member", "The Member concerned"
        CONTRACTOR = "contractor", "Contractor"
        OTHER = "other", "Other third party"

    class Followed(models.TextChoices):
        YES = "yes", "Followed"
        PARTLY = "partly", "Partly followed"
        NO = "no", "Not followed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    consultee_type = models.CharField(max_length=20, choices=Consultee.choices)
    consultee = models.CharField(max_length=200, help_text="Who, e.g. the force or office.")
    questions = models.ManyToManyField(Question, blank=True, related_name="consultations")
    about = models.TextField(help_text="What they were asked.")
    consulted_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    advice = models.TextField(blank=True)
    advice_received_on = models.DateField(null=True, blank=True)
    followed = models.CharField(max_length=10, choices=Followed.choices, blank=True)
    followed_note = models.TextField(
        blank=True, help_text="Why the advice was or was not followed."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["consulted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_consultee_type_display()} on {self.consulted_on:%d %b %Y}"

    @property
    def is_awaiting_advice(self) -> bool:
        return not self.advice_received_on

    def is_late(self, today: dt.date) -> bool:
        return bool(self.is_awaiting_advice and self.due_on and self.due_on < today)
