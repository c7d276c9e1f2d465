"""The index on SQLite: an FTS5 table whose rowid is the rank id.

FTS5 reads a match in rowid order and stops at the LIMIT, so the first documents in the static
order cost the same however common the words are.  ``detail=none``: no positions or columns
are kept, which a match of tokens does not need (the index is about half the size).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import CARDS, TABLE, Match

CREATE = [
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(tokens, "
    "tokenize = 'unicode61 remove_diacritics 0', detail = none)",
]


def expression(match: Match) -> str:
    """The MATCH expression: every word by one of its tokens, and every filter token."""
    groups, facets = match
    parts = ["(" + " OR ".join(f'"{t}"' for t in sorted(group)) + ")" for group in groups]
    return " AND ".join([*parts, *(f'"{t}"' for t in facets)])


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Autocommit: the project's transactions begin IMMEDIATE on SQLite, and a search inside
    one would queue for the write lock behind every writer."""
    yield


def first(
    cursor: Any, match: Match, limit: int, *, cap: int = 0, many: bool = False
) -> tuple[list[int], int | None]:
    """The first ``limit`` matches in rank id order, and how many match when all were read.
    ``cap`` and ``many`` are not used: FTS5 reads in rank id order and stops at the LIMIT
    whatever the number of matches, and counts apart (:func:`count`)."""
    # One row, not a thousand: reading rows into Python costs more than FTS5's work here.
    cursor.execute(
        f"SELECT group_concat(id, ' ') FROM (SELECT rowid AS id FROM {TABLE} "  # noqa: S608
        f"WHERE {TABLE} MATCH %s ORDER BY rowid LIMIT %s)",
        [expression(match), limit],
    )
    ids = [int(rank) for rank in (cursor.fetchone()[0] or "").split()]
    return ids, len(ids) if len(ids) < limit else None


def floor(match: Match) -> Match | None:
    """None: FTS5 counts a match at the cost of its matches, a part of it as dear."""
    return None


def count(cursor: Any, match: Match, cap: int) -> int:
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s)",  # noqa: S608
        [expression(match), cap],
    )
    return int(cursor.fetchone()[0])


def write(cursor: Any, rows: Sequence[tuple[int, int, str, str]], *, new: bool) -> None:
    """Store (organisation id, rank id, tokens, card) rows; ``new``: none of them has a row."""
    if not new:
        remove(cursor, [row[0] for row in rows])
    cursor.executemany(
        f"INSERT INTO {TABLE} (rowid, tokens) VALUES (%s, %s)",  # noqa: S608
        [(rank, tokens) for _pk, rank, tokens, _card in rows],
    )
    cursor.executemany(
        f"INSERT INTO {CARDS} (organisation_id, rank_id, card) VALUES (%s, %s, %s)",  # noqa: S608
        [(pk, rank, card) for pk, rank, _tokens, card in rows],
    )


def remove(cursor: Any, organisation_ids: Sequence[int]) -> None:
    for start in range(0, len(organisation_ids), 500):
        chunk = list(organisation_ids[start : start + 500])
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE rowid IN "  # noqa: S608
            f"(SELECT rank_id FROM {CARDS} WHERE organisation_id IN ({marks}))",
            chunk,
        )
        cursor.execute(f"DELETE FROM {CARDS} WHERE organisation_id IN ({marks})", chunk)  # noqa: S608


def rebuild(cursor: Any, build: Callable[[], None]) -> None:
    """Empty the index, then ``build()`` writes every document again."""
    cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
    cursor.execute(f"DELETE FROM {CARDS}")  # noqa: S608
    build()


def settle(*, vacuum: bool = False) -> None:
    """Nothing to do: FTS5 merges its segments as it writes, and its ``optimize`` rewrites the
    whole index (17.5 s at 100,000 entries, even after a one-entry import)."""
