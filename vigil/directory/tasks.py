"""Background work of the directory: reindexing what a renamed or moved region or topic shows.

A region high in the tree (Russia, the whole NIS) holds most of the directory: reindexing its
entries inside the request that renamed it takes minutes at 100,000 entries (5.5 on
PostgreSQL), longer than gunicorn gives a request (30 s), which would fail the rename with it.
Above ``signals.REINDEX_IN_REQUEST`` entries the work is queued for the worker instead, once
the rename is committed.
"""

from __future__ import annotations

from django.tasks import task

from . import search, selectors


@task()
def reindex_label(*, kind: str, pk: int) -> int:
    """Reindex the entries that show a region's or topic's name (for a region, with those of
    every region under it); returns how many.  The entries are found when the task runs, so a
    region moved again since is reindexed where it is now."""
    organisations = selectors.organisations_showing(kind, pk)
    search.index_organisations(organisations)
    search.settle(vacuum=True)
    return len(organisations)
