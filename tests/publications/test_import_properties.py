"""Whatever bytes arrive, the documents import never crashes, never half-writes a document and
says in one line what it skipped (property tests with hypothesis)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.publications.importer import ImportError_, parse_text
from vigil.publications.imports import import_documents
from vigil.publications.models import Document
from vigil.publications.sources import Source, SourceError, read_bytes

# The skipped lines are matched in English; Russian is the default language.
pytestmark = pytest.mark.usefixtures("english")

RELEASES = Path(__file__).parent / "releases"
CLASSIC = (RELEASES / "01_classic_2003.txt").read_text(encoding="utf-8")
RUSSIAN = (RELEASES / "18_russian_release.txt").read_text(encoding="utf-8")
SUFFIXES = st.sampled_from([".txt", ".html", ".pdf", ".zip", ""])
EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def parse_or_refuse(data: bytes, name: str) -> None:
    item = read_bytes(name, data)
    if isinstance(item, SourceError):
        assert item.name == name and item.message
        return
    try:
        parsed = parse_text(item.text, source_name=name, encoding=item.encoding)
    except ImportError_ as exc:
        assert str(exc).startswith(f"{name}, line ")
        return
    lines = parsed.original_text.split("\n")
    placed = set(parsed.trace) | {number for number, _text in parsed.unparsed}
    assert all(n in placed for n, line in enumerate(lines, 1) if " ".join(line.split()))


@EXAMPLES
@given(data=st.binary(max_size=4000), suffix=SUFFIXES)
def test_random_bytes_never_crash(data: bytes, suffix: str) -> None:
    parse_or_refuse(data, f"random{suffix}")


@EXAMPLES
@given(cut=st.integers(min_value=0, max_value=len(CLASSIC.encode())), suffix=SUFFIXES)
def test_truncated_releases_never_crash(cut: int, suffix: str) -> None:
    parse_or_refuse(CLASSIC.encode()[:cut], f"cut{suffix}")


@EXAMPLES
@given(
    pieces=st.lists(
        st.tuples(
            st.sampled_from([CLASSIC, RUSSIAN, "Ёжик № 5 — «цитата»\n"]),
            st.sampled_from(["utf-8", "cp1251", "koi8-r", "latin-1"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mixed_encodings_never_crash(pieces: list[tuple[str, str]]) -> None:
    data = b"".join(text.encode(encoding, errors="replace") for text, encoding in pieces)
    parse_or_refuse(data, "mixed.txt")


def test_a_huge_file_is_skipped_with_a_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.publications import sources

    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 10_000)
    path = tmp_path / "huge.txt"
    path.write_text(CLASSIC + "Body line.\n" * 5000)
    [item] = list(sources.read_sources([path]))
    assert isinstance(item, SourceError) and "larger than" in item.message


def test_a_long_release_parses(tmp_path: Path) -> None:
    text = CLASSIC.replace("Public Document", "Body paragraph.\n\n" * 20_000 + "Public Document")
    parsed = parse_text(text, source_name="long.txt")
    assert parsed.fields["body"].count("Body paragraph.") == 20_000
    assert isinstance(read_bytes("long.txt", text.encode()), Source)


@pytest.mark.django_db
@EXAMPLES
@given(garbage=st.binary(min_size=1, max_size=300), at=st.integers(min_value=0, max_value=400))
def test_imports_are_whole_or_nothing(
    tmp_path_factory: pytest.TempPathFactory, garbage: bytes, at: int
) -> None:
    """A release with garbage spliced in either imports whole or is reported; a document is
    never stored without its title and text."""
    folder = tmp_path_factory.mktemp("in")
    data = CLASSIC.encode()
    (folder / "spliced.txt").write_bytes(data[:at] + garbage + data[at:])
    (folder / "good.txt").write_text(RUSSIAN, encoding="utf-8")
    summary = import_documents([folder])
    assert summary.errors + summary.published + summary.to_review + summary.unchanged == 2
    assert all(line.message for line in summary.lines)
    for document in Document.objects.all():
        assert document.title and document.body and document.original_text
    assert Document.objects.filter(language="ru").count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("english_reports")
def test_the_command_reads_a_zip_and_prints_the_summary(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("01_classic_2003.txt", "03_index_without_prefix_date_same_line.txt"):
            archive.write(RELEASES / name, arcname=name)
        archive.writestr("junk.bin", b"\x00\x01")
    path = tmp_path / "releases.zip"
    path.write_bytes(buffer.getvalue())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(Exception, match="1 of 3 files had errors"):
        call_command("documents", "import", str(path), stdout=out, stderr=err)
    assert "junk.bin: this is not a text file" in err.getvalue()
    assert "(to review: the index number was printed without its region prefix)" in out.getvalue()
    assert "1 published, 1 to review, 0 unchanged, 1 errors" in out.getvalue()
    assert Document.objects.filter(needs_review=True).count() == 1
    assert Document.objects.filter(needs_review=False).count() == 1
