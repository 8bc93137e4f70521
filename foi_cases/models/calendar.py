"""The working-day calendar: bank holidays and periods when the clock is suspended."""

from __future__ import annotations

from django.db import models


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
