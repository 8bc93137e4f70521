"""The consistency guard's data: the register of protected people and places, the security
attribute vocabulary, what each question mentions, and the ledger of positions taken."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from foi_cases.models.cases import Case, Question, Requester


class ProtectedPerson(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        STAFF = "staff", "Member's staff"
        FAMILY = "family", "Member's family"
        OFFICIAL = "official", "Official"

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    constituency = models.CharField(max_length=200, blank=True)
    aliases = models.TextField(
        blank=True, help_text="One a line: titles, former names, other spellings."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class ProtectedPlace(models.Model):
    class Kind(models.TextChoices):
        CONSTITUENCY_OFFICE = "constituency_office", "Constituency office"
        OTHER_OFFICE = "other_office", "Other office"
        HOME = "home", "Home"
        SECURE_LOCATION = "secure_location", "Secure location"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    person = models.ForeignKey(
        ProtectedPerson, null=True, blank=True, on_delete=models.CASCADE, related_name="places"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SecurityAttribute(models.Model):
    class Exposes(models.TextChoices):
        LOCATION = "location", "Where someone is (addresses, locations)"
        SECURITY = "security", "How someone is protected (measures, dates, costs)"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    phrases = models.TextField(help_text="Plain-English phrases that mean it, one a line.")
    exposes = models.CharField(max_length=10, choices=Exposes.choices, default=Exposes.SECURITY)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.phrases.splitlines() if line.strip()]


class RegisterChange(models.Model):
    """The audit trail of the register: who added, changed, deleted or imported what."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20)
    entry = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.entry}"


class Mention(models.Model):
    """A person, place or attribute a question mentions, as recognised or as corrected.

    An officer's correction is kept: a removed mention stays (removed=True) so that
    recognising the question again does not bring it back, and an added one is never
    replaced by recognition.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(
        ProtectedPerson, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    place = models.ForeignKey(
        ProtectedPlace, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    attribute = models.ForeignKey(
        SecurityAttribute, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    by_officer = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["person", "created_at"]),
            models.Index(fields=["place", "created_at"]),
        ]

    def __str__(self) -> str:
        return str(self.person or self.place or self.attribute)


class CircumstanceChange(models.Model):
    """A change of circumstances recorded on a question, which lets it disclose what an
    earlier answer withheld."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, related_name="circumstance_change"
    )
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.note[:60]


class Position(models.Model):
    """The answer an approved and sent response gave on one (person or place, attribute)."""

    class Kind(models.TextChoices):
        DISCLOSED = "disclosed", "Disclosed"
        WITHHELD = "withheld", "Withheld"
        NCND = "ncnd", "Neither confirmed nor denied"
        NOT_HELD = "not_held", "Not held"

    # Protected: removing someone from the register must not erase what was said about them.
    person = models.ForeignKey(
        ProtectedPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        ProtectedPlace, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attribute = models.ForeignKey(SecurityAttribute, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=10, choices=Kind.choices)
    sections = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(Requester, on_delete=models.CASCADE, related_name="+")
    on = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["person", "attribute", "-on"], name="position_person"),
            models.Index(fields=["place", "attribute", "-on"], name="position_place"),
            # The class position: the latest NCND on an attribute, whoever it was about.
            models.Index(
                fields=["attribute", "-on"],
                name="position_class_ncnd",
                condition=models.Q(position="ncnd"),
            ),
            models.Index(fields=["case"], name="position_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(place__isnull=False),
                name="position_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.place} {self.attribute}: {self.position}"


class ConsistencyOverride(models.Model):
    """A reviewer's recorded reason to approve despite blocking findings, for one review."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    review_round = models.PositiveIntegerField()
    reason = models.TextField()
    findings = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.case_id} round {self.review_round}"


class MosaicFlag(models.Model):
    """Two cases from different requesters that together locate or expose one person."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    other_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(ProtectedPerson, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "other_case", "person"], name="unique_mosaic_flag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.other_case_id}"
