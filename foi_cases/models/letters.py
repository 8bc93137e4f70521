"""Response letters, the letterhead settings they use, and the redactions applied to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from foi_cases.models import default_authority_name
from foi_cases.models.after_response import DisclosureLogEntry
from foi_cases.models.cases import Case

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


DEFAULT_ACKNOWLEDGEMENT_EMAIL = """Dear {name},

Thank you for your request, which we received on {received}. Its reference is {reference}; \
please keep it in the subject line if you write to us about it.

We will respond promptly and by {due} at the latest. That is the twentieth working day after \
the day we received your request, as the law requires (weekends and bank holidays do not \
count). If we need to ask you what you are looking for, or to charge a fee, the time stops \
until you reply, and we will tell you the new date.

{authority}
{mailbox}
"""


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
    acknowledgement_email = models.TextField(
        default=DEFAULT_ACKNOWLEDGEMENT_EMAIL,
        help_text="Sent when a request arrives by e-mail, if FOI_MAIL_ACKNOWLEDGE is on. "
        "Placeholders: {name}, {reference}, {title}, {received}, {due}, {authority}, {mailbox}.",
    )
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
