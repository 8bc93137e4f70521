"""A case and its parts: requester, questions, topics, clock events and the audit trail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone

from foi_cases import deadlines


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Requester(models.Model):
    class Type(models.TextChoices):
        PUBLIC = "public", "Member of the public"
        JOURNALIST = "journalist", "Journalist"
        CAMPAIGN = "campaign", "Campaign group"
        MP = "mp", "MP or MP's office"
        SOLICITOR = "solicitor", "Solicitor"
        WHATDOTHEYKNOW = "whatdotheyknow", "WhatDoTheyKnow user"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    postal_address = models.TextField(blank=True)
    requester_type = models.CharField(max_length=20, choices=Type.choices, default=Type.PUBLIC)
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["email"]),
            models.Index(fields=["name"]),
            # Triage finds the same requester by e-mail address, ignoring case.
            models.Index(Upper("email"), name="requester_email_upper"),
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceSequence(models.Model):
    """The last case number issued per prefix and year; locked row by row when allocating."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="unique_reference_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(status__in=Case.FINISHED_STATUSES)

    def assigned_to(self, user: models.Model) -> CaseQuerySet:
        return self.filter(assigned_to=user)

    def overdue(self, today: dt.date | None = None) -> CaseQuerySet:
        """Open cases whose current deadline (extended where extended) has passed."""
        today = today or timezone.localdate()
        return (
            self.open()
            .exclude(status__in=Case.CLOCK_STOPPED_STATUSES)
            .filter(
                models.Q(extended_due_on__lt=today)
                | models.Q(extended_due_on__isnull=True, due_on__lt=today)
            )
        )

    def due_between(self, first: dt.date, last: dt.date) -> CaseQuerySet:
        return (
            self.open()
            .exclude(status__in=Case.CLOCK_STOPPED_STATUSES)
            .filter(
                models.Q(extended_due_on__range=(first, last))
                | models.Q(extended_due_on__isnull=True, due_on__range=(first, last))
            )
        )


class ReportingOutcome(models.TextChoices):
    """One outcome per case for the statutory statistics (see foi_cases.reporting.outcomes)."""

    NOT_YET_PROCESSED = "not_yet_processed", "Not yet processed"
    ON_HOLD = "on_hold", "On hold (awaiting clarification or fee)"
    LAPSED = "lapsed", "Lapsed (no clarification or fee)"
    WITHDRAWN = "withdrawn", "Withdrawn"
    GRANTED_IN_FULL = "granted_in_full", "Granted in full"
    PART_NOT_HELD = "part_not_held", "Partly disclosed, partly not held"
    PARTIALLY_WITHHELD = "partially_withheld", "Partly disclosed, partly withheld"
    WITHHELD_IN_FULL = "withheld_in_full", "Withheld in full"
    NCND = "ncnd", "Neither confirmed nor denied"
    NOT_HELD = "not_held", "Information not held"
    PROCEDURAL_S12 = "procedural_s12", "Refused: cost limit (s12)"
    PROCEDURAL_S14 = "procedural_s14", "Refused: vexatious or repeated (s14)"
    SUBJECT_ACCESS = "subject_access", "Handled as a subject access request"
    NOT_RECORDED = "not_recorded", "Responded, outcome not recorded"


class Case(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_CLARIFICATION = "awaiting_clarification", "Awaiting clarification"
        AWAITING_FEE = "awaiting_fee", "Awaiting fee"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        RESPONDED = "responded", "Responded"
        CLOSED = "closed", "Closed"

    class Regime(models.TextChoices):
        FOIA = "FOIA", "Freedom of Information Act 2000"
        EIR = "EIR", "Environmental Information Regulations 2004"
        FOISA = "FOISA", "Freedom of Information (Scotland) Act 2002"

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        WEB_FORM = "web_form", "Web form"
        POST = "post", "Post"
        WHATDOTHEYKNOW = "whatdotheyknow", "WhatDoTheyKnow"

    class Outcome(models.TextChoices):
        GRANTED_IN_FULL = "granted_in_full", "Granted in full"
        PARTIALLY_WITHHELD = "partially_withheld", "Partially withheld"
        WITHHELD_IN_FULL = "withheld_in_full", "Withheld in full"
        NOT_HELD = "not_held", "Information not held"
        PROCEDURAL_REFUSAL = "procedural_refusal", "Refused on a procedural ground (s12, s14)"
        NCND = "ncnd", "Neither confirmed nor denied"
        WITHDRAWN = "withdrawn", "Withdrawn by the requester"
        LAPSED = "lapsed", "Lapsed (no clarification or fee)"
        SUBJECT_ACCESS = "subject_access", "Handled as a subject access request"

    class ResponseFormat(models.TextChoices):
        """The means of communication a requester may ask for (s11(1))."""

        ELECTRONIC = "electronic", "By e-mail or in another electronic form"
        PAPER = "paper", "A paper copy by post"
        INSPECTION = "inspection", "Inspecting the records in person"
        SUMMARY = "summary", "A digest or summary of the information"

    FINISHED_STATUSES = (Status.RESPONDED, Status.CLOSED)
    CLOCK_STOPPED_STATUSES = (Status.AWAITING_CLARIFICATION, Status.AWAITING_FEE)

    reference = models.CharField(max_length=40, unique=True)
    # Indexed by (requester, received_at) in Meta, which serves a lookup by requester too.
    requester = models.ForeignKey(
        Requester, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(
        help_text="When the request reached the authority's systems (Europe/London)."
    )
    received_time_recorded = models.BooleanField(
        default=True,
        help_text="Off when only the date of receipt is known: received_at is then midnight.",
    )
    regime = models.CharField(max_length=5, choices=Regime.choices, default=Regime.FOIA)
    title = models.CharField(max_length=200)
    request_text = models.TextField()
    is_subject_access = models.BooleanField(
        default=False, help_text="A request for the requester's own personal data (UK GDPR)."
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    # The (assigned_to, status, due_on) index in Meta serves a lookup by officer.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        db_index=False,
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="cases")
    restricted = models.BooleanField(
        default=False, help_text="Need to know: only its assigned people and managers can see it."
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="team_cases",
        help_text="People with need-to-know access to a restricted case besides its officer.",
    )
    manager_clearance = models.BooleanField(
        null=True,
        blank=True,
        help_text="While restricted: only a manager allocates reviewers, and a manager gives a "
        "second approval of decisions and letters. Empty: the service's default "
        "(FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL).",
    )
    legal_hold = models.BooleanField(default=False)
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When personal data was removed (retention policy)."
    )
    due_on = models.DateField(
        null=True, blank=True, help_text="Statutory due date; empty while the clock is stopped."
    )
    extended_due_on = models.DateField(null=True, blank=True)
    # A statutory variation of the time for compliance (DOMAIN 1.7; set by
    # workflow.set_variation, applied by deadlines.compute_deadline).
    variation = models.CharField(
        max_length=20, choices=deadlines.VARIATION_CHOICES, blank=True, default=""
    )
    variation_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The working day the ICO specified (at most the 60th)."
    )
    variation_reference = models.CharField(
        max_length=100, blank=True, help_text="The ICO's agreement, where one is needed."
    )
    twentieth_school_day = models.DateField(
        null=True,
        blank=True,
        help_text="Maintained schools: the 20th school day after receipt, as the officer counts "
        "it from the school's term dates.",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    hours_determining = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    hours_locating = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    hours_retrieving = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    hours_extracting = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    cost_estimate_notes = models.TextField(blank=True)
    preferred_format = models.CharField(
        max_length=20,
        choices=ResponseFormat.choices,
        blank=True,
        help_text="The form of response the requester asked for (s11); blank: no preference.",
    )
    # Derived from the case and its questions by reporting.outcomes.annotate_reporting and
    # stored by its refresh_reporting with every audit event, so that a period's statistics
    # count one column instead of deriving it again from every question of the period.
    reporting_outcome = models.CharField(
        max_length=30,
        choices=ReportingOutcome.choices,
        default=ReportingOutcome.NOT_YET_PROCESSED,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="logged_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "reference"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["assigned_to", "status", "due_on"]),
            # A period's cases (dashboard, statistics) read from the index alone on PostgreSQL:
            # the columns their figures use, not the request's text.
            models.Index(
                fields=["received_at"],
                include=[
                    "id",
                    "status",
                    "outcome",
                    "reporting_outcome",
                    "is_subject_access",
                    "regime",
                    "due_on",
                    "extended_due_on",
                    "responded_at",
                ],
                name="case_received",
            ),
            models.Index(fields=["requester", "received_at"]),
            # One officer's cases by current due date (the case list's officer filter): the
            # first page from the index, not a sort of the officer's decade of cases.
            models.Index(
                "assigned_to",
                Coalesce("extended_due_on", "due_on"),
                "reference",
                name="case_officer_by_due",
            ),
            # Each officer's open cases counted where a case is assigned (the assignee list):
            # the officer's open cases alone, not their decade of closed ones.
            models.Index(
                fields=["assigned_to"],
                include=["id"],
                name="case_open_by_officer",
                condition=~models.Q(status__in=["responded", "closed"]),
            ),
            # The case list's default page: open cases by current due date. Partial, so the
            # page and its count read only the open cases, not the decade of closed ones; the
            # dashboard's live panels read what they need of them from the index alone.
            models.Index(
                Coalesce("extended_due_on", "due_on"),
                "reference",
                name="case_open_by_due",
                condition=~models.Q(status__in=["responded", "closed"]),
                include=[
                    "id",
                    "status",
                    "regime",
                    "due_on",
                    "extended_due_on",
                    "assigned_to",
                    "restricted",
                    "title",
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.reference])

    @property
    def current_due_on(self) -> dt.date | None:
        return self.extended_due_on or self.due_on

    @property
    def clock_stopped(self) -> bool:
        return self.status in self.CLOCK_STOPPED_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINISHED_STATUSES

    @property
    def is_overdue(self) -> bool:
        due = self.current_due_on
        return bool(self.is_open and not self.clock_stopped and due and due < timezone.localdate())

    @property
    def needs_manager_clearance(self) -> bool:
        """A restricted case whose reviewers a manager allocates and whose approvals a manager
        seconds."""
        if not self.restricted:
            return False
        if self.manager_clearance is None:
            return settings.FOI_RESTRICTED_NEEDS_MANAGER_APPROVAL
        return self.manager_clearance

    @property
    def cost_hours(self):
        return (
            self.hours_determining
            + self.hours_locating
            + self.hours_retrieving
            + self.hours_extracting
        )


class Question(models.Model):
    class Held(models.TextChoices):
        HELD = "held", "Held"
        PARTLY_HELD = "partly_held", "Partly held"
        NOT_HELD = "not_held", "Not held"
        NCND = "ncnd", "Neither confirm nor deny"

    class Outcome(models.TextChoices):
        DISCLOSED = "disclosed", "Disclosed"
        WITHHELD_IN_PART = "withheld_in_part", "Withheld in part"
        WITHHELD_IN_FULL = "withheld_in_full", "Withheld in full"
        NOT_HELD = "not_held", "Not held"
        PROCEDURAL = "procedural", "Refused on a procedural ground"
        # Its own outcome: an answer that neither confirms nor denies says nothing more.
        NCND = "ncnd", "Neither confirmed nor denied"

    # The unique (case, number) index serves a lookup by case.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="questions", db_index=False
    )
    number = models.PositiveIntegerField()
    text = models.TextField()
    regime = models.CharField(
        max_length=5,
        choices=Case.Regime.choices,
        blank=True,
        help_text="Only where this part falls under another regime than the case (e.g. EIR).",
    )
    held_status = models.CharField(max_length=20, choices=Held.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    answer_text = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="unique_question_number"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} Q{self.number}"


class ClockEvent(models.Model):
    """Something that changes the statutory clock. Immutable once written."""

    class Kind(models.TextChoices):
        CLARIFICATION_REQUESTED = "clarification_requested", "Clarification requested (s1(3))"
        CLARIFICATION_RECEIVED = "clarification_received", "Clarification received"
        FEE_NOTICE_GIVEN = "fee_notice_given", "Fees notice given (s9)"
        FEE_RECEIVED = "fee_received", "Fee received"
        PIT_EXTENSION = "pit_extension", "Public interest extension (s10(3), s17(2))"
        EIR_EXTENSION = "eir_extension", "Extension for complexity and volume (EIR reg 7)"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    on = models.DateField()
    estimated_decision_on = models.DateField(null=True, blank=True)
    exemptions_cited = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%d %b %Y}"


class CaseEvent(models.Model):
    """The audit trail: one row per workflow step, written explicitly by workflow functions."""

    class Verb(models.TextChoices):
        LOGGED = "logged", "Request logged"
        ASSIGNED = "assigned", "Assigned"
        TOPICS_SET = "topics_set", "Topics set"
        RESTRICTION_CHANGED = "restriction_changed", "Restriction changed"
        QUESTIONS_EDITED = "questions_edited", "Questions edited"
        COST_ESTIMATED = "cost_estimated", "Cost estimate recorded"
        CLARIFICATION_REQUESTED = "clarification_requested", "Clarification requested"
        CLARIFICATION_RECEIVED = "clarification_received", "Clarification received"
        FEE_NOTICE_GIVEN = "fee_notice_given", "Fees notice given"
        FEE_RECEIVED = "fee_received", "Fee received"
        PIT_EXTENDED = "pit_extended", "Public interest extension"
        VARIATION_SET = "variation_set", "Statutory variation of the time for compliance"
        EIR_EXTENDED = "eir_extended", "Extension for complexity and volume (EIR reg 7)"
        DEADLINE_RECOMPUTED = "deadline_recomputed", "Deadline recomputed"
        HELD_STATUS_VIEWED = "held_status_viewed", "NCND held status viewed"
        DECISION_RECORDED = "decision_recorded", "Decision recorded"
        SUBMITTED_FOR_REVIEW = "submitted_for_review", "Submitted for review"
        DECISION_RETURNED = "decision_returned", "Decision returned"
        APPROVED = "approved", "Approved"
        APPROVAL_WITHDRAWN = "approval_withdrawn", "Approval withdrawn"
        LETTER_COMPOSED = "letter_composed", "Letter composed"
        LETTER_APPROVED = "letter_approved", "Letter approved"
        LETTER_RENDERED = "letter_rendered", "Letter rendered"
        LETTER_FAILED = "letter_failed", "Letter rendering failed"
        RESPONSE_SENT = "response_sent", "Response sent"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        OVERDUE = "overdue", "Became overdue"
        REVIEW_REQUESTED = "review_requested", "Internal review requested"
        REVIEWER_ASSIGNED = "reviewer_assigned", "Internal reviewer assigned"
        REVIEW_DECIDED = "review_decided", "Internal review decided"
        ICO_COMPLAINT = "ico_complaint", "ICO complaint recorded"
        ICO_DECISION = "ico_decision", "ICO decision notice recorded"
        ICO_STEPS_COMPLIED = "ico_steps_complied", "ICO steps complied with"
        TRIBUNAL_APPEAL = "tribunal_appeal", "Tribunal appeal recorded"
        TRIBUNAL_DECIDED = "tribunal_decided", "Tribunal decision recorded"
        DISCLOSURE_PREPARED = "disclosure_prepared", "Disclosure log entry prepared"
        DISCLOSURE_EDITED = "disclosure_edited", "Disclosure log entry edited"
        REDACTED = "redacted", "Redaction applied"
        DISCLOSURE_SUBMITTED = "disclosure_submitted", "Disclosure log entry sent for validation"
        DISCLOSURE_PUBLISHED = "disclosure_published", "Disclosure log entry published"
        DISCLOSURE_WITHHELD = "disclosure_withheld", "Disclosure log entry withheld"
        LEGAL_HOLD_CHANGED = "legal_hold_changed", "Legal hold changed"
        ANONYMISED = "anonymised", "Personal data removed (retention)"
        TEAM_MEMBER_ADDED = "team_member_added", "Added to the case team"
        TEAM_MEMBER_REMOVED = "team_member_removed", "Removed from the case team"
        REVIEWER_ALLOCATED = "reviewer_allocated", "Reviewer allocated"
        LETTER_SUBMITTED = "letter_submitted", "Letter sent for approval"
        LETTER_RETURNED = "letter_returned", "Letter returned for redraft"
        EMAIL_RECEIVED = "email_received", "E-mail received"
        EMAIL_SENT = "email_sent", "E-mail sent"
        EMAIL_NOT_DELIVERED = "email_not_delivered", "E-mail not delivered"
        EMAIL_RELEASED = "email_released", "Quarantined e-mail released"
        NOTE_ADDED = "note_added", "Internal note added"
        WATCHING_STARTED = "watching_started", "Started watching"
        WATCHING_STOPPED = "watching_stopped", "Stopped watching"
        LINKED = "linked", "Linked to another case"
        LINK_REMOVED = "link_removed", "Link to another case removed"
        RECORDS_ADDED = "records_added", "Records added"
        SEARCH_REQUESTED = "search_requested", "Colleague asked to search for records"
        SEARCH_STATEMENT = "search_statement", "Search statement given"
        SEARCH_CANCELLED = "search_cancelled", "Search request cancelled"
        SEARCH_REMINDED = "search_reminded", "Colleague reminded of a search"
        CONSULTATION_RECORDED = "consultation_recorded", "Consultation recorded"
        CONSULTATION_ADVICE = "consultation_advice", "Consultee's advice recorded"
        RECORD_CONVERTED = "record_converted", "Record converted for review"
        RECORD_QUARANTINED = "record_quarantined", "Record put in quarantine"
        RECORD_REDACTED = "record_redacted", "Redaction marked on a record"
        RECORD_REDACTION_REMOVED = "record_redaction_removed", "Redaction removed from a record"
        RECORD_RESPONSIVENESS = "record_responsiveness", "Record marked in or out of the request"
        MENTIONS_CORRECTED = "mentions_corrected", "Recognised people and places corrected"
        CONSISTENCY_OVERRIDDEN = "consistency_overridden", "Consistency finding overridden"
        RELEASE_BUNDLE_BUILT = "release_bundle_built", "Release bundle built"
        RELEASE_BUNDLE_FAILED = "release_bundle_failed", "Release bundle failed its checks"
        RECORD_CHANGES_ACCEPTED = (
            "record_changes_accepted",
            "Record's tracked changes accepted for review",
        )
        RECORD_CONVERSION_RETRIED = "record_conversion_retried", "Record's conversion retried"

    # The (case, created_at) index in Meta serves a lookup by case.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the system (scheduled jobs, recomputation).",
    )
    verb = models.CharField(max_length=40, choices=Verb.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.verb} at {self.created_at:%Y-%m-%d %H:%M}"
