"""Reading the index in rank id order, whatever blocks the matches are in, and its upkeep.

PostgreSQL reads a level first without blocks (all of it when it is small) and else block by
block; SQLite in rowid order.  Both must give the first matches in rank id order.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vigil.directory import search
from vigil.directory.search import backends, documents, ranking
from vigil.directory.search.backends import postgresql

pytestmark = pytest.mark.django_db

#: Rank bases of four classes of the static order, far apart in rank ids (several blocks).
BASES = [documents.rank_base(n, c, 100) for n, c in ((0, 0), (1, 2), (2, 1), (3, 3))]


def index(rows: dict[int, tuple[int, str]]) -> None:
    """Index rows written directly: organisation id → (rank base, prose words)."""
    search.write_documents(
        [
            (pk, search.Document(tokens=" ".join(search.words(text)), rank_base=base))
            for pk, (base, text) in rows.items()
        ]
    )


def ids(text: str, **kwargs: Any) -> tuple[list[int], int]:
    return search.matching_ids(search.parse(text, typos=False), **kwargs)


def test_matches_come_in_static_order_across_blocks(monkeypatch: Any) -> None:
    index(
        {
            7: (BASES[3], "common alpha"),
            8: (BASES[0], "common"),
            3: (BASES[1], "common beta"),
            4: (BASES[1], "common"),
            9: (BASES[2], "common rare"),
        }
    )
    assert ids("common", limit=None) == ([8, 3, 4, 9, 7], 5)
    assert ids("common", limit=2, offset=1) == ([3, 4], 5)
    assert ids("rare") == ([9], 1)
    assert ids("beta common") == ([3], 1)
    assert ids("nowhere") == ([], 0)
    # Past the counted matches: the first counted ones, and one more to tell there are more.
    monkeypatch.setattr(ranking, "COUNTED", 3)
    assert ids("common", limit=None) == ([8, 3, 4], 4)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's blocks")
def test_a_large_level_is_read_block_by_block(monkeypatch: Any) -> None:
    monkeypatch.setattr(postgresql, "PROBE", 4)  # more than 4 matches: read by blocks
    rows = {pk: (BASES[pk % 4], "common" if pk % 3 else "common rare") for pk in range(1, 60)}
    index(rows)
    expected = sorted(rows, key=lambda pk: documents.rank_id(rows[pk][0], pk))
    assert ids("common", limit=None)[0] == expected
    assert ids("common", limit=5, offset=10)[0] == expected[10:15]
    rare = [pk for pk in expected if "rare" in rows[pk][1]]
    assert ids("rare common", limit=None)[0] == rare
    # The searches above counted in their first read; the backend's own read, by blocks:
    sets = search.parse("common", typos=False).levels()[-1][1]
    with postgresql.reading(), connection.cursor() as cursor:
        first, total = postgresql.first(cursor, (sets, ()), 7)
        assert ([documents.organisation_of(r) for r in first], total) == (expected[:7], None)
        # Its first read saw more than ``cap``: the count is told without one of its own.
        first, total = postgresql.first(cursor, (sets, ()), 7, cap=10)
        assert ([documents.organisation_of(r) for r in first], total) == (expected[:7], 10)


def test_a_level_of_more_than_counted_matches_is_the_count(monkeypatch: Any) -> None:
    """Every level's matches are among the last level's: a level read that found more than
    COUNTED tells the total, on both databases."""
    monkeypatch.setattr(ranking, "COUNTED", 3)
    # "Common" in the names (the first level: its strong token) of five entries, in the
    # prose of two more.
    search.write_documents(
        [(pk, search.Document(tokens="1common", rank_base=BASES[1])) for pk in range(1, 6)]
    )
    index({6: (BASES[0], "common"), 7: (BASES[0], "common")})
    with CaptureQueriesContext(connection) as queries:
        assert ids("common", limit=2) == ([1, 2], 4)
    if connection.vendor == "postgresql":  # the first level's read counted
        assert not [q for q in queries.captured_queries if "count(*)" in q["sql"]]
    assert ids("common", limit=None) == ([1, 2, 3], 4)


def test_phone_numbers_are_found_in_any_form() -> None:
    search.write_documents(
        [
            (5, search.Document(tokens=" ".join(search.phones.entry_tokens("+70952912904")))),
            (6, search.Document(tokens=" ".join(search.phones.entry_tokens("(044) 417-41-18")))),
        ]
    )
    assert ids("+7 495 225-31-17") == ([], 0)
    assert ids("8 (095) 291-29-04") == ([5], 1)
    assert ids("+380 44 417 41 18") == ([6], 1)


# --- upkeep of the index: PostgreSQL's GIN pending list -------------------------------------
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own settings"
)


def _letters(number: int) -> str:
    """A number as a word of letters (digits would be a word of their own)."""
    return "".join("abcdefghij"[int(digit)] for digit in str(number))


def _long_document(pk: int) -> search.Document:
    """About as many distinct tokens as a real entry has (a page of the pending list each)."""
    tokens = " ".join(f"w{_letters(pk)}x{_letters(i)}" for i in range(300))
    return search.Document(tokens=tokens)


def _merge_pending_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('directory_search_blocked'::regclass)")
        return int(cursor.fetchone()[0])


@postgres_only
def test_entries_edited_one_at_a_time_keep_the_pending_list_short() -> None:
    for pk in range(1, 41):
        search.write_documents([(pk, _long_document(pk))])
    # 40 documents of a page each; merged past 64 kB (8 pages), whatever the server's default.
    assert _merge_pending_pages() <= 9


@postgres_only
def test_a_bulk_write_leaves_the_list_to_settle() -> None:
    search.write_documents([(pk, _long_document(pk)) for pk in range(1, 41)], new=True)
    # The import's pace: the server's 4 MB limit, not merged while writing...
    assert _merge_pending_pages() >= 30
    search.write_documents([(pk, _long_document(pk)) for pk in range(41, 81)], new=True)
    search.settle()
    # ...and merged once, at the end.
    assert _merge_pending_pages() == 0
    assert ids(f"w{_letters(80)}x{_letters(299)}") == ([80], 1)


def test_settle_keeps_every_document_searchable() -> None:
    index({3: (BASES[0], "common alpha"), 4: (BASES[3], "common beta")})
    search.settle()
    assert ids("common", limit=None) == ([3, 4], 2)


@postgres_only
def test_a_search_leaves_the_planner_settings_as_it_found_them() -> None:
    index({3: (BASES[0], "common alpha")})

    def settings() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), "
                "current_setting('max_parallel_workers_per_gather')"
            )
            return cursor.fetchone()

    before = settings()
    assert ids("common") == ([3], 1)
    assert settings() == before


@postgres_only
def test_a_rebuild_builds_the_same_index_again() -> None:
    def definition() -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'directory_search_blocked'"
            )
            return str(cursor.fetchone()[0])

    before = definition()
    assert "array_to_tsvector" in before
    index({3: (BASES[0], "common alpha")})  # not an organisation: the rebuild drops it
    assert search.rebuild_all() == 0
    assert definition() == before
    assert ids("common") == ([], 0)


@postgres_only
def test_block_reads_never_walk_the_primary_key() -> None:
    # Many matches in the block and a small LIMIT: the plan a LIMIT tempts the planner into
    # is the primary key's ordered scan, which unpacks every row's tsvector.
    index({pk: (BASES[0], "common") for pk in range(1, 600)})
    block = documents.rank_id(BASES[0], 1) >> postgresql.BLOCK_SHIFT
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_search")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT rank_id + 0 FROM {backends.TABLE} "  # noqa: S608
            f"WHERE {postgresql.BLOCKED} @@ %s::tsquery ORDER BY 1 LIMIT 5",
            [f"('common') & ('b{block}')"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_search_blocked" in plan
    assert "directory_search_pkey" not in plan


# --- a cheap part of a match counted first (PostgreSQL) -------------------------------------
@postgres_only
def test_a_floor_keeps_the_words_as_written_and_the_prose_stems() -> None:
    groups = search.parse("rights", typos=False).levels()[-1][1]
    floor = postgresql.floor((groups, ("r5",)))
    assert floor is not None
    kept, facets = floor
    assert facets == ("r5",)
    assert kept[0] < groups[0]
    assert {t[0] for t in kept[0] if t[0].isdigit()} <= {"1", "3"}
    assert "rights" in kept[0]
    # Names only (the first levels): their scans are cheap, nothing is counted first.
    strong = search.parse("rights", typos=False).levels()[1][1]
    assert postgresql.floor((strong, ())) is None
    assert postgresql.floor(((frozenset({"p74952912904"}),), ())) is None


def test_counting_a_part_first_changes_no_result(monkeypatch: Any) -> None:
    """The same pages and counts whether a cheap part of each match is counted first or not:
    every entry matching the part matches the whole."""
    monkeypatch.setattr(ranking, "COUNTED", 3)
    index(
        {
            pk: (BASES[pk % 4], "rights defenders" if pk % 2 else "right defender")
            for pk in range(1, 12)
        }
    )
    search.write_documents(
        [(pk, search.Document(tokens="1rights", rank_base=BASES[0])) for pk in range(12, 14)]
    )
    queries = ["rights", "right defenders", "defenders", "rights nowhere"]
    pages = [(0, 2), (2, 2), (0, None)]
    with_floor = {(q, p): ids(q, offset=p[0], limit=p[1]) for q in queries for p in pages}
    monkeypatch.setattr(backends.current(), "floor", lambda match: None)
    without = {(q, p): ids(q, offset=p[0], limit=p[1]) for q in queries for p in pages}
    assert with_floor == without
    assert with_floor["rights", (0, None)] == ([12, 13, 4], 4)
