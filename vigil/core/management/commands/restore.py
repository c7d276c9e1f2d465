"""``vigil restore ARCHIVE``: a backup into an empty data folder or database, then migrate."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from vigil.core.backup.archive import ArchiveError, Progress, read_identities
from vigil.core.backup.restore import RestoreRefused, restore
from vigil.core.backup.snapshot import SnapshotError
from vigil.startup import fail


class Command(BaseCommand):
    help = (
        "Restore a backup made by `vigil backup` into an empty data folder or database, after "
        "checking it against the code and the keys; then migrate."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", help="the .tar.age file, or - for standard input")
        parser.add_argument(
            "--identity", "-i", type=Path, required=True,
            help="the file with the backup's secret key (AGE-SECRET-KEY-1...)",
        )  # fmt: skip
        parser.add_argument("--progress", action="store_true", help="progress even off a terminal")

    def handle(self, *args: Any, archive: str, identity: Path, **options: Any) -> None:
        progress = Progress(enabled=True if options["progress"] else None)
        try:
            identities = read_identities(identity)
            if archive == "-":
                report = restore(sys.stdin.buffer, identities, progress)
            else:
                with open(archive, "rb") as source:
                    report = restore(source, identities, progress)
        except FileNotFoundError:
            fail(f"restore refused: there is no file {archive}")
        except (RestoreRefused, ArchiveError, SnapshotError) as exc:
            fail(f"restore refused: {exc}")
        self.stdout.write(
            f"Restored the backup of {report.created_at} (Vigil {report.version}): "
            f"{report.tables} tables, {report.rows:,} rows, {report.files} files; migrated."
        )
