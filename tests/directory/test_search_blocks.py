"""The first matches by id, whatever blocks of ids they are in (PostgreSQL reads blocks)."""

from __future__ import annotations

from typing import Any

import pytest

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
