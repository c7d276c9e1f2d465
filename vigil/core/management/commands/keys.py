"""Encryption keys: make new ones, and re-encrypt stored data after a key change."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.core.env import print_new_keys


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

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "generate":
            print_new_keys()  # also reachable without settings: see vigil.cli
            return
        from vigil.core.services import rotate_encryption

        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        for label, count in rotate_encryption(batch_size=options["batch_size"]):
            self.stdout.write(f"{label}: {count} rows re-encrypted")
