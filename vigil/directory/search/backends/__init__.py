"""The two databases the index lives in, behind one set of functions.

Each backend module (``sqlite``: an FTS5 table; ``postgresql``: a tsvector column with a GIN
index) stores the same documents under the same rank ids, and provides:

* ``reading()``: the context a search reads in;
* ``first(cursor, match, limit, cap=0)``: the rank ids of the first ``limit`` documents
  matching, in rank id order (the static order, see :mod:`..documents`), and how many match
  if it read them all, or counted up to ``cap`` if it counted them anyway (else None);
* ``count(cursor, match, cap)``: how many match, counted up to ``cap``;
* ``write(cursor, rows, new)``, ``remove(cursor, rank_ids)``, ``rebuild(cursor, build)`` and
  ``settle(vacuum)`` for the index's upkeep.

A ``match`` is one token set per query word (any of whose tokens the document must have) and
the filter tokens (every one of which it must have); each backend writes it in its own syntax.
"""

from __future__ import annotations

from types import ModuleType

from django.db import connection

TABLE = "directory_search"
CARDS = "directory_search_card"

Match = tuple[tuple[frozenset[str], ...], tuple[str, ...]]


def current() -> ModuleType:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        from . import postgresql

        return postgresql
    from . import sqlite

    return sqlite
