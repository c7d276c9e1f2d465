"""``vigil documents import``: seed 001 read without losing a line, in any encoding."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.publications.conftest import RUSSIAN, SEED
from vigil.publications.importer import ImportError_, parse_text, read_file
from vigil.publications.models import Document

pytestmark = pytest.mark.usefixtures("english_reports")


def run(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("documents", "import", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


def test_seed_maps_every_line() -> None:
    parsed = read_file(SEED)
    fields = parsed.fields
    assert fields["index_number"] == "EUR 46/039/2003"
    assert fields["classification"] == "public"
    assert fields["news_service_number"] == "126"
    assert fields["date"] == datetime.date(2003, 5, 28)
    assert fields["embargo_at"] == datetime.datetime(2003, 5, 28, 10, 0, tzinfo=datetime.UTC)
    assert fields["embargo_zone"] == "GMT"
    assert fields["title"].startswith("Russian Federation: Resource Centre plays key role")
    assert fields["body"].count("\n\n") == 5  # six paragraphs
    assert fields["correspondence_address"] == "PO Box 212\nMoscow 119019\nRussian Federation"
    assert fields["contacts"].startswith("For more information please call")
    assert fields["closing_lines"].endswith("http://news.amnesty.org")
    assert fields["language"] == "en" and fields["doc_type"] == "news_release"
    lines = parsed.original_text.split("\n")
    placed = set(parsed.trace) | {number for number, _text in parsed.unparsed}
    lost = [n for n, line in enumerate(lines, start=1) if line.strip() and n not in placed]
    assert lost == []
    assert parsed.original_text == SEED.read_text(encoding="utf-8")


def test_unknown_lines_are_kept_verbatim() -> None:
    text = "Distribution: SC/CO/GR\nAI Index: EUR 46/039/2003 (Public)\nTitle\n\nBody.\n\n"
    text += "Public Document\n\nSome odd trailing line\n"
    parsed = parse_text(text, source_name="x.txt")
    assert parsed.unparsed == [(1, "Distribution: SC/CO/GR"), (9, "Some odd trailing line")]


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "koi8-r"])
@pytest.mark.django_db
def test_cyrillic_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode(encoding))
    out, _err, code = run(str(path))
    assert code == 0
    document = Document.objects.get(language="ru")
    assert document.title.startswith("Российская Федерация: Ресурсный центр")
    assert f"encoding {encoding}" in out


@pytest.mark.django_db
def test_reimport_updates_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    out, _err, code = run("--dry-run", str(SEED))
    assert code == 0 and "would be created" in out
    assert not Document.objects.exists()
    out, _err, _code = run(str(SEED))
    assert "created" in out
    out, _err, _code = run(str(SEED))
    assert "unchanged" in out
    changed = tmp_path / "seed.txt"
    changed.write_text(SEED.read_text().replace("News Service No: 126", "News Service No: 127"))
    out, _err, _code = run(str(changed))
    assert "updated" in out and "news_service_number: '126' → '127'" in out
    assert Document.objects.count() == 1
    assert Document.objects.get().news_service_number == "127"


@pytest.mark.django_db
def test_malformed_header_names_file_and_line_and_others_still_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(SEED.read_text().replace("EUR 46/039/2003", "XYZ 46/039/2003"))
    worse = tmp_path / "worse.txt"
    worse.write_text(SEED.read_text().replace("28 May 2003 10:00 GMT", "28 Mayish 2003 10:00 GMT"))
    _out, err, code = run(str(bad), str(SEED), str(worse), str(tmp_path / "missing.txt"))
    assert code == 1
    assert f"{bad}, line 5:" in err and "XYZ" in err
    assert "missing.txt: cannot be read" in err
    assert "2 of 4 files had errors" in err
    # An embargo that cannot be read is no error: the release waits for review, unpublished.
    assert parse_text(worse.read_text(), source_name="w").review_reasons == ["embargo_unreadable"]
    assert Document.objects.count() == 1


def test_missing_index_is_an_error() -> None:
    with pytest.raises(ImportError_, match="line 1"):
        parse_text("Just a title\n\nAnd a body.\n", source_name="x.txt")


@pytest.mark.django_db
def test_demo_loads_seed(**_: Any) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "EUR 46/039/2003" in out.getvalue()
    assert Document.objects.filter(index_number="EUR 46/039/2003").exists()
