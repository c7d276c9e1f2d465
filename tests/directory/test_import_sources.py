"""The import service: zips, folders and HTML; drafts for review; summary; never half-written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.directory.importer import EntryError, ParsedEntry
from vigil.directory.importer.reading import TextSource
from vigil.directory.imports import import_source
from vigil.directory.models import Organisation

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
pytestmark = pytest.mark.django_db


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, (LAYOUTS / name).read_bytes())
        archive.writestr("picture.png", b"\x89PNG")
    return buffer.getvalue()


def test_zip_of_pages_imports_published_and_drafts_and_reimport_changes_nothing() -> None:
    data = _zip("45-html-utf8.html", "06-person-first.txt", "04-navigation-only.txt")
    summary = import_source([("pages.zip", data)])
    assert (summary.published, summary.to_review, len(summary.errors)) == (1, 1, 0)
    assert any("picture.png" in line for line in summary.skipped)
    assert Organisation.objects.get(is_published=True).name_en == "Samara Soldiers' Rights Group"
    draft = Organisation.objects.get(is_published=False)
    assert (
        draft.name_en == 'Ecological organization "Rodnik"' and (draft.import_confidence or 0) < 70
    )
    again = import_source([("pages.zip", data)])
    assert (again.published, again.to_review, again.unchanged) == (0, 0, 2)
    assert Organisation.objects.count() == 2


def test_folder_with_a_bad_file_still_imports_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes((LAYOUTS / "01-classic-with-navigation.txt").read_bytes())
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    summary = import_source([tmp_path])
    assert summary.published == 1 and len(summary.errors) == 1
    assert "b.txt" in summary.errors[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_reader(data: bytes) -> None:
    text = data.decode("latin-1")
    for item in TextSource(text, display="random", encoding="latin-1"):
        assert isinstance(item, ParsedEntry | EntryError)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2000), st.sampled_from(["utf-8", "cp1251", "koi8-r"]))
def test_truncated_and_mixed_encoding_files_never_crash(cut: int, encoding: str) -> None:
    russian = (LAYOUTS / "40-russian-cp1251.txt").read_bytes().decode("cp1251")
    english = (LAYOUTS / "01-classic-with-navigation.txt").read_text(encoding="utf-8")
    mixed = english.encode("utf-8") + russian.replace("«", '"').replace("»", '"').encode(encoding)
    text = mixed[: cut * 3].decode("utf-8", errors="replace")
    items = list(TextSource(text, display="mixed", encoding=encoding))
    assert all(isinstance(item, ParsedEntry | EntryError) for item in items)


def test_a_huge_line_and_a_navigation_only_file_are_reported_not_imported(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text("A" * 3_000_000, encoding="utf-8")
    nav = tmp_path / "nav.html"
    nav.write_text('<p><a href="/">CCSI Home</a> | <a href="/s">Site Map</a> | Search</p>')
    summary = import_source([huge, nav])
    assert Organisation.objects.count() == 0
    assert len(summary.errors) == 1 and "huge.txt" in summary.errors[0]
    assert any("nav.html" in line for line in summary.skipped)
