"""Re-derive every case's stored reporting outcome (after changing FOI_COST_LIMIT_POUNDS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from foi_cases.reporting import outcomes


class Command(BaseCommand):
    help = "Re-derive every case's stored reporting outcome and say how many changed."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = outcomes.refresh_reporting()
        self.stdout.write(f"Updated the reporting outcome of {changed} cases.")
