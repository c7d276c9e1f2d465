"""Releases arrive as text, HTML pages, PDF files, folders and zips of them: each becomes one
text for the parser, and whatever cannot be read is one clear line, never a crash."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from vigil.publications.importer import parse_text
from vigil.publications.sources import Source, SourceError, html_to_text, read_sources

# The skipped lines are matched in English; Russian is the default language.
pytestmark = pytest.mark.usefixtures("english")

RELEASES = Path(__file__).parent / "releases"
CLASSIC = (RELEASES / "01_classic_2003.txt").read_text(encoding="utf-8")
RUSSIAN = (RELEASES / "18_russian_release.txt").read_text(encoding="utf-8")

HTML = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Российская Федерация</title>
<style>p { color: red }</style><script>var x = "AI Index: XYZ 1/1/1";</script></head>
<body><div class="menu"><a href="/">Главная</a></div>
<p>МЕЖДУНАРОДНАЯ АМНИСТИЯ</p>
<p>МА Индекс: EUR 46/012/2002<br>Служба новостей &#8470; 77</p>
<p>15 апреля 2002 г.</p>
<h1>Российская Федерация: правозащитники Воронежа просят защиты</h1>
<p>Члены воронежской группы наблюдения
получают угрозы &laquo;после&raquo; публикации доклада.</p>
</body></html>
"""


def only(items: list[Source | SourceError]) -> Source:
    assert len(items) == 1 and isinstance(items[0], Source), items
    return items[0]


def test_html_is_read_with_a_parser_in_its_own_encoding(tmp_path: Path) -> None:
    path = tmp_path / "release.htm"
    path.write_bytes(HTML.encode("cp1251"))
    source = only(list(read_sources([path])))
    assert source.encoding == "html/cp1251"
    assert "var x" not in source.text and "color: red" not in source.text
    parsed = parse_text(source.text, source_name=source.name)
    fields = parsed.fields
    assert fields["index_number"] == "EUR 46/012/2002"
    assert fields["news_service_number"] == "77"
    assert fields["title"] == "Российская Федерация: правозащитники Воронежа просят защиты"
    assert "получают угрозы «после» публикации" in fields["body"]
    assert fields["language"] == "ru" and parsed.review_reasons == []


def test_html_blocks_and_line_breaks_become_lines() -> None:
    text = html_to_text("<p>one<br/>two</p><div>three</div><ul><li>four</li></ul>five")
    assert [line for line in text.split("\n") if line.strip()] == [
        "one",
        "two",
        "three",
        "four",
        "five",
    ]


def test_pdf_text_is_read_by_a_library(tmp_path: Path) -> None:
    from weasyprint import HTML as Pdf

    body = "".join(f"<p>{line}</p>" for line in CLASSIC.split("\n\n"))
    path = tmp_path / "release.pdf"
    Pdf(string=f"<html><body>{body}</body></html>").write_pdf(path)
    source = only(list(read_sources([path])))
    assert source.encoding == "pdf"
    parsed = parse_text(source.text, source_name=source.name)
    assert parsed.fields["index_number"] == "EUR 62/011/2003"
    assert parsed.fields["news_service_number"] == "141"


def test_a_broken_pdf_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    [item] = list(read_sources([path]))
    assert isinstance(item, SourceError) and item.name.endswith("broken.pdf")
    assert "PDF" in item.message


def test_folders_and_zips_are_read_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(CLASSIC, encoding="utf-8")
    (folder / "sub" / "b.txt").write_bytes(RUSSIAN.replace("№", "No").encode("koi8-r"))
    (folder / ".hidden.txt").write_text("ignored")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x/c.html", HTML.encode("cp1251"))
        archive.writestr("x/d.txt", CLASSIC)
        archive.writestr("__MACOSX/x/._d.txt", b"\x00\x05")
        archive.writestr("x/e.bin", b"\x00\x01\x02")
    (folder / "more.zip").write_bytes(buffer.getvalue())
    items = list(read_sources([folder]))
    names = [item.name for item in items]
    assert names == [
        str(folder / "a.txt"),
        str(folder / "more.zip") + "/x/c.html",
        str(folder / "more.zip") + "/x/d.txt",
        str(folder / "more.zip") + "/x/e.bin",
        str(folder / "sub" / "b.txt"),
    ]
    assert isinstance(items[3], SourceError) and "not a text" in items[3].message
    assert isinstance(items[4], Source) and items[4].encoding == "koi8-r"


def test_a_broken_zip_and_a_missing_file_are_clear_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    items = list(read_sources([bad, tmp_path / "missing.txt"]))
    errors = [item for item in items if isinstance(item, SourceError)]
    assert len(errors) == len(items) == 2
    assert "zip" in errors[0].message
    assert "cannot be read" in errors[1].message


@pytest.mark.parametrize("size", [1, 50, 300])
def test_truncated_releases_never_crash(size: int) -> None:
    from vigil.publications.importer import ImportError_

    try:
        parse_text(CLASSIC[:size], source_name="cut.txt")
    except ImportError_ as exc:
        assert "cut.txt" in str(exc)
