"""Import saved e-mail (.eml, or Outlook .msg) that arrived outside the polled mailbox, or
import again what waits in the mailbox's failed folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from foi_cases.mail import mailbox
from foi_cases.mail.inbound import Outcome, import_message, poll
from foi_cases.mail.parsing import msg_to_eml


class Command(BaseCommand):
    help = (
        "Import .eml or .msg files. Prints one JSON line per message: message_id, reference, "
        "action (created, attached, duplicate or rejected), received_at, due and reason."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="*", metavar="FILE")
        parser.add_argument(
            "--from-failed",
            action="store_true",
            help="Import again the messages in the mailbox's failed folder (IMAP_FAILED_FOLDER) "
            "whose import failed, once the cause is fixed; refused mail stays refused.",
        )

    def handle(self, *args: Any, files: list[str], from_failed: bool, **options: Any) -> None:
        if from_failed == bool(files):
            raise CommandError("Give the files to import, or --from-failed (not both).")
        if from_failed:
            if not mailbox.configured():
                raise CommandError("No mailbox is configured (IMAP_HOST is not set).")
            for outcome in poll(from_failed=True):
                self.stdout.write(outcome.as_json())
            return
        missing = [name for name in files if not Path(name).is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        for name in files:
            path = Path(name)
            data = path.read_bytes()
            if path.suffix.lower() == ".msg":
                try:
                    data = msg_to_eml(data)
                except Exception as exc:
                    line = Outcome(
                        message_id="",
                        action="rejected",
                        reason=f"{path.name}: not a readable "
                        f"Outlook message ({type(exc).__name__})",
                    )
                    self.stdout.write(line.as_json())
                    continue
            outcome = import_message(data, source=f"file:{path.name}")
            self.stdout.write(outcome.as_json())
