"""``vigil backup``: snapshot, manifest, encrypted archive, record, retention."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from ..models import BackupRecord
from .archive import PREFIX, SUFFIX, Member, Progress, archive_name, members_of, write_archive
from .snapshot import database_snapshot

#: The folders of VIGIL_DATA_DIR a backup carries: uploaded media and private files (scans,
#: documents under embargo).  static/ is rebuilt by collectstatic; mail/ is development's.
FILE_FOLDERS = ("media", "private")


def vigil_version() -> str:
    try:
        return version("vigil")
    except PackageNotFoundError:
        return "0"


@dataclass
class Made:
    archive: str
    size: int
    sha256: str
    rows: int
    files: int
    seconds: float


class _Digesting:
    """The output stream, hashed and counted as it is written."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.size, self.digest = raw, 0, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.digest.update(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()


def make_backup(out: IO[bytes], recipients: list[Any], name: str, progress: Progress) -> Made:
    """Write one encrypted backup to ``out`` and record it.  The database snapshot waits in a
    private folder of the data folder (same disk, same protection as the database) until it
    is in the archive, then goes."""
    started = time.monotonic()
    data_dir = Path(settings.DATA_DIR)
    workdir = Path(tempfile.mkdtemp(prefix=".backup-", dir=data_dir))
    try:
        progress.say("backup: copying the database", final=True)
        with database_snapshot(workdir) as snapshot:
            members = [Member(snapshot.name, snapshot.path)]
            for folder in FILE_FOLDERS:
                members += members_of(data_dir / folder, f"files/{folder}")
            manifest = {
                "vigil_version": vigil_version(),
                "created_at": timezone.now().isoformat(),
                "database": snapshot.vendor,
                "database_file": snapshot.name,
                "migrations": snapshot.migrations,
                "tables": snapshot.tables,
                "key_probes": snapshot.probes,
                "encryption_key_ids": sorted(_key_ids()),
            }
            sink = _Digesting(out)
            write_archive(sink, recipients, manifest, members, progress)  # type: ignore[arg-type]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows = sum(t["rows"] for t in snapshot.tables.values())
    sha = sink.digest.hexdigest()
    BackupRecord.objects.create(
        finished_at=timezone.now(), archive=name, size=sink.size, sha256=sha,
        database=snapshot.vendor, rows=rows,
    )  # fmt: skip
    files = len(members) - 1
    return Made(name, sink.size, sha, rows, files, time.monotonic() - started)


def _key_ids() -> set[str]:
    from ..crypto import keyring

    return set(keyring().keys)


def backup_to_folder(folder: Path, recipients: list[Any], progress: Progress) -> Made:
    """Into ``folder`` under a dated name, written to a hidden name first and renamed when
    complete: a half-written archive never looks like a backup."""
    folder.mkdir(parents=True, exist_ok=True)
    name = archive_name(time.gmtime())
    partial = folder / f".{name}.partial"
    try:
        with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            made = make_backup(out, recipients, name, progress)
        partial.rename(folder / name)
    finally:
        partial.unlink(missing_ok=True)
    return made


def backup_time(path: Path) -> dt.datetime | None:
    stem = path.name.removeprefix(PREFIX).removesuffix(SUFFIX)
    try:
        return dt.datetime.strptime(stem, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def to_prune(folder: Path, *, daily: int, monthly: int) -> list[Path]:
    """The archives retention removes: it keeps the newest archive of each of the ``daily``
    most recent days that have one, and of each of the ``monthly`` most recent months."""
    dated = sorted(
        ((when, path) for path in folder.glob(f"{PREFIX}*{SUFFIX}")
         if (when := backup_time(path)) is not None),
        reverse=True,
    )  # fmt: skip
    keep: set[Path] = set()
    for width, count in ((10, daily), (7, monthly)):  # "YYYY-MM-DD", "YYYY-MM"
        periods: set[str] = set()
        for when, path in dated:
            period = when.isoformat()[:width]
            if period not in periods and len(periods) < count:
                periods.add(period)
                keep.add(path)
    return [path for _, path in dated if path not in keep]


def last_backup() -> BackupRecord | None:
    return BackupRecord.objects.order_by("-finished_at").first()


def stale_backup_warning(now: dt.datetime | None = None) -> str | None:
    """The start-up warning when the last backup is older than VIGIL_BACKUP_WARN_DAYS."""
    days = int(settings.VIGIL_BACKUP_WARN_DAYS)
    if days <= 0:
        return None
    from django.db import DatabaseError

    try:
        last = last_backup()
    except DatabaseError:  # not migrated yet: nothing to say about backups
        return None
    now = now or timezone.now()
    if last is None:
        return (
            f"no backup has been made of this database: run `vigil backup` "
            f"(this warning comes after {days} days, VIGIL_BACKUP_WARN_DAYS)"
        )
    age = now - last.finished_at
    if age <= dt.timedelta(days=days):
        return None
    return (
        f"the last backup finished {age.days} days ago ({last.finished_at:%Y-%m-%d %H:%M} UTC), "
        f"more than VIGIL_BACKUP_WARN_DAYS={days}: check the backup timer and run `vigil backup`"
    )
