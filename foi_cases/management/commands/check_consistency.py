"""Print the consistency guard's findings for one case as JSON lines."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from foi_cases.consistency import ledger
from foi_cases.models import Case


class Command(BaseCommand):
    help = (
        "Print one JSON line per consistency finding on a case: question, subject, attribute, "
        "finding (contradiction, mosaic or earlier_position), severity (block, warn or info) "
        "and earlier (reference, question, position)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("reference")

    def handle(self, *args: Any, reference: str, **options: Any) -> None:
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise CommandError(f"No case with the reference {reference}.")
        for line in ledger.as_json(ledger.findings_for_case(case)):
            self.stdout.write(json.dumps(line, ensure_ascii=False))
