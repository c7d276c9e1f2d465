"""``vigil backup``: an online, consistent, encrypted backup of the database and the files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from vigil.core.backup.archive import ArchiveError, Progress, new_identity, parse_recipients
from vigil.core.backup.create import backup_to_folder, make_backup, to_prune
from vigil.core.backup.snapshot import SnapshotError
from vigil.startup import fail


class Command(BaseCommand):
    help = (
        "Back up the database, media and private files into one archive encrypted to the "
        "backup recipients' public keys, while the site runs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--to", type=Path, default=settings.VIGIL_BACKUP_DIR or None,
            help="the folder for the archive (VIGIL_BACKUP_DIR); - writes it to standard output",
        )  # fmt: skip
        parser.add_argument(
            "--recipient", action="append", default=[],
            help="an age public key (age1...) to encrypt to; default VIGIL_BACKUP_RECIPIENTS",
        )  # fmt: skip
        parser.add_argument("--keep-daily", type=int, default=settings.VIGIL_BACKUP_KEEP_DAILY)
        parser.add_argument("--keep-monthly", type=int, default=settings.VIGIL_BACKUP_KEEP_MONTHLY)
        parser.add_argument(
            "--new-key", action="store_true",
            help="print a new backup key pair (keep the secret offline) and stop",
        )  # fmt: skip
        parser.add_argument("--progress", action="store_true", help="progress even off a terminal")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            secret, public = new_identity()
            self.stdout.write(f"# Keep this line offline; it opens the backups:\n{secret}\n")
            self.stdout.write(f"# Give the server this one:\nVIGIL_BACKUP_RECIPIENTS={public}")
            return
        target = options["to"]
        if target is None:
            fail("vigil backup needs a folder: --to /path (or VIGIL_BACKUP_DIR), or --to - for "
                 "standard output")  # fmt: skip
        if options["keep_daily"] < 1 or options["keep_monthly"] < 0:
            fail("--keep-daily must be 1 or more and --keep-monthly 0 or more")
        progress = Progress(enabled=True if options["progress"] else None)
        if options["verbosity"] == 0:
            progress.enabled = False
        try:
            recipients = parse_recipients(
                ",".join(options["recipient"]) or settings.VIGIL_BACKUP_RECIPIENTS
            )
            if str(target) == "-":
                made = make_backup(sys.stdout.buffer, recipients, "-", progress)
                sys.stdout.buffer.flush()
                return
            made = backup_to_folder(target, recipients, progress)
        except (ArchiveError, SnapshotError, OSError) as exc:
            fail(f"backup failed: {exc}")
        if options["verbosity"]:
            self.stdout.write(
                f"{target / made.archive}: {made.size / 1e6:,.1f} MB, {made.rows:,} rows, "
                f"{made.files} files, {made.seconds:.1f} s\nsha256 {made.sha256}"
            )
        for old in to_prune(target, daily=options["keep_daily"], monthly=options["keep_monthly"]):
            old.unlink()
            if options["verbosity"]:
                self.stdout.write(f"removed {old.name} (retention)")
