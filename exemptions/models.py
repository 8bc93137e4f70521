"""The exemption catalogue, decisions per question, public interest tests and their review.

Rows here are written only by `foi_cases.workflow` (except the catalogue and the reasoning
templates, which managers edit in the admin). The letters code reads them through:

* `ExemptionCitation` per question (`question.citations`), each with an optional
  `PublicInterestTest` (`citation.pit`) and its `PublicInterestFactor` rows;
* an optional aggregated `PublicInterestTest` per question (`citation` empty);
* `Review` rows per case (`case.reviews`) recording who approved what hash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from exemptions.validation import citation_is_absolute
from foi_cases.models import Case, Question


class Exemption(models.Model):
    """One exemption, exception or refusal ground in the catalogue, editable by managers."""

    class Kind(models.TextChoices):
        ABSOLUTE = "absolute", "Absolute"
        QUALIFIED = "qualified", "Qualified"
        PROCEDURAL = "procedural", "Procedural ground (Part I)"

    class TestType(models.TextChoices):
        CLASS = "class", "Class"
        PREJUDICE = "prejudice", "Prejudice: would, or would be likely to, prejudice"
        REQUIRED = "required", "Required for the purpose of"
        ENDANGER = "endanger", "Endanger: would, or would be likely to, endanger"
        ADVERSE_EFFECT = "adverse_effect", "Would adversely affect (EIR)"
        PREJUDICE_SUBSTANTIALLY = "prejudice_substantially", "Would prejudice substantially"
        PROCEDURAL = "procedural", "Procedural"

    HARM_TESTS = (
        TestType.PREJUDICE,
        TestType.REQUIRED,
        TestType.ENDANGER,
        TestType.ADVERSE_EFFECT,
        TestType.PREJUDICE_SUBSTANTIALLY,
    )

    regime = models.CharField(max_length=5, choices=Case.Regime.choices)
    code = models.CharField(
        max_length=40, unique=True, help_text='Unique across regimes, e.g. "FOIA-s31".'
    )
    section = models.CharField(max_length=40, help_text='As cited, e.g. "s31" or "reg 12(5)(a)".')
    short_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    test_type = models.CharField(max_length=30, choices=TestType.choices)
    limbs = models.JSONField(
        default=list,
        blank=True,
        help_text='Subsections that can be cited: [{"code": "s31(1)(a)", "label": "…", '
        '"absolute": null, "test_type": null}]. "absolute" overrides the kind and '
        '"test_type" the test for that limb.',
    )
    ncnd_provisions = models.JSONField(
        default=list,
        blank=True,
        help_text="Provisions excluding the duty to confirm or deny, one per limb with its own "
        'status, in the same form as the limbs: [{"code": "s40(5B)(a)(i)", "label": "…", '
        '"absolute": true, "test_type": null}].',
    )
    absolute_for_parliament = models.BooleanField(
        default=False, help_text="Absolute when the authority is a House of Parliament (s36)."
    )
    government_only = models.BooleanField(
        default=False, help_text="Available only to government departments (s35)."
    )
    mp_security_relevant = models.BooleanField(default=False)
    guidance = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in pick lists.")

    class Meta:
        ordering = ["regime", "position", "code"]

    def __str__(self) -> str:
        return f"{self.section} {self.short_name} ({self.regime})"

    @property
    def is_procedural(self) -> bool:
        return self.kind == self.Kind.PROCEDURAL

    @property
    def has_harm_test(self) -> bool:
        return self.test_type in self.HARM_TESTS

    def limb_codes(self) -> list[str]:
        return [limb["code"] for limb in self.limbs]

    def ncnd_limbs(self) -> list[dict[str, Any]]:
        """The NCND limbs as dicts; a bare code (rows before per-limb status) follows the kind."""
        return [
            {"code": limb, "label": "", "absolute": None, "test_type": None}
            if isinstance(limb, str)
            else limb
            for limb in self.ncnd_provisions
        ]

    def ncnd_codes(self) -> list[str]:
        return [limb["code"] for limb in self.ncnd_limbs()]

    def limb_label(self, code: str) -> str:
        for limb in [*self.limbs, *self.ncnd_limbs()]:
            if limb["code"] == code:
                return limb.get("label", "")
        return ""

    def limb_overrides(self, code: str) -> dict[str, Any]:
        """The limb's own "absolute" and "test_type" (None: follow the exemption)."""
        for limb in [*self.limbs, *self.ncnd_limbs()]:
            if limb["code"] == code:
                return {"absolute": limb.get("absolute"), "test_type": limb.get("test_type")}
        return {"absolute": None, "test_type": None}

    def test_types(self, limbs: list[str] | tuple[str, ...] = ()) -> set[str]:
        """The tests the cited limbs are engaged by (the exemption's own when none is cited)."""
        if not limbs:
            return {self.test_type}
        return {self.limb_overrides(code)["test_type"] or self.test_type for code in limbs}

    def is_absolute(self, limbs: list[str] | tuple[str, ...] = ()) -> bool:
        """Whether citing these limbs attracts no public interest test, for this authority.

        A limb's own "absolute" flag wins (s37(1)(a), s40(1)); otherwise s36 is absolute
        for a House of Parliament, and the rest follows the exemption's kind.
        """
        return citation_is_absolute(
            self, limbs, house_of_parliament=settings.FOI_AUTHORITY_IS_HOUSE_OF_PARLIAMENT
        )


class ReasoningTemplate(models.Model):
    """A reusable reasoning paragraph for one exemption and topic; its text is versioned."""

    exemption = models.ForeignKey(
        Exemption, on_delete=models.CASCADE, related_name="reasoning_templates"
    )
    topic_slug = models.SlugField(
        max_length=120, blank=True, help_text="A topic slug, or empty for any topic."
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=40,
        blank=True,
        help_text="What the paragraph is for, e.g. harm, public interest, NCND.",
    )
    target = models.CharField(
        "field it fills",
        max_length=20,
        choices=[
            ("reasoning", "Why the exemption applies"),
            ("pit_summary", "Public interest reasons"),
            ("answer_text", "The answer to the question"),
        ],
        default="reasoning",
        db_default="reasoning",
        help_text="The field of a decision the paragraph is written for.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["exemption__position", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> ReasoningTemplateVersion | None:
        return self.versions.order_by("-number").first()


class ReasoningTemplateVersion(models.Model):
    """One immutable version of a template's text; every edit adds a row."""

    template = models.ForeignKey(
        ReasoningTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(help_text="Placeholders like [[reference]] are filled from the case.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="unique_template_version"),
        ]

    def __str__(self) -> str:
        return f"{self.template.title} v{self.number}"


class ExemptionCitation(models.Model):
    """One exemption (or NCND provision, or procedural ground) applied to one question."""

    class Role(models.TextChoices):
        DISCLOSURE = "disclosure", "Exempt from disclosure"
        NCND = "ncnd", "Neither confirm nor deny"
        PROCEDURAL = "procedural", "Procedural refusal ground"

    class Likelihood(models.TextChoices):
        WOULD = "would", "Would"
        WOULD_BE_LIKELY = "would_be_likely", "Would be likely to"
        REQUIRED = "required", "Required for the purpose of"

    class QualifiedPersonLimb(models.TextChoices):
        COLLECTIVE_RESPONSIBILITY = "s36(2)(a)", "s36(2)(a) collective responsibility"
        FREE_AND_FRANK_ADVICE = "s36(2)(b)(i)", "s36(2)(b)(i) free and frank provision of advice"
        FREE_AND_FRANK_VIEWS = "s36(2)(b)(ii)", "s36(2)(b)(ii) free and frank exchange of views"
        OTHERWISE = "s36(2)(c)", "s36(2)(c) otherwise prejudice the conduct of public affairs"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="citations")
    # The question's case, set once on creation (questions never move between cases): lets the
    # statistics count a period's citations by case without reading every question.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )
    exemption = models.ForeignKey(Exemption, on_delete=models.PROTECT, related_name="citations")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.DISCLOSURE)
    limbs = models.JSONField(
        default=list,
        blank=True,
        help_text='The subsections cited, e.g. ["s31(1)(a)", "s31(1)(b)"], or the NCND '
        'provision, e.g. ["s38(2)"].',
    )
    provision = models.CharField(
        max_length=200, help_text='As the letter cites it, e.g. "s31(1)(a) and (b)".'
    )
    alternative_group = models.CharField(
        max_length=20,
        blank=True,
        help_text="Citations sharing a group are cited in the alternative (s23(1) or s24(1)).",
    )
    likelihood = models.CharField(max_length=20, choices=Likelihood.choices, blank=True)
    harm_interest = models.TextField(blank=True, help_text="What would be prejudiced.")
    harm_mechanism = models.TextField(blank=True, help_text="How disclosure would cause it.")
    harm_evidence = models.TextField(blank=True, help_text="The evidence relied on.")
    evidence_consultation = models.ForeignKey(
        "foi_cases.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cited_by",
        help_text="A consultation on this case whose advice is the harm test's evidence.",
    )
    qp_name = models.CharField("qualified person", max_length=200, blank=True)
    qp_opinion_on = models.DateField(
        "date of the qualified person's opinion", null=True, blank=True
    )
    qp_material = models.TextField("material put to the qualified person", blank=True)
    reasoning = models.TextField(
        blank=True, help_text="Why the exemption applies, for the letter (s17(1)(c))."
    )
    omit_reasons = models.BooleanField(
        default=False,
        help_text="Leave the reasons out of the letter because stating them would itself "
        "disclose exempt information (s17(4)).",
    )
    omit_reasons_justification = models.TextField(blank=True)
    on_emissions = models.BooleanField(
        "information on emissions",
        null=True,
        blank=True,
        help_text="Asked for EIR reg 12(5)(d) to (g), which cannot withhold it (reg 12(9)).",
    )
    template_version = models.ForeignKey(
        ReasoningTemplateVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citations",
    )
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "position", "pk"]
        indexes = [
            # A period's citations by case, read from the index alone (PostgreSQL): the
            # table's rows carry the letter's reasoning and are many times the size.
            models.Index(
                fields=["case"], include=["exemption", "question"], name="citation_by_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question} {self.provision}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.case_id is None:
            self.case_id = self.question.case_id
        super().save(*args, **kwargs)

    @property
    def is_absolute(self) -> bool:
        return self.exemption.is_absolute(self.limbs)

    @property
    def needs_pit(self) -> bool:
        return self.role != self.Role.PROCEDURAL and not self.is_absolute


class PublicInterestTest(models.Model):
    """A public interest test for one citation, or aggregated over a question's citations.

    With `citation` set it belongs to that citation (for an NCND citation it is the test on
    confirming or denying). With `citation` empty it is the question's aggregate test over
    the qualified disclosure citations in `combines`.
    """

    class Conclusion(models.TextChoices):
        MAINTAIN = "maintain", "Maintain the exemption"
        DISCLOSE = "disclose", "Disclose"

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="public_interest_tests"
    )
    citation = models.OneToOneField(
        ExemptionCitation, null=True, blank=True, on_delete=models.CASCADE, related_name="pit"
    )
    combines = models.ManyToManyField(ExemptionCitation, blank=True, related_name="aggregate_tests")
    as_at = models.DateField(help_text="The date the balance is judged at.")
    conclusion = models.CharField(max_length=20, choices=Conclusion.choices)
    summary = models.TextField(help_text="The reasons for the conclusion, for the letter (s17(3)).")
    override_reason = models.TextField(
        blank=True,
        help_text="Why the exemption is maintained although the weights do not favour it.",
    )
    presumption_applied = models.BooleanField(
        "presumption in favour of disclosure applied",
        default=False,
        help_text="EIR reg 12(2): recorded for every EIR test.",
    )
    late_reason = models.TextField(
        blank=True,
        help_text="Why the balance is judged as at a date after the time for compliance.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(citation__isnull=True),
                name="one_aggregate_pit_per_question",
            ),
        ]

    def __str__(self) -> str:
        what = self.citation.provision if self.citation_id else "aggregate"
        return f"PIT {what} for {self.question}"

    @property
    def is_aggregate(self) -> bool:
        return self.citation_id is None

    def weight_for(self, side: str) -> int:
        return sum(f.weight for f in self.factors.all() if f.side == side)


class PublicInterestFactor(models.Model):
    class Side(models.TextChoices):
        DISCLOSURE = "disclosure", "For disclosure"
        MAINTAIN = "maintain", "For maintaining the exemption"

    test = models.ForeignKey(PublicInterestTest, on_delete=models.CASCADE, related_name="factors")
    side = models.CharField(max_length=20, choices=Side.choices)
    text = models.TextField()
    weight = models.PositiveSmallIntegerField(help_text="1 (slight) to 5 (very strong).")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["test", "side", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=5), name="pit_factor_weight_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} ({self.weight}): {self.text[:60]}"


class InternalHeldStatus(models.Model):
    """Whether an NCND question's information is in fact held: need to know, every read audited.

    Kept off `Question` so that nothing rendering a question (letters, lists, hashes) can
    reach it by accident; read it only through `foi_cases.workflow.view_internal_held_status`.
    """

    class Held(models.TextChoices):
        HELD = "held", "Held"
        PARTLY_HELD = "partly_held", "Partly held"
        NOT_HELD = "not_held", "Not held"
        UNKNOWN = "unknown", "Not yet established"

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, related_name="internal_held_status"
    )
    held = models.CharField(max_length=20, choices=Held.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "internal held statuses"

    def __str__(self) -> str:
        return f"Internal held status of {self.question}"


class ReviewQuerySet(models.QuerySet["Review"]):
    def open(self) -> ReviewQuerySet:
        return self.filter(status__in=(Review.Status.PENDING, Review.Status.AWAITING_MANAGER))


class Review(models.Model):
    """One submission of a case's decisions for review, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a reviewer"
        AWAITING_MANAGER = "awaiting_manager", "Waiting for a manager's second approval"
        RETURNED = "returned", "Returned to the officer"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Approval withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_hash = models.CharField(max_length=64)
    submitted_content = models.JSONField(
        default=dict,
        blank=True,
        help_text="The decisions as submitted (unchanged while in review, so also as returned).",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The reviewer allocated; empty: whoever takes it from the review queue.",
    )
    needs_manager_approval = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_approved_at = models.DateTimeField(null=True, blank=True)
    approved_hash = models.CharField(
        max_length=64, blank=True, help_text="sha256 of exactly what was approved."
    )
    note = models.TextField(blank=True, help_text="The reviewer's overall comment.")
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-round"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="unique_review_round"),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["pending", "awaiting_manager"]),
                name="one_open_review_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} review {self.round}: {self.get_status_display()}"

    @property
    def approved_at(self) -> dt.datetime | None:
        """When the approval took effect: the manager's second approval where one was needed."""
        return self.manager_approved_at or self.reviewed_at


class ReviewComment(models.Model):
    """A reviewer's comment returning one decision (or one question's answer) to the officer."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_comments")
    citation = models.ForeignKey(
        ExemptionCitation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_comments",
    )
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "question", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.citation or self.question}"


class ReviewDraftComment(models.Model):
    """A reviewer's comment typed on a question's page, kept until they return or approve."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="draft_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=40, help_text='"question-<pk>" or "citation-<pk>".')
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "author", "field"], name="one_draft_comment_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"Draft comment on {self.field}"
