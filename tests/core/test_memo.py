"""Per-process memos: named, bounded, emptied when a setting changes and between tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.test import override_settings

from vigil.core import memo
from vigil.core.memo import ProcessMemo, memoised


def test_a_memo_that_fills_up_starts_again() -> None:
    kept: ProcessMemo[int, str] = ProcessMemo("test.filling", keeps="numbers", bound=2)
    kept[1], kept[2] = "one", "two"
    kept[2] = "two again"  # a known key never empties it
    assert len(kept) == 2
    kept[3] = "three"
    assert dict.fromkeys(kept) == {3: None} and kept.get(1) is None


def test_a_setting_change_empties_every_memo_but_the_lasting_ones() -> None:
    calls: list[str] = []

    @memoised("test.double", keeps="doubles", bound=4)
    def double(text: str) -> str:
        calls.append(text)
        return text * 2

    @memoised("test.lasting", keeps="a constant", bound=1, settings=False)
    def lasting() -> list[str]:
        return []

    kept: ProcessMemo[str, int] = ProcessMemo("test.kept", keeps="a count", bound=4)
    kept["a"] = 1
    first = lasting()
    assert double("x") == double("x") == "xx" and calls == ["x"]
    with override_settings(VIGIL_SITE_NAME="Other"):
        assert double("x") == "xx" and calls == ["x", "x"]
        assert "a" not in kept
    assert lasting() is first
    memo.clear_all()
    assert lasting() is first and len(kept) == 0


def test_every_memo_says_what_it_keeps_and_its_bound(settings: Any) -> None:
    import vigil.bulletin.memory_index
    import vigil.core.message_storage
    import vigil.core.reversing  # noqa: F401

    names = {m.name for m in memo.registered()}
    assert {"core.reversing", "core.message_storage.cookies", "bulletin.memory_index"} <= names
    for each in memo.registered():
        assert each.keeps and (each.bound is None or each.bound > 0), each.name


#: Process-wide caches that are not memos of ``core.memo``, each for a reason.
NOT_MEMOS = {
    "core/memo.py": "the mechanism itself",
    "core/personal_data.py": "_sources: a registry filled at start-up, not answers",
    "api/osdi.py": "collection(): the schema needs each class once; clearing would break it",
    "directory/import_workers.py": "the importer's (another change): malloc_trim found once",
    "directory/translit.py": "the directory search's (another change)",
}
OTHER_CHANGES = ("directory/search/", "directory/importer/")


def test_no_process_wide_cache_outside_core_memo() -> None:
    """A rule lives in one place: a new ``lru_cache`` or module-level dict of answers goes
    through ``core.memo``, named, bounded and cleared with the others."""
    root = Path(__file__).resolve().parents[2] / "vigil"
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative in NOT_MEMOS or relative.startswith(OTHER_CHANGES):
            continue
        text = path.read_text()
        for pattern in (r"\blru_cache\b", r"^@(functools\.)?cache\b", r"^_\w+: dict\[.*\] = \{\}"):
            found += [f"{relative}: {m.group(0)}" for m in re.finditer(pattern, text, re.M)]
    assert found == []
