"""Reading a handbook file for an import: parsed and prepared
(:func:`.import_batches.prepare`) here, or, for a large file, by forked worker processes while
this one writes; and handing the memory of each batch back to the system."""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import functools
import itertools
import multiprocessing
import os
import threading
from collections.abc import Iterator
from typing import Any

from . import import_batches
from .import_batches import Prepared, prepare, regions_by_slug
from .importer import EntryError, HandbookFile
from .models import Region

#: Files at least this large are parsed (and their search documents built) by worker
#: processes while this one writes to the database; smaller ones are read in this process.
PARALLEL_BYTES = 256 * 1024
#: Entries handed to a worker at a time.
WORKER_CHUNK = 50
#: Most worker processes (the machine's processors, up to this).
MAX_WORKERS = 4

#: What the workers of the running import read: (file, regions by slug, build documents).  Set
#: before the processes are forked, so they inherit it and never touch the database.
_job: tuple[HandbookFile, dict[str, Region], bool] | None = None


def worker_count(source: HandbookFile) -> int:
    """Worker processes for this file: none (read here) for a small file, on one processor, or
    when this process runs other threads (forking them is unsafe)."""
    try:
        size = source.path.stat().st_size
    except OSError:
        return 0
    processors = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if size < PARALLEL_BYTES or processors < 2 or threading.active_count() > 1:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(processors, MAX_WORKERS)


def read_prepared(
    source: HandbookFile, *, dry_run: bool = False, workers: int | None = None
) -> Iterator[Prepared | EntryError]:
    """The entries of a file, parsed and prepared (:func:`prepare`), with its read errors, in
    file order.  With workers, chunks of entries go to a pool of forked processes, a bounded
    number in flight (memory stays flat), the results come back in order."""
    from . import search  # here: search imports the models, and signals import search

    global _job
    regions = regions_by_slug()
    search.load_places()  # the region names documents use, read before forking
    workers = worker_count(source) if workers is None else workers
    if workers < 2:
        for item in source.raw_entries():
            yield _prepare_raw(source, item, regions, not dry_run)
        return
    in_flight = import_batches.IMPORT_BATCH // WORKER_CHUNK + 2 * workers
    _job = (source, regions, not dry_run)
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: collections.deque[Any] = collections.deque()
        for chunk in itertools.batched(source.raw_entries(), WORKER_CHUNK):
            pending.append(pool.apply_async(_prepare_chunk, (chunk,)))
            if len(pending) >= in_flight:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
    finally:
        _job = None
        pool.terminate()
        pool.join()


#: Give freed memory back to the system after every batch of an import (see release_memory).
TRIM_MEMORY = True


@functools.cache
def _malloc_trim() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``).

    Each batch of an import frees megabytes of pickled results, row tuples and SQL buffers
    that the C allocator otherwise keeps, scattered between live blocks, so the resident
    memory of a long import grows although the live data does not."""
    trim = _malloc_trim() if TRIM_MEMORY else None
    if trim is not None:
        trim(0)


def _prepare_raw(
    source: HandbookFile,
    item: list[tuple[int, str]] | EntryError,
    regions: dict[str, Region],
    with_document: bool,
) -> Prepared | EntryError:
    if isinstance(item, EntryError):
        return item
    parsed = source.parse(item)
    if isinstance(parsed, EntryError):
        return parsed
    return prepare(parsed, regions, with_document=with_document)


def _prepare_chunk(chunk: tuple[list[tuple[int, str]] | EntryError, ...]) -> list[Any]:
    """In a worker process: no database, only the file's text and the job's regions."""
    assert _job is not None  # noqa: S101 -- set by read_prepared before the fork
    source, regions, with_document = _job
    prepared = [_prepare_raw(source, item, regions, with_document) for item in chunk]
    for item in prepared:
        if isinstance(item, Prepared):
            # Where each line went is for tests and the editor, not for writing: it is half the
            # cost of passing an entry back (its keys are all distinct strings).
            item.parsed.trace = {}
    return prepared
