"""The index on PostgreSQL: a table of (rank id, tsvector) with a GIN index.

A GIN scan cannot stop early: ``tokens @@ q`` decodes every posting of every token of a common
word and visits the heap row of each match (for its rank id), however small the LIMIT.  So the
documents are read in **blocks** of rank ids (``b<rank id >> BLOCK_SHIFT>``, a token the index
expression adds to each document): ANDed with the tokens of a few blocks, a scan reads only
their part of the postings and heap.  Blocks are read in rank order, one at first, then as
many as the matches found so far say will give the rest, until there are enough.  Block
numbers are not dense (the rank id starts with the static order's classes), so the next
blocks are found in the primary key.

Before a scan of a match with prose tokens, the search counts its :func:`floor` (each word as
written and its prose stem only): a floor with more than COUNTED matches tells the count for
less, and the level is then read by blocks without its probe (see ``ranking.ranked``).

The tokens are cast to ``tsquery`` and ``tsvector`` as they are (no text search parser, so the
database's locale does not matter).  Searches switch off sequential scans (the planner may
pick one that unpacks every row's tsvector) and parallel workers (slower to start than the
reads), for their transaction only.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from ..forms import KEY, PROSE, STEM, STRONG, TAGS
from . import CARDS, TABLE, Match

#: Rank ids per block: the static order's classes and 16-month bands of age (see documents).
BLOCK_SHIFT = 36
#: The indexed expression: the document plus its block's token.
BLOCKED = f"(tokens || array_to_tsvector(ARRAY['b' || (rank_id >> {BLOCK_SHIFT})::text]))"
INDEX = "directory_search_blocked"
CREATE = [
    f"CREATE TABLE {TABLE} (rank_id bigint NOT NULL PRIMARY KEY, tokens tsvector NOT NULL) "
    "WITH (toast_tuple_target = 128)",
    f"CREATE INDEX {INDEX} ON {TABLE} USING gin ({BLOCKED})",
]
#: Most blocks read in one query.
MAX_BATCH = 64


def _lexemes(tokens: Any) -> str:
    return " | ".join(f"'{t}'" for t in sorted(tokens))


def expression(match: Match) -> str:
    """The tsquery: every word by one of its tokens, and every filter token."""
    groups, facets = match
    return " & ".join([*(f"({_lexemes(g)})" for g in groups), *(f"'{t}'" for t in facets)])


@contextlib.contextmanager
def reading() -> Iterator[None]:
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
        yield
        if outer:
            # Back to the server's settings, as the outer transaction goes on after the
            # search (its own transaction's end resets them, a round trip less).
            cursor.execute("RESET enable_seqscan; RESET max_parallel_workers_per_gather")


_NEXT_BLOCKS = f"""
WITH RECURSIVE blocks(block) AS (
  (SELECT rank_id >> {BLOCK_SHIFT} FROM {TABLE} WHERE rank_id >= %s ORDER BY rank_id LIMIT 1)
  UNION ALL
  SELECT (SELECT rank_id >> {BLOCK_SHIFT} FROM {TABLE}
          WHERE rank_id >= ((blocks.block + 1) << {BLOCK_SHIFT}) ORDER BY rank_id LIMIT 1)
  FROM blocks WHERE blocks.block IS NOT NULL
)
SELECT block FROM blocks WHERE block IS NOT NULL LIMIT %s
"""  # noqa: S608


def _next_blocks(cursor: Any, start: int, count: int) -> list[int]:
    """The next ``count`` blocks that hold documents, from rank id ``start`` on."""
    cursor.execute(_NEXT_BLOCKS, [start, count])
    return [int(row[0]) for row in cursor.fetchall()]


def _read(cursor: Any, query: str, blocks: list[int], limit: int) -> list[int]:
    # ``+ 0``: ordered by an expression no index gives, the planner cannot take the primary
    # key's ordered scan for a small LIMIT (it unpacks every row's tsvector until enough match).
    cursor.execute(
        f"SELECT rank_id + 0 FROM {TABLE} WHERE {BLOCKED} @@ %s::tsquery "  # noqa: S608
        "ORDER BY 1 LIMIT %s",
        [f"({query}) & ({_lexemes(f'b{b}' for b in blocks)})", limit],
    )
    return [int(row[0]) for row in cursor.fetchall()]


#: A level is first read without blocks, up to this many matches (or the ``cap`` a search
#: counts to, as many for the same cost): when it has fewer, they are all there is (sorted
#: here); when more, it is read again block by block.
PROBE = 256


def first(
    cursor: Any, match: Match, limit: int, *, cap: int = 0, many: bool = False
) -> tuple[list[int], int | None]:
    """The first ``limit`` matches in rank id order, and how many match when all were read;
    with ``cap``, how many match counted up to ``cap`` (as :func:`count`) in any case.
    ``many``: the match is known to have more than ``cap`` matches (a part of it has).

    The probe is the GIN scan the count would repeat: its cost is decoding every posting of
    the query's tokens, the same for a LIMIT of 256 or of ``cap``, so one scan does both.  A
    match known to be larger than ``cap`` is read by blocks straight away: its probe would
    only say so again, at the cost of the whole scan."""
    query = expression(match)
    if many:
        return _by_blocks(cursor, query, limit), (cap if cap else None)
    probe = max(PROBE, limit + 1, cap)
    cursor.execute(
        f"SELECT rank_id FROM {TABLE} WHERE {BLOCKED} @@ %s::tsquery LIMIT %s",  # noqa: S608
        [query, probe],
    )
    rows = sorted(int(row[0]) for row in cursor.fetchall())
    if len(rows) < probe:
        return rows[:limit], len(rows)
    return _by_blocks(cursor, query, limit), (cap if cap else None)


#: The one-character tags of ``forms.TAGS`` (a prose word as written has none).
_TAGS = frozenset(tag for tag in TAGS.values() if tag)
#: Tags of the tokens a match's floor leaves out: a name's stem (few entries have one the
#: exact form does not) and the keys (many per word, each one more posting list to decode).
_NOT_IN_FLOOR = frozenset({TAGS[STRONG, STEM], TAGS[STRONG, KEY], TAGS[PROSE, KEY]})
#: Tags of the prose's tokens other than its words as written.
_PROSE_TAGS = frozenset({TAGS[PROSE, STEM], TAGS[PROSE, KEY]})


def _tag(token: str) -> str:
    """The tag of a token (see ``forms.TAGS``): "" for a word of the prose as written, a
    number, a phone number or a filter."""
    return token[0] if token[0] in _TAGS and not token.isdigit() else ""


def _prose(token: str) -> bool:
    tag = _tag(token)
    return tag in _PROSE_TAGS or (not tag and (token.isalpha() or token.isdigit()))


def floor(match: Match) -> Match | None:
    """A cheaper part of ``match`` worth counting first, or None.

    A GIN scan costs about the postings it decodes times the tokens it checks each against,
    and a word matched in the prose has many of both: every form and key of the word, each
    in thousands of documents.  Its floor keeps, of each word, the forms as written and the
    prose's stem (one to three tokens): every entry matching the floor matches the whole,
    and a floor with more than COUNTED matches — as any common words have — tells the count
    at a fraction of the cost.  Only for a match with prose tokens: the names' tokens are
    rare, their scans cheap."""
    groups, facets = match
    if not any(_prose(t) for group in groups for t in group):
        return None
    kept = tuple(frozenset(t for t in g if _tag(t) not in _NOT_IN_FLOOR) or g for g in groups)
    return None if kept == groups else (kept, facets)


def _by_blocks(cursor: Any, query: str, limit: int) -> list[int]:
    found: list[int] = []
    start, batch, read = 0, 1, 0
    while len(found) < limit:
        blocks = _next_blocks(cursor, start, batch)
        if not blocks:
            break
        found += _read(cursor, query, blocks, limit - len(found))
        read += len(blocks)
        start = (blocks[-1] + 1) << BLOCK_SHIFT
        # As many more blocks as the density so far says give the rest (half again, for luck),
        # at least twice as many when none matched yet.
        wanted = limit - len(found)
        guess = math.ceil(1.5 * wanted * read / len(found)) if found else 2 * batch
        batch = max(1, min(MAX_BATCH, guess))
    return found


def count(cursor: Any, match: Match, cap: int) -> int:
    cursor.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} "  # noqa: S608
        f"WHERE {BLOCKED} @@ %s::tsquery LIMIT %s) m",
        [expression(match), cap],
    )
    return int(cursor.fetchone()[0])


#: At most this many documents written together is an edit, not a bulk write (see write()).
FEW_DOCUMENTS = 20


def write(cursor: Any, rows: Sequence[tuple[int, int, str, str]], *, new: bool) -> None:
    """Store (organisation id, rank id, tokens, card) rows; ``new``: none of them has a row.

    New documents wait in the GIN index's pending list, which every search reads through in
    full until it is merged: past 4 MB by default, about 470 documents, which doubled the
    search time at 100,000 entries.  Entries edited one at a time merge it past 64 kB instead
    (a few documents); an import or a rebuild leaves it long while it writes (merging often
    made an import 20 % slower) and merges it at its end (:func:`settle`).
    """
    if not new:
        remove(cursor, [row[0] for row in rows])
        if len(rows) <= FEW_DOCUMENTS:
            cursor.execute("SELECT set_config('gin_pending_list_limit', '64', true)")
    # One COPY of the rows into a temporary table, then INSERT ... SELECT: the server builds
    # the tsvectors from the token lists.
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS directory_search_load "
        "(organisation_id bigint, rank_id bigint, tokens text, card text) ON COMMIT DELETE ROWS"
    )
    with cursor.cursor.copy("COPY directory_search_load FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {TABLE} (rank_id, tokens) "  # noqa: S608
        "SELECT rank_id, array_to_tsvector(string_to_array(tokens, ' ')) "
        "FROM directory_search_load"
    )
    cursor.execute(
        f"INSERT INTO {CARDS} (organisation_id, rank_id, card) "  # noqa: S608
        "SELECT organisation_id, rank_id, card FROM directory_search_load"
    )
    cursor.execute("DELETE FROM directory_search_load")


def remove(cursor: Any, organisation_ids: Sequence[int]) -> None:
    ids = list(organisation_ids)
    cursor.execute(
        f"DELETE FROM {TABLE} WHERE rank_id IN "  # noqa: S608
        f"(SELECT rank_id FROM {CARDS} WHERE organisation_id = ANY(%s))",
        [ids],
    )
    cursor.execute(f"DELETE FROM {CARDS} WHERE organisation_id = ANY(%s)", [ids])  # noqa: S608


def rebuild(cursor: Any, build: Callable[[], None]) -> None:
    """Empty the index, ``build()`` writes every document again, then the GIN index is built
    afresh: inserting into it row by row left it half as large again (188 MB against 126 MB
    at 100,000 entries) and searches slower."""
    cursor.execute(f"TRUNCATE {TABLE}, {CARDS}")
    cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    build()
    cursor.execute(CREATE[1])
    settle()


def settle(*, vacuum: bool = False) -> None:
    """After a bulk write (an import): put the index in the shape searches read fastest.

    PostgreSQL keeps new GIN entries in an unsorted pending list (up to 4 MB) that every
    search reads through in full until a vacuum merges it: right after an import of 100,000
    entries that is 468 pages, half a search's time.  The list is merged here, and the
    planner's statistics refreshed.

    ``vacuum`` (outside a transaction): after rows were rewritten rather than added (a large
    region reindexed), VACUUM too, which also merges the list.  Every rewritten row leaves a
    dead one that searches visit until a vacuum clears it: after the NIS was reindexed at
    100,000 entries on a server without autovacuum, the search mix's p95 went from 17 to 26-28
    ms.
    """
    with connection.cursor() as cursor:
        if vacuum and not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {TABLE}, {CARDS}")
            return
        cursor.execute(
            "SELECT gin_clean_pending_list(i) FROM to_regclass(%s) i WHERE i IS NOT NULL", [INDEX]
        )
        cursor.execute(f"ANALYZE {TABLE}, {CARDS}")
