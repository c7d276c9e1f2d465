"""Writers that queue for SQLite's one write lock instead of sleeping and trying again.

On SQLite one transaction writes at a time.  Another process's ``BEGIN IMMEDIATE`` that
finds the lock taken is refused, and SQLite's busy handler sleeps 1, 2, 5, 10 … 100 ms
before it tries again, however soon the lock is free: under a crowd of signatures the
web workers spent more time asleep than writing.  :func:`queued_write` puts a hot write
transaction behind an exclusive ``flock`` on a file beside the database, so that these
writers wait in the kernel's queue and the next one starts the moment the last one
committed.

Nothing else changes: the transaction is SQLite's own, committed as before, and every other
writer (a task, a page that writes the cache) still meets the queued ones at SQLite's lock
with its busy timeout.  A process that dies holding the file lock loses it with its file
descriptors.  The lock is taken only outside any transaction of the connection (a writer
inside one may already hold SQLite's lock, and must not wait for a queued writer that waits
for it), and only on SQLite: PostgreSQL locks rows, not the database."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.db import connections

from .memo import ProcessMemo

#: The suffix of the lock file, beside the database file (``vigil.sqlite3-writers.lock``).
SUFFIX = "-writers.lock"

#: One open lock file per process and database: ``flock`` locks belong to an open file, so
#: a file opened before a fork would be one lock shared by parent and children.
_files: ProcessMemo[tuple[int, str], IO[bytes]] = ProcessMemo(
    "core.write_queue.files", keeps="the open writers' lock file of each SQLite database", bound=8
)


def lock_path(database: Any) -> Path | None:
    """The lock file of an SQLite database file; None for an in-memory database."""
    name = str(database or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(f"{name}{SUFFIX}")


def _lock_file(path: Path) -> IO[bytes]:
    key = (os.getpid(), str(path))
    file = _files.get(key)
    if file is None or file.closed:
        opener = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        file = _files[key] = os.fdopen(opener, "r+b", buffering=0)
    return file


@contextlib.contextmanager
def queued_write(using: str = "default") -> Iterator[None]:
    """Run the block's write transaction after the other queued writers of this database.

    Open the transaction inside the block: ``with queued_write(): with transaction.atomic():``."""
    connection = connections[using]
    path = lock_path(connection.settings_dict["NAME"]) if connection.vendor == "sqlite" else None
    if path is None or connection.in_atomic_block:
        yield
        return
    file = _lock_file(path)
    fcntl.flock(file.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
