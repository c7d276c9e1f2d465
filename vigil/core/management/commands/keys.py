"""Encryption keys: make new ones, re-encrypt after a change, print them and type them back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.core import keysheet
from vigil.core.env import print_new_keys


def import_sheet(source: str, *, check: bool) -> None:
    """Read a typed-back key sheet; one line naming the typo, or the keys for the environment."""
    text = sys.stdin.read() if source == "-" else Path(source).read_text()
    try:
        keys = keysheet.parse(text)
    except keysheet.SheetError as exc:
        print(f"vigil: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    for key in keys:
        print(f"# {key.section}: fingerprint {keysheet.fingerprint(key.raw)}, every line checks")
    if not check:
        print("\n".join(keysheet.environment_lines(keys)))


class Command(BaseCommand):
    help = "Generate keys, or re-encrypt people's data with the first key (rotation)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="print a fresh set of keys for the environment")
        rotate = sub.add_parser(
            "rotate",
            help="re-encrypt every encrypted field with the first key of VIGIL_ENCRYPTION_KEYS "
            "and recompute blind indexes with VIGIL_BLIND_INDEX_KEY",
        )
        rotate.add_argument("--batch-size", type=int, default=500)
        sub.add_parser(
            "export",
            help="print the encryption and blind-index keys as a sheet to print or keep offline",
        )
        imported = sub.add_parser(
            "import",
            help="read a key sheet typed back (a file, or standard input), check every line "
            "and print the environment lines",
        )
        imported.add_argument("sheet", nargs="?", default="-")
        imported.add_argument("--check", action="store_true", help="check only; print no key")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "generate":
            print_new_keys()  # also reachable without settings: see vigil.cli
            return
        if action == "import":
            import_sheet(options["sheet"], check=options["check"])  # also without settings
            return
        if action == "export":
            from django.conf import settings
            from django.utils import timezone

            keys = keysheet.keys_of(settings.VIGIL_ENCRYPTION_KEYS, settings.VIGIL_BLIND_INDEX_KEY)
            self.stdout.write(
                keysheet.render(keys, site=settings.VIGIL_BASE_URL, now=timezone.now())
            )
            return
        from vigil.core.services import rotate_encryption

        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        for label, count in rotate_encryption(batch_size=options["batch_size"]):
            self.stdout.write(f"{label}: {count} rows re-encrypted")
