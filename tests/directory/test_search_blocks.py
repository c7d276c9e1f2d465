"""The first matches by id, whatever blocks of ids they are in (PostgreSQL reads blocks)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from vigil.directory import search

pytestmark = pytest.mark.django_db

BLOCK = search.ID_BLOCK


def index(rows: dict[int, str]) -> None:
    """Index rows written directly, with ids far apart (several blocks of ids)."""
    search.write_documents(
        [
            (pk, search.Document(names="", body=" ".join(search.words(text)), sort_name=text))
            for pk, text in rows.items()
        ]
    )


def test_first_matches_by_id_across_blocks(monkeypatch: Any) -> None:
    index(
        {
            7: "common alpha",
            BLOCK + 3: "common",
            3 * BLOCK + 1: "common beta",
            3 * BLOCK + 2: "common",
            9 * BLOCK: "common rare",
        }
    )
    query = search.parse("common", typos=False)
    ids, total = search.matching_ids(query, limit=None)  # ranked: compared as a set
    assert (sorted(ids), total) == ([7, BLOCK + 3, 3 * BLOCK + 1, 3 * BLOCK + 2, 9 * BLOCK], 5)
    # Capped: the first by id, in id order, and one more to tell that there are more.
    monkeypatch.setattr(search, "CANDIDATES", 2)
    assert search.matching_ids(query, limit=None) == ([7, BLOCK + 3], 3)
    monkeypatch.setattr(search, "CANDIDATES", 3)
    assert search.matching_ids(query, limit=2, offset=1) == ([BLOCK + 3, 3 * BLOCK + 1], 4)
    # Nothing in the first block: read in one go.
    assert search.matching_ids(search.parse("rare", typos=False)) == ([9 * BLOCK], 1)
    assert search.matching_ids(search.parse("beta common", typos=False)) == ([3 * BLOCK + 1], 1)
    assert search.matching_ids(search.parse("nowhere", typos=False)) == ([], 0)


def test_dense_first_block_reads_a_few_more_blocks(monkeypatch: Any) -> None:
    index(
        {
            7: "common",
            8: "common",
            BLOCK + 1: "common",
            2 * BLOCK + 5: "common",
            5 * BLOCK: "common",
        }
    )
    query = search.parse("common", typos=False)
    # Two in the first block, one more wanted: the next block is read, then nothing else.
    monkeypatch.setattr(search, "CANDIDATES", 2)
    assert search.matching_ids(query, limit=None) == ([7, 8], 3)
    monkeypatch.setattr(search, "CANDIDATES", 4)
    assert search.matching_ids(query, limit=None) == ([7, 8, BLOCK + 1, 2 * BLOCK + 5], 5)


def test_phone_numbers_are_read_in_one_query() -> None:
    index({5: "70952912904", 3 * BLOCK + 2: "74952253117", 4 * BLOCK: "74952253117 common"})
    query = search.parse("+7 495 225-31-17", typos=False)
    assert search._specific(query.groups)
    assert not search._specific(search.parse("common 74952253117", typos=False).groups)
    ids, total = search.matching_ids(query, limit=None)
    assert (sorted(ids), total) == ([3 * BLOCK + 2, 4 * BLOCK], 2)


# --- upkeep of the index: PostgreSQL's GIN pending list -------------------------------------
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own settings"
)


def _letters(number: int) -> str:
    """A number as a word of letters (digits would be a word of their own)."""
    return "".join("abcdefghij"[int(digit)] for digit in str(number))


def _long_document(pk: int) -> search.Document:
    """About as many distinct tokens as a real entry has (a page of the pending list each)."""
    body = " ".join(f"w{_letters(pk)}x{_letters(i)}" for i in range(300))
    return search.Document(names="", body=body, sort_name=str(pk))


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
    ids, total = search.matching_ids(search.parse(f"w{_letters(80)}x{_letters(299)}", typos=False))
    assert (ids, total) == ([80], 1)


def test_settle_keeps_every_document_searchable() -> None:
    index({3: "common alpha", BLOCK + 1: "common beta"})
    search.settle()
    ids, total = search.matching_ids(search.parse("common", typos=False), limit=None)
    assert (sorted(ids), total) == ([3, BLOCK + 1], 2)


@postgres_only
def test_a_search_leaves_the_planner_settings_as_it_found_them() -> None:
    index({3: "common alpha"})

    def settings() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), "
                "current_setting('max_parallel_workers_per_gather')"
            )
            return cursor.fetchone()

    before = settings()
    assert search.matching_ids(search.parse("common", typos=False)) == ([3], 1)
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
    index({3: "common alpha"})  # not an organisation: the rebuild drops it
    assert search.rebuild_all() == 0
    assert definition() == before
    assert search.matching_ids(search.parse("common", typos=False)) == ([], 0)


@postgres_only
def test_block_reads_never_walk_the_primary_key() -> None:
    # Many matches in the block and a small LIMIT: the plan a LIMIT tempts the planner into
    # is the primary key's ordered scan, which unpacks every row's tsvector.
    index({pk: "common" for pk in range(1, 300)} | {BLOCK + pk: "common" for pk in range(300)})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_search")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + search._blocks_sql(range(1, 2)), ["(common) & b1", 5])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_search_blocked" in plan
    assert "directory_search_pkey" not in plan
