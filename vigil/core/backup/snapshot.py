"""A consistent copy of the database while the site runs, and what the manifest says of it.

* SQLite: the backup API copies the file in one step (a single read transaction; in WAL mode
  writers go on meanwhile).  The counts, migrations and probes are read from the copy.
* PostgreSQL: a REPEATABLE READ transaction exports its snapshot; ``pg_dump --snapshot``
  dumps exactly that snapshot (custom format) while the same transaction counts the rows.

Either way the manifest describes the very data in the archive, not the live database a
moment later.  Table names come from the models' ``_meta``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from ..services import encrypted_models

SQLITE_NAME = "database/vigil.sqlite3"
POSTGRES_NAME = "database/vigil.pgdump"


class SnapshotError(Exception):
    """The database could not be copied; the message says why in one line."""


@dataclass
class Snapshot:
    vendor: str
    name: str  # its name in the archive
    path: Path
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)
    probes: list[dict[str, Any]] = field(default_factory=list)


def quote(name: str | None) -> str:
    """An identifier quoted the same way for SQLite and PostgreSQL."""
    return '"' + str(name).replace('"', '""') + '"'


def model_tables() -> dict[str, str]:
    """Every table the models own: model label -> table name (many-to-many tables too)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables[meta.label] = meta.db_table
    return tables


@contextlib.contextmanager
def database_snapshot(workdir: Path) -> Iterator[Snapshot]:
    if connection.vendor == "sqlite":
        yield _sqlite_snapshot(workdir)
    elif connection.vendor == "postgresql":
        with _postgres_snapshot(workdir) as snapshot:
            yield snapshot
    else:
        raise SnapshotError(f"backing up a {connection.vendor} database is not supported")


def _sqlite_snapshot(workdir: Path) -> Snapshot:
    path = workdir / SQLITE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=20)
    copy = sqlite3.connect(str(path))
    try:
        source.backup(copy, pages=-1)  # one step: one read transaction, a consistent copy
        snapshot = Snapshot("sqlite", SQLITE_NAME, path)
        describe(snapshot, copy.cursor(), existing={r[0] for r in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")})  # fmt: skip
    finally:
        copy.close()
        source.close()
    return snapshot


def postgres_command(program: str) -> str:
    found = shutil.which(program)
    if not found:
        raise SnapshotError(
            f"{program} is not installed: install PostgreSQL's client programs "
            f"(Debian: apt-get install postgresql-client)"
        )
    return found


def postgres_environment() -> dict[str, str]:
    """libpq's variables for the site's database: its password never on a command line."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": str(db["NAME"]), "PGCONNECT_TIMEOUT": "10"}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    return env


@contextlib.contextmanager
def _postgres_snapshot(workdir: Path) -> Iterator[Snapshot]:
    import psycopg

    path = workdir / POSTGRES_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    pg_dump = postgres_command("pg_dump")
    env = postgres_environment()
    keywords: dict[str, Any] = _libpq_keywords(env)
    with psycopg.connect("", autocommit=False, **keywords) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        if row is None:
            raise SnapshotError("PostgreSQL exported no snapshot")
        dump = subprocess.run(  # noqa: S603
            [pg_dump, "--format=custom", f"--snapshot={row[0]}", "--no-owner",
             "--no-privileges", f"--file={path}"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if dump.returncode:
            reason = (dump.stderr.strip().splitlines() or ["no output"])[-1]
            raise SnapshotError(f"pg_dump failed: {reason}")
        snapshot = Snapshot("postgresql", POSTGRES_NAME, path)
        existing = {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}  # fmt: skip
        describe(snapshot, conn.cursor(), existing=existing)
        conn.rollback()
    yield snapshot


def _libpq_keywords(env: dict[str, str]) -> dict[str, str]:
    names = {"PGDATABASE": "dbname", "PGHOST": "host", "PGPORT": "port", "PGUSER": "user",
             "PGPASSWORD": "password", "PGCONNECT_TIMEOUT": "connect_timeout"}  # fmt: skip
    return {names[k]: v for k, v in env.items() if k in names}


def describe(snapshot: Snapshot, cursor: Any, *, existing: set[str]) -> None:
    """Row counts per model table, the migrations applied and the key probes, all read
    inside the snapshot."""
    for label, table in sorted(model_tables().items()):
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
            snapshot.tables[label] = {"table": table, "rows": int(cursor.fetchone()[0])}
    if "django_migrations" in existing:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            snapshot.migrations.setdefault(app, []).append(name)
    snapshot.probes = key_probes(cursor, existing)


def key_probes(cursor: Any, existing: set[str]) -> list[dict[str, Any]]:
    """The oldest and newest sealed value of each encrypted field, and one row's blind index
    with its sealed source: a restore tries them with the keys it is given before it writes
    anything."""
    probes: list[dict[str, Any]] = []
    for model, encrypted, blind in encrypted_models():
        table, pk = model._meta.db_table, model._meta.pk
        if table not in existing or pk is None:
            continue
        for enc in encrypted:
            column = quote(enc.column)
            for order in ("ASC", "DESC"):
                cursor.execute(
                    f"SELECT {column} FROM {quote(table)} WHERE {column} IS NOT NULL "  # noqa: S608
                    f"AND {column} <> '' ORDER BY {quote(pk.column)} {order} LIMIT 1"
                )
                row = cursor.fetchone()
                if row:
                    probes.append({"kind": "sealed", "field": f"{model._meta.label}.{enc.name}",
                                   "value": row[0]})  # fmt: skip
        for index in blind:
            source: Any = model._meta.get_field(index.source)
            cursor.execute(
                f"SELECT {quote(source.column)}, {quote(index.column)} FROM {quote(table)} "  # noqa: S608
                f"WHERE {quote(index.column)} IS NOT NULL ORDER BY {quote(pk.column)} LIMIT 1"
            )
            row = cursor.fetchone()
            if row and row[0]:
                normaliser = index.normaliser
                probes.append({
                    "kind": "blind_index", "field": f"{model._meta.label}.{index.name}",
                    "value": row[0], "index": row[1], "purpose": index.purpose(),
                    "normaliser": f"{normaliser.__module__}.{normaliser.__qualname__}",
                })  # fmt: skip
    return probes
