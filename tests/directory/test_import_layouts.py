"""Every layout of the fixture corpus (tests/directory/fixtures/layouts) parses to its fields.

Each ``NN-name.txt|htm|html`` has a ``NN-name.json`` beside it: ``entries`` lists what each
entry must hold (only the keys given are compared), ``errors`` how many errors the file may
give (0 unless said).  No entry of any fixture is named after navigation or a covering line,
and no navigation line is ever left unparsed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vigil.directory.importer import EntryError, ParsedEntry
from vigil.directory.importer.boilerplate import is_boilerplate
from vigil.directory.importer.sources import open_source

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
CASES = sorted(p for p in LAYOUTS.iterdir() if p.suffix != ".json")


def _channels(entry: ParsedEntry, kinds: tuple[str, ...]) -> list[Any]:
    owners: list[Any] = [*entry.offices, *entry.contacts]
    return [c for owner in owners for c in owner.channels if c.kind in kinds]


def _check(entry: ParsedEntry, expected: dict[str, Any]) -> None:
    if "name" in expected:
        assert entry.name == expected["name"]
    if "name_ru" in expected:
        assert entry.name_ru == expected["name_ru"]
    if "draft" in expected:
        assert entry.needs_review == expected["draft"], (entry.confidence, entry.review_reasons)
    if "offices" in expected:
        assert len(entry.offices) == len(expected["offices"]), entry.offices
        for office, wanted in zip(entry.offices, expected["offices"], strict=True):
            for key, value in wanted.items():
                assert getattr(office, key) == value, (key, office)
    if "phones" in expected:
        assert [c.value for c in _channels(entry, ("phone", "fax"))] == expected["phones"]
    for value, note in expected.get("notes", {}).items():
        assert [c.note for c in _channels(entry, ("phone",)) if c.value == value] == [note]
    if "emails" in expected:
        assert [c.normalised for c in _channels(entry, ("email",))] == expected["emails"]
    if "contacts" in expected:
        assert [[c.name, c.role] for c in entry.contacts] == expected["contacts"]
    if "unparsed" in expected:
        assert entry.unparsed_lines == expected["unparsed"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_layout_parses_to_its_expected_fields(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    items = list(open_source(path))
    entries = [item for item in items if isinstance(item, ParsedEntry)]
    errors = [item for item in items if isinstance(item, EntryError)]
    assert len(errors) == expected.get("errors", 0), [str(e) for e in errors]
    assert len(entries) == len(expected["entries"]), [e.name for e in entries]
    for entry, wanted in zip(entries, expected["entries"], strict=True):
        _check(entry, wanted)
        assert not is_boilerplate(entry.name)
        assert not any(is_boilerplate(line) for line in entry.unparsed_lines)
        assert not entry.name.lower().startswith(("ccsi received", "dear "))


def test_the_corpus_has_forty_layouts_or_more() -> None:
    assert len(CASES) >= 40
