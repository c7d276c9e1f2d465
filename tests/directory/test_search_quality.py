"""The search's quality set (``bench/search_quality_set.py``) meets its targets on this database.

Run on SQLite and on PostgreSQL by the suite: recall@10 at least 0.95 over all queries and 0.9
in every category, over the fixture directory and its generated distractors.  The same set,
beside plain full-text search, is ``bench/search_quality.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.conf import settings

sys.path.insert(0, str(Path(settings.BASE_DIR) / "bench"))
import search_quality_set as quality

pytestmark = pytest.mark.django_db


def test_the_quality_set_meets_its_targets(region_tree: None) -> None:
    entries = quality.all_entries()
    slugs = quality.load(entries)
    table = quality.measure(quality.vigil_top(slugs), entries)
    misses = "\n".join(table.pop("misses"))
    low = {
        category: round(row["recall"], 3)
        for category, row in table.items()
        if row["recall"] < quality.TARGETS["category"]
    }
    assert not low, f"categories below target: {low}\n{misses}"
    overall = table["overall"]["recall"]
    assert overall >= quality.TARGETS["overall"], f"overall recall@10 {overall:.3f}\n{misses}"
