"""Per-case rows the period reports group: the exemptions a case cites and its topics.

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
