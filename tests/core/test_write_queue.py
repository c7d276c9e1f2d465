"""The SQLite writers' queue: a file lock around a write transaction, and only where it is safe."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection, transaction

from vigil.core import write_queue
from vigil.core.write_queue import lock_path, queued_write


def _taken(path: Path) -> bool:
    """True when another open file (as another process has) cannot lock ``path`` now."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The connection's database named as a file, so that it has a lock file."""
    if connection.vendor != "sqlite":
        pytest.skip("the queue is for SQLite")
    name = tmp_path / "vigil.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(name))
    return name


def test_the_lock_file_sits_beside_a_database_file() -> None:
    assert lock_path("/data/vigil.sqlite3") == Path("/data/vigil.sqlite3-writers.lock")
    assert lock_path(Path("/data/vigil.sqlite3")) == Path("/data/vigil.sqlite3-writers.lock")
    for in_memory in ("", ":memory:", "file:memorydb_default?mode=memory&cache=shared", None):
        assert lock_path(in_memory) is None


@pytest.mark.django_db(transaction=True)
def test_a_queued_write_holds_the_lock_for_its_block_alone(database_file: Path) -> None:
    lock = lock_path(database_file)
    assert lock is not None
    with queued_write():
        assert _taken(lock)
        assert lock.stat().st_mode & 0o777 == 0o600
    assert not _taken(lock)
    with pytest.raises(RuntimeError), queued_write():  # released when the block fails too
        raise RuntimeError
    assert not _taken(lock)


@pytest.mark.django_db(transaction=True)
def test_inside_an_open_transaction_nothing_waits_for_the_queue(database_file: Path) -> None:
    """Such a writer may already hold SQLite's lock: waiting for a queued writer that waits
    for SQLite's lock would only end with the busy timeout."""
    lock = lock_path(database_file)
    assert lock is not None
    with transaction.atomic(), queued_write():
        assert not _taken(lock)


@pytest.mark.django_db(transaction=True)
def test_each_process_opens_its_own_lock_file(database_file: Path) -> None:
    """A lock file opened before a fork would be one lock for parent and children."""
    with queued_write():
        pass
    opened = {key for key in write_queue._files if key[1].endswith(write_queue.SUFFIX)}
    assert opened and all(pid == os.getpid() for pid, _ in opened)
    with mock.patch.object(write_queue.os, "getpid", return_value=os.getpid() + 1), queued_write():
        pass
    assert len({key for key in write_queue._files if key[1].endswith(write_queue.SUFFIX)}) == 2
