"""Keeping the index in step with the entries: writing, removing and rebuilding documents.

The row of an entry is rebuilt by signals (``signals.py``) whenever the entry or anything it
shows changes; :func:`deferred` batches that during imports, and ``vigil directory_reindex``
(:func:`rebuild_all`) rebuilds everything.  A document's rank id changes with its static order
(an edit may make it more complete), so a rewrite removes the old row and writes a new one.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from . import backends, documents
from .documents import Document, rank_id
from .vocabulary import TERMS, vocabulary


def write_documents(rows: Sequence[tuple[int, Document]], *, new: bool = False) -> None:
    """Store the documents of published entries (see :func:`documents.document_of`) with their
    cards and their names' terms; ``new``: entries just created, with no index rows yet."""
    if not rows:
        return
    backend = backends.current()
    with transaction.atomic(), connection.cursor() as cursor:
        backend.write(
            cursor,
            [
                (pk, rank_id(d.rank_base, pk), d.tokens, json.dumps(d.card, ensure_ascii=False))
                for pk, d in rows
            ],
            new=new,
        )
        # Every term is written, even one this process knows: a rolled-back write leaves a
        # term in this process's memory that never reached the table (and so other processes,
        # and this one after a reload).
        terms = sorted({t for _pk, d in rows for t in d.terms})
        if terms:
            cursor.executemany(
                f"INSERT INTO {TERMS} (term) VALUES (%s) ON CONFLICT DO NOTHING",  # noqa: S608
                [(t,) for t in terms],
            )
    vocabulary.learn(terms)


def remove(pks: Iterable[int]) -> None:
    """Drop organisations from the index."""
    ids = list(pks)
    if ids:
        with connection.cursor() as cursor:
            backends.current().remove(cursor, ids)


def _prefetched(queryset: Any) -> Any:
    return queryset.prefetch_related(
        "offices__channels", "contacts__channels", "regions", "topics", "publications"
    )


def index_organisations(pks: Iterable[int], organisation_model: Any = None) -> None:
    """Rebuild the rows of these organisations now (published ones in, the others out)."""
    if organisation_model is None:
        from ..models import Organisation as organisation_model
    pks = sorted(set(pks))
    documents.read_region_parents(organisation_model)
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        # A transaction per chunk: the worker reindexing a large region runs outside any, and
        # an entry's old row must never be gone without its new one.
        with transaction.atomic():
            orgs = list(_prefetched(organisation_model.objects.filter(pk__in=chunk)))
            published = [o for o in orgs if o.is_published]
            live = {o.pk for o in published}
            remove(pk for pk in chunk if pk not in live)
            write_documents([(o.pk, documents.build_document(o)) for o in published])


def rebuild_all(organisation_model: Any = None, *, batch_size: int = 500) -> int:
    """Empty the index and rebuild it from every published organisation; returns their number.

    One transaction: searches wait for the rebuild (on PostgreSQL the table is locked), rather
    than see it half done.
    """
    if organisation_model is None:
        from ..models import Organisation as organisation_model
    pks = list(
        organisation_model.objects.filter(is_published=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def build() -> None:
        documents.read_region_parents(organisation_model)
        for start in range(0, len(pks), batch_size):
            chunk = pks[start : start + batch_size]
            orgs = _prefetched(organisation_model.objects.filter(pk__in=chunk))
            write_documents([(o.pk, documents.build_document(o)) for o in orgs], new=True)

    with transaction.atomic(), connection.cursor() as cursor:
        backends.current().rebuild(cursor, build)
    vocabulary.invalidate()
    return len(pks)


def settle(*, vacuum: bool = False) -> None:
    """After a bulk write: put the index in the shape searches read fastest (see each
    backend's ``settle``)."""
    backends.current().settle(vacuum=vacuum)


# Signals call reindex(); inside ``deferred()`` the ids are collected and indexed once at the end.
pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "directory_search_pending", default=None
)


def reindex(organisation: Any) -> None:
    """Rebuild the index row of one organisation (an instance or a primary key)."""
    pk = getattr(organisation, "pk", organisation)
    if pk is None:
        return
    collecting = pending.get()
    if collecting is not None:
        collecting.add(int(pk))
    else:
        index_organisations([int(pk)])


@contextlib.contextmanager
def deferred() -> Iterator[set[int]]:
    """Collect reindexing during a bulk write (an import) and do it once, at the end."""
    outer = pending.get()
    if outer is not None:
        yield outer
        return
    collected: set[int] = set()
    token = pending.set(collected)
    try:
        yield collected
    finally:
        pending.reset(token)
    index_organisations(collected)
