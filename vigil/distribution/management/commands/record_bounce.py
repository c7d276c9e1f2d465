"""``vigil record_bounce FILE…``: record bounces from delivery status notifications."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.distribution import services


class Command(BaseCommand):
    help = "Record the bounces in DSN files (RFC 3464), or '-' for standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="DSN messages; '-' reads standard input")
        parser.add_argument("--message-id", help="record a bounce for this Message-ID directly")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["message_id"]:
            delivery = services.record_bounce(options["message_id"])
            if delivery is None:
                raise CommandError(f"No bulletin message {options['message_id']}.")
            self.stdout.write(f"bounced: {delivery.group}")
        if not options["files"] and not options["message_id"]:
            raise CommandError("Name a DSN file, '-' or --message-id.")
        for name in options["files"]:
            try:
                raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as error:
                raise CommandError(f"{name}: {error.strerror}") from error
            bounce, recorded = services.record_dsn(raw)
            if not bounce.permanent:
                self.stdout.write(f"{name}: a delay, not a bounce ({bounce.reason})")
            elif not recorded:
                self.stdout.write(f"{name}: no bulletin message found")
            for delivery in recorded:
                self.stdout.write(f"{name}: bounced: {delivery.group} ({bounce.reason})")
