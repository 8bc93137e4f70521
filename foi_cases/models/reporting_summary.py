"""The rows the period reports group: per case, the exemptions it cites and its topics; per
day, the counts of its requests (`DailyReceipts`).

A quarter's exemption and topic counts are one indexed GROUP BY over these rows (each carries
the case's `received_at`), not a join of the quarter's cases to their citations or topics.
`foi_cases.reporting.summary` rewrites a case's rows from the same seam that stores its
reporting outcome (`refresh_reporting`, called with every audit event), in the same
transaction; nothing else writes them.
"""

from __future__ import annotations

from django.db import models


class CaseExemptionSummary(models.Model):
    """One exemption (or refusal ground) a case cites, and on how many of its questions."""

    case = models.ForeignKey("foi_cases.Case", on_delete=models.CASCADE, related_name="+")
    # Unindexed: only the rare removal of a catalogue entry or topic looks rows up by them.
    exemption = models.ForeignKey(
        "exemptions.Exemption", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    received_at = models.DateTimeField()
    questions = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["received_at"],
                include=["exemption", "case", "questions"],
                name="exemption_summary_received",
            )
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} cites exemption {self.exemption_id}"


class CaseTopicSummary(models.Model):
    """One topic of a case, or (topic None) a case filed under none."""

    case = models.ForeignKey("foi_cases.Case", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        "foi_cases.Topic", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    received_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["received_at"], include=["topic", "case"], name="topic_summary_received"
            )
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} under topic {self.topic_id}"


class DailyReceipts(models.Model):
    """How many of one day's requests share one combination of what the period panels count.

    The day (Europe/London) a request was received; its regime and reporting outcome; which
    of Cabinet Office Table 3's answers it is (or, unanswered, its current due date, which
    decides on the day the dashboard is read whether it is overdue); and, if answered, the
    working days it took. `foi_cases.reporting.daily` recomputes a day's rows from its cases
    whenever one of them is refreshed; nothing else writes them.
    """

    received_on = models.DateField()
    regime = models.CharField(max_length=5)
    reporting_outcome = models.CharField(max_length=30)
    within_statutory = models.BooleanField()
    within_extension = models.BooleanField()
    late = models.BooleanField()
    excluded = models.BooleanField()
    unanswered = models.BooleanField()
    open_due = models.DateField(null=True)
    days_taken = models.IntegerField(null=True)
    cases = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "daily receipts"
        indexes = [
            models.Index(
                fields=["received_on"],
                include=[
                    "regime", "reporting_outcome", "within_statutory", "within_extension",
                    "late", "excluded", "unanswered", "open_due", "days_taken", "cases",
                ],
                name="daily_receipts_on",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.cases} received on {self.received_on}"


class DailyTopicReceipts(models.Model):
    """How many of one day's requests of one regime are filed under a topic (None: none)."""

    received_on = models.DateField()
    regime = models.CharField(max_length=5)
    topic = models.ForeignKey(
        "foi_cases.Topic", null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    cases = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "daily topic receipts"
        indexes = [
            models.Index(
                fields=["received_on"],
                include=["regime", "topic", "cases"],
                name="daily_topics_on",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cases} received on {self.received_on} under topic {self.topic_id}"


class DailyExemptionReceipts(models.Model):
    """How many of one day's requests of one regime cite an exemption, on how many questions."""

    received_on = models.DateField()
    regime = models.CharField(max_length=5)
    exemption = models.ForeignKey(
        "exemptions.Exemption", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    cases = models.PositiveIntegerField()
    questions = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "daily exemption receipts"
        indexes = [
            models.Index(
                fields=["received_on"],
                include=["regime", "exemption", "cases", "questions"],
                name="daily_exemptions_on",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cases} received on {self.received_on} citing {self.exemption_id}"
