from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Upper
from django.urls import reverse
from django.utils import timezone

from foi_cases import deadlines


class BankHoliday(models.Model):
    """A bank holiday an administrator adds, e.g. a proclamation the bundled feed lacks."""

    class Division(models.TextChoices):
        ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
        SCOTLAND = "scotland", "Scotland"
        NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"

    date = models.DateField()
    division = models.CharField(max_length=20, choices=Division.choices)
    title = models.CharField(max_length=200)
    source = models.CharField(
        max_length=500,
        help_text="Citation, e.g. the Royal Proclamation and where it was published.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "division"], name="unique_bank_holiday"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y} {self.title} ({self.get_division_display()})"


class SuspensionPeriod(models.Model):
    """Days on which the statutory clock does not run, e.g. a House of Commons dissolution."""

    first_day = models.DateField(help_text="The first day excluded, e.g. the dissolution date.")
    last_day = models.DateField(
        help_text="The last day excluded: the day before the new House first meets."
    )
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="suspension_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason}: {self.first_day:%d %b %Y} to {self.last_day:%d %b %Y}"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker host ran the periodic heartbeat task."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


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

    FINISHED_STATUSES = (Status.RESPONDED, Status.CLOSED)
    CLOCK_STOPPED_STATUSES = (Status.AWAITING_CLARIFICATION, Status.AWAITING_FEE)

    reference = models.CharField(max_length=40, unique=True)
    requester = models.ForeignKey(Requester, on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(
        help_text="When the request reached the authority's systems (Europe/London)."
    )
    regime = models.CharField(max_length=5, choices=Regime.choices, default=Regime.FOIA)
    title = models.CharField(max_length=200)
    request_text = models.TextField()
    is_subject_access = models.BooleanField(
        default=False, help_text="A request for the requester's own personal data (UK GDPR)."
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
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

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
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


# --- Letters ----------------------------------------------------------------------------------

DEFAULT_INTERNAL_REVIEW_TEXT = (
    "If you are dissatisfied with the handling of your request, you have the right to ask for "
    "an internal review. Please write to us within 40 working days of the date of this letter, "
    "quoting the reference above and saying why you are dissatisfied. The review will be carried "
    "out by someone who was not involved in the original decision, and we aim to reply within "
    "20 working days."
)


DEFAULT_REUSE_TEXT = (
    "The information we supply in response to requests is normally protected by copyright. "
    "You are free to use it for your own purposes, including private study and non-commercial "
    "research, and for any other purpose allowed by an exception in copyright law, such as news "
    "reporting. Any other re-use, for example commercial publication, needs the permission of "
    "the copyright holder."
)


def default_authority_name() -> str:
    return settings.AUTHORITY_NAME


class LetterSettings(models.Model):
    """Letterhead, signatory and the s17(7) text every letter uses: one row, edited in the admin."""

    class SignedBy(models.TextChoices):
        APPROVER = "approver", "The reviewer who approves the letter"
        ROLE = "role", "The role below (and its holder's name, if given)"

    authority_name = models.CharField(max_length=200, default=default_authority_name)
    name_in_text = models.CharField(
        max_length=200,
        default="the House of Commons",
        help_text='How letters name the authority within a sentence, e.g. "the House of Commons".',
    )
    address = models.TextField(blank=True, help_text="The letterhead address, one line per line.")
    contact_email = models.EmailField(blank=True)
    internal_review_text = models.TextField(
        default=DEFAULT_INTERNAL_REVIEW_TEXT,
        help_text="The internal review (complaints) procedure, or a statement that there is "
        "none (s17(7)(a)).",
    )
    ico_name = models.CharField(max_length=200, default="Information Commissioner's Office")
    ico_address = models.TextField(
        default="Wycliffe House\nWater Lane\nWilmslow\nCheshire\nSK9 5AF"
    )
    ico_email = models.EmailField(blank=True, default="icocasework@ico.org.uk")
    ico_website = models.CharField(
        max_length=200, blank=True, default="ico.org.uk/make-a-complaint"
    )
    ico_telephone = models.CharField(max_length=40, blank=True, default="0303 123 1113")
    signed_by = models.CharField(
        max_length=20,
        choices=SignedBy.choices,
        default=SignedBy.APPROVER,
        help_text="Who signs: the person responsible for the response.",
    )
    signatory_name = models.CharField(
        max_length=200, blank=True, help_text="The role holder's name, when the role signs."
    )
    signatory_title = models.CharField(
        max_length=200, blank=True, default="Freedom of Information Officer"
    )
    reuse_text = models.TextField(
        "re-use (copyright) paragraph",
        blank=True,
        default=DEFAULT_REUSE_TEXT,
        help_text="Printed in responses that disclose information.",
    )
    sic_name = models.CharField(
        "Scottish Information Commissioner",
        max_length=200,
        default="Scottish Information Commissioner",
    )
    sic_address = models.TextField(
        default="Kinburn Castle\nDoubledykes Road\nSt Andrews\nFife\nKY16 9DS"
    )
    sic_email = models.EmailField(blank=True, default="enquiries@itspublicknowledge.info")
    sic_website = models.CharField(
        max_length=200, blank=True, default="www.itspublicknowledge.info/appeal"
    )
    sic_telephone = models.CharField(max_length=40, blank=True, default="01334 464610")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "letter settings"
        verbose_name_plural = "letter settings"

    def __str__(self) -> str:
        return "Letter settings"

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> LetterSettings:
        """The row, first made from the deployment's settings (AUTHORITY_* environment)."""
        row, _ = cls.objects.get_or_create(
            pk=1,
            defaults={
                "authority_name": settings.AUTHORITY_NAME,
                "name_in_text": settings.AUTHORITY_NAME_IN_TEXT,
                "address": "\n".join(settings.AUTHORITY_ADDRESS),
                "contact_email": settings.AUTHORITY_CONTACT_EMAIL,
                "signed_by": settings.FOI_LETTER_SIGNED_BY,
            },
        )
        return row


class Letter(models.Model):
    """One version of one letter to the requester: its editable text, approval and PDF."""

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
        CLARIFICATION = "clarification", "Clarification request (s1(3))"
        FEES_NOTICE = "fees_notice", "Fees notice (s9)"
        PIT_EXTENSION = "pit_extension", "Public interest extension notice (s17(2))"
        FINAL_RESPONSE = "final_response", "Final response"
        INTERNAL_REVIEW = "internal_review", "Internal review outcome"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_MANAGER = "awaiting_manager", "Waiting for a manager's second approval"
        PENDING = "pending", "Approved: PDF being made"
        READY = "ready", "Ready to send"
        FAILED = "failed", "PDF failed"

    class Via(models.TextChoices):
        EMAIL = "email", "E-mail"
        POST = "post", "Post"
        WHATDOTHEYKNOW = "whatdotheyknow", "WhatDoTheyKnow"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    dated = models.DateField(help_text="The date printed on the letter.")
    frame = models.JSONField(
        default=dict,
        help_text="Letterhead, addressee and signatory as they were when the letter was composed.",
    )
    body = models.TextField(help_text="Plain text: blank lines between paragraphs.")
    decisions_hash = models.CharField(
        max_length=64, blank=True, help_text="The approved decisions this letter was composed from."
    )
    composed_from = models.JSONField(
        default=dict,
        blank=True,
        help_text="The case's facts the letter states, as composed: to say what changed since.",
    )
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    composed_at = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reviewer allocated to approve it; empty: whoever takes it from the queue.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last sent for approval (the review queue)."
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comments = models.TextField(blank=True, help_text="What the reviewer asked to redraft.")
    needs_manager_approval = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reviewer's first approval, where a manager's second approval follows.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_hash = models.CharField(max_length=64, blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Why the reviewer approved despite the completeness check."
    )
    overridden_problems = models.JSONField(default=list, blank=True)
    pdf = models.FileField(upload_to="letters/", max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    pdf_size = models.PositiveIntegerField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_via = models.CharField(max_length=20, choices=Via.choices, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["case", "-composed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="unique_letter_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_kind_display()} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("letter_detail", args=[self.case.reference, self.pk])

    @property
    def content_hash(self) -> str:
        """sha256 of exactly what the letter says: the hash a reviewer approves."""
        import hashlib
        import json

        content = {
            "kind": self.kind,
            "dated": self.dated.isoformat() if self.dated else None,
            "frame": self.frame,
            "body": self.body,
        }
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def is_approved(self) -> bool:
        return bool(self.approved_hash) and self.approved_hash == self.content_hash

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def is_editable(self) -> bool:
        return not self.is_sent

    @property
    def waits_for_review(self) -> bool:
        """Sent for approval and neither approved nor returned since."""
        return (
            self.status in (self.Status.DRAFT, self.Status.AWAITING_MANAGER)
            and self.submitted_at is not None
            and self.returned_at is None
        )


# --- Notifications and reminders --------------------------------------------------------------


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


# --- After the response: internal review, ICO, disclosure log, redaction -----------------------


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

    objects = DisclosureLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_on", "-pk"]
        verbose_name_plural = "disclosure log entries"
        indexes = [models.Index(fields=["status", "-disclosed_on"])]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("disclosure_log_entry", args=[self.pk])


class Redaction(models.Model):
    """The redaction log: who removed what (by hash, never the content), when, and why."""

    class Field(models.TextChoices):
        REQUEST_TEXT = "request_text", "Request text"
        RESPONSE_TEXT = "response_text", "Response text"
        BODY = "body", "Letter text"

    entry = models.ForeignKey(
        DisclosureLogEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redactions",
    )
    letter = models.ForeignKey(
        "Letter", null=True, blank=True, on_delete=models.CASCADE, related_name="redactions"
    )
    field = models.CharField(max_length=20, choices=Field.choices)
    content_sha256 = models.CharField(max_length=64)
    length = models.PositiveIntegerField(help_text="Characters in the passage redacted.")
    occurrences = models.PositiveIntegerField(default=1)
    grounds = models.CharField(max_length=100, help_text='As cited, e.g. "s31(1)(a)".')
    naming_reveals = models.BooleanField(
        default=False, help_text="Naming the exemption would itself disclose information."
    )
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=False, letter__isnull=True)
                | models.Q(entry__isnull=True, letter__isnull=False),
                name="redaction_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"Redaction {self.pk} ({self.grounds})"


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
