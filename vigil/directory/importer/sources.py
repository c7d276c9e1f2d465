"""What an import reads: text files, HTML pages, folders and zip archives of them.

:func:`open_source` gives the entries of one file (a :class:`HandbookFile`); :func:`expand`
walks folders and zip archives into the files inside, in name order, and reports what it
skipped.  A zip is read member by member with a limit on each member's and the archive's
unpacked size, so a hostile archive cannot fill the disk or memory.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from .html import MAX_HTML_BYTES, html_to_text
from .reading import HandbookFile, TextSource

HTML_SUFFIXES = frozenset({".htm", ".html", ".shtml", ".xhtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text", ""})
READABLE = HTML_SUFFIXES | TEXT_SUFFIXES
#: Limits of an archive's unpacked files.
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 20_000


def is_html(path: Path) -> bool:
    return path.suffix.lower() in HTML_SUFFIXES


def open_source(path: str | Path, *, display: str | None = None) -> HandbookFile:
    """The entries of one file: HTML pages by their text, anything else as a text file."""
    path = Path(path)
    shown = display or str(path)
    if is_html(path):
        with path.open("rb") as handle:
            data = handle.read(MAX_HTML_BYTES + 1)
        if len(data) > MAX_HTML_BYTES:
            raise OSError(_("the page is larger than %(size)d MB") % {"size": MAX_HTML_BYTES >> 20})
        text, encoding = html_to_text(data)
        return TextSource(text, display=shown, encoding=f"{encoding}, HTML", path=path)
    source = HandbookFile(path)
    source.display = shown
    return source


@dataclass
class Skipped:
    """A file or archive member not read, and why (reported as one line)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return _("%(path)s: skipped: %(reason)s") % {"path": self.path, "reason": self.reason}


@contextmanager
def expand(paths: list[str | Path]) -> Iterator[list[tuple[str, Path] | Skipped]]:
    """(name to show, file to read) of every file the paths hold; archives are unpacked into
    a temporary folder that lives as long as the ``with`` block."""
    with tempfile.TemporaryDirectory(prefix="vigil-import-") as scratch:
        found: list[tuple[str, Path] | Skipped] = []
        for index, given in enumerate(paths):
            _expand_one(Path(given), str(given), Path(scratch) / str(index), found)
        yield found


def _expand_one(
    path: Path, shown: str, scratch: Path, found: list[tuple[str, Path] | Skipped]
) -> None:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith("."):
                if child.suffix.lower() in READABLE or zipfile.is_zipfile(child):
                    _expand_one(child, str(child), scratch / child.name, found)
                else:
                    found.append(Skipped(str(child), _("not a text, HTML or zip file")))
        return
    if path.suffix.lower() == ".zip" or (path.is_file() and _zip_signature(path)):
        _unpack(path, shown, scratch, found)
        return
    found.append((shown, path))


def _zip_signature(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _unpack(path: Path, shown: str, scratch: Path, found: list[tuple[str, Path] | Skipped]) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        found.append(Skipped(shown, _("not a readable zip archive (%(error)s)") % {"error": exc}))
        return
    total = 0
    with archive:
        members = sorted(
            (m for m in archive.infolist() if not m.is_dir()), key=lambda m: m.filename
        )
        for number, member in enumerate(members):
            name = f"{shown}:{member.filename}"
            suffix = Path(member.filename).suffix.lower()
            if Path(member.filename).name.startswith(".") or suffix not in READABLE:
                found.append(Skipped(name, _("not a text or HTML file")))
                continue
            if number >= MAX_MEMBERS or member.file_size > MAX_MEMBER_BYTES:
                found.append(Skipped(name, _("too large to unpack")))
                continue
            total += member.file_size
            if total > MAX_ARCHIVE_BYTES:
                found.append(Skipped(name, _("the archive unpacks to too much data")))
                continue
            target = scratch / f"{number:05d}{suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(member) as source, target.open("wb") as out:
                    copied = 0
                    while chunk := source.read(1024 * 1024):
                        copied += len(chunk)
                        if copied > MAX_MEMBER_BYTES:
                            raise ValueError(_("too large to unpack"))
                        out.write(chunk)
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
                found.append(Skipped(name, str(exc) or _("damaged archive member")))
                continue
            found.append((name, target))
