"""``vigil restore ARCHIVE``: into an empty data folder or database, checked before it writes.

Refused, with one line each, before anything is written:

* the target is not empty (a database with tables, files in ``media/`` or ``private/``);
* the archive is of the other database kind;
* the archive is newer than this code (migrations it does not know, a higher version);
* the keys in the environment cannot open the data (each sealed field's oldest and newest
  value, and a blind index, recorded in the manifest from the archived rows).

Then the database and the files are put in place, the row counts are checked against the
manifest, and ``migrate`` brings the schema up to this code.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.utils.module_loading import import_string

from ..crypto import DecryptionError, blind_index, keyring
from .archive import Progress, read_archive
from .create import FILE_FOLDERS, vigil_version
from .snapshot import postgres_command, postgres_environment, quote


class RestoreRefused(Exception):
    """The restore will not go ahead; the message is one line saying why."""


@dataclass
class Restored:
    tables: int
    rows: int
    files: int
    version: str
    created_at: str


def restore(source: IO[bytes], identities: list[Any], progress: Progress) -> Restored:
    data_dir = Path(settings.DATA_DIR)
    check_target_empty(data_dir)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        manifest = read_archive(source, identities, staging, progress, before_files=check_manifest)
        put_database(staging / manifest["database_file"], manifest["database"])
        try:
            rows = check_counts(manifest)
        except RestoreRefused:
            take_back_sqlite()  # the target was empty: leave it so
            raise
        files = put_files(staging, data_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress.say("restore: migrating", final=True)
    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "sqlite":
        call_command("createcachetable", verbosity=0)
    return Restored(len(manifest["tables"]), rows, files, manifest["vigil_version"],
                    manifest["created_at"])  # fmt: skip


# --- the checks --------------------------------------------------------------------------------
def check_target_empty(data_dir: Path) -> None:
    tables = existing_tables()
    if tables:
        where = describe_target()
        raise RestoreRefused(
            f"the {where} is not empty ({len(tables)} tables): restore only into an empty "
            f"database; point VIGIL_DATABASE_URL or VIGIL_DATA_DIR at a new one"
        )
    for folder in FILE_FOLDERS:
        path = data_dir / folder
        if path.is_dir() and any(p.is_file() for p in path.rglob("*")):
            raise RestoreRefused(
                f"{path} already holds files: restore only into an empty data folder"
            )


def describe_target() -> str:
    from ..env import describe_database

    return describe_database(settings.DATABASES["default"])


def existing_tables() -> list[str]:
    """The target's tables, without creating an SQLite file that is not there."""
    if connection.vendor == "sqlite":
        path = Path(settings.DATABASES["default"]["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            return []
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return [r[0] for r in rows]
    try:
        return list(connection.introspection.table_names())
    except DatabaseError as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise RestoreRefused(f"cannot reach the {describe_target()}: {reason}") from None


def check_manifest(manifest: dict[str, Any]) -> None:
    """Everything the manifest alone can refuse, before the archive is unpacked."""
    if manifest["database"] != connection.vendor:
        raise RestoreRefused(
            f"this is a backup of a {manifest['database']} database and the target is "
            f"{connection.vendor}: restore it into the same kind (set VIGIL_DATABASE_URL)"
        )
    newer = unknown_migrations(manifest["migrations"])
    if newer or _version_tuple(manifest["vigil_version"]) > _version_tuple(vigil_version()):
        detail = f" (migrations {', '.join(newer[:3])}{'…' if len(newer) > 3 else ''})"
        raise RestoreRefused(
            f"the archive is newer than this code: it was made by Vigil "
            f"{manifest['vigil_version']}{detail if newer else ''}, this is "
            f"{vigil_version()}; restore it with that version or a newer one"
        )
    problems = unreadable(manifest["key_probes"])
    if problems:
        raise RestoreRefused(
            f"the keys in the environment cannot open the archived data ({problems[0]}): set "
            f"VIGIL_ENCRYPTION_KEYS and VIGIL_BLIND_INDEX_KEY to the keys of the backed-up "
            f"site (vigil keys import reads a printed key sheet)"
        )


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Migrations the archive's database had applied and this code does not have, for the
    apps this code has (an app renamed since leaves its old label, which migrate handles)."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    labels = {label for label, _ in known}
    return [
        f"{app}.{name}"
        for app, names in sorted(applied.items())
        if app in labels
        for name in names
        if (app, name) not in known
    ]


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for part in text.split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def unreadable(probes: list[dict[str, Any]]) -> list[str]:
    """What the current keys fail to open among the archived values; empty when all open."""
    problems = []
    ring = keyring()
    for probe in probes:
        try:
            plain = (
                ring.decrypt(probe["value"]) if probe["value"].startswith("v1:") else probe["value"]
            )
        except DecryptionError as exc:
            problems.append(f"{probe['field']}: {exc}")
            continue
        if probe["kind"] == "blind_index":
            try:
                normalised = import_string(probe["normaliser"])(plain)
            except ImportError:
                continue  # a normaliser this code no longer has: nothing to compare with
            if blind_index(normalised, purpose=probe["purpose"]) != probe["index"]:
                problems.append(f"{probe['field']}: VIGIL_BLIND_INDEX_KEY is not the one used")
    return problems


# --- putting things in place -------------------------------------------------------------------
def put_database(staged: Path, vendor: str) -> None:
    connection.close()
    if vendor == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):  # an empty file the settings' check created
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.move(staged, target)
        return
    command = [postgres_command("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={settings.DATABASES['default']['NAME']}",
               str(staged)]  # fmt: skip
    result = subprocess.run(  # noqa: S603
        command, env=postgres_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RestoreRefused(f"pg_restore failed, nothing was restored: {reason}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def take_back_sqlite() -> None:
    """Remove an SQLite file this restore put in place (PostgreSQL's restore is one
    transaction; what it committed stays, and the message says the archive is damaged)."""
    if connection.vendor == "sqlite":
        connection.close()
        target = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def check_counts(manifest: dict[str, Any]) -> int:
    """Each table holds the rows the manifest counted at backup time."""
    total = 0
    with connection.cursor() as cursor:
        for label, table in sorted(manifest["tables"].items()):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table['table'])}")  # noqa: S608
            rows = int(cursor.fetchone()[0])
            if rows != table["rows"]:
                raise RestoreRefused(
                    f"{label} holds {rows} rows after the restore, the manifest says "
                    f"{table['rows']}: the archive is damaged"
                )
            total += rows
    return total


def put_files(staging: Path, data_dir: Path) -> int:
    moved = 0
    for folder in FILE_FOLDERS:
        source = staging / "files" / folder
        if not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = data_dir / folder / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, target)
                moved += 1
    return moved
