"""What an import reads: text files, HTML pages, PDF files, and folders and zips of them.

Each input becomes :class:`Source` objects (a name and its text) or :class:`SourceError` lines
(a name and why it was skipped), in a stable order, so that the importers parse text only and
one unreadable file never stops the others.

* Text: UTF-8, Windows-1251 or KOI8-R, detected as the directory importer does.
* HTML: decoded by its declared charset (else detected), then read with Python's HTML parser
  (``html.parser``), not regular expressions: scripts, styles and comments dropped, block
  elements and ``<br>`` as line breaks, paragraphs as blank lines, entities decoded.
* PDF: the text layer through pypdf, page by page; a PDF without text (a scan) is an error.
* Zips: their members, one level deep, with limits on count and size; folders: their files,
  sorted.  Hidden files and ``__MACOSX`` are skipped.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from vigil.directory.importer import detect_encoding

#: A single release or page larger than this is not a release (50 pages of text are 200 kB).
MAX_SOURCE_BYTES = 20 * 1024 * 1024
#: A zip may hold at most this many files.
MAX_ZIP_MEMBERS = 5000
HTML_SUFFIXES = {".htm", ".html", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {"", ".txt", ".text", ".asc", ".eml"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")


@dataclass(frozen=True)
class Source:
    name: str
    text: str
    #: "utf-8", "cp1251", "koi8-r", "html/<encoding>" or "pdf"
    encoding: str
    #: A page's menus, breadcrumbs and footers: kept with the record, never parsed.
    boilerplate: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceError:
    name: str
    message: str

    def __str__(self) -> str:
        return f"{self.name}: {self.message}"


Item = Source | SourceError


def read_sources(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Every file under ``paths`` (files, folders, zips) as a source or an error line."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _skipped(child.relative_to(path).parts):
                    yield from _read_file(child)
        else:
            yield from _read_file(path)


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _read_file(path: Path) -> Iterator[Item]:
    name = str(path)
    try:
        size = path.stat().st_size
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as archive:
                yield from _read_zip(archive, name)
            return
        if size > MAX_SOURCE_BYTES:
            yield SourceError(name, _too_large())
            return
        data = path.read_bytes()
    except zipfile.BadZipFile:
        yield SourceError(name, _("this is not a zip file that can be opened"))
        return
    except OSError as exc:
        yield SourceError(
            name, _("cannot be read: %(error)s") % {"error": exc.strerror or str(exc)}
        )
        return
    yield read_bytes(name, data)


def _too_large() -> str:
    return _("the file is larger than %(size)d MB; it was skipped") % {
        "size": MAX_SOURCE_BYTES // (1024 * 1024)
    }


def _read_zip(archive: zipfile.ZipFile, name: str) -> Iterator[Item]:
    members = [
        info
        for info in archive.infolist()
        if not info.is_dir() and not _skipped(PurePosixPath(info.filename).parts)
    ]
    if len(members) > MAX_ZIP_MEMBERS:
        yield SourceError(
            name,
            _("the zip holds more than %(count)d files; it was skipped")
            % {"count": MAX_ZIP_MEMBERS},
        )
        return
    for info in sorted(members, key=lambda item: item.filename):
        member = f"{name}/{info.filename}"
        if info.file_size > MAX_SOURCE_BYTES:
            yield SourceError(member, _too_large())
            continue
        if PurePosixPath(info.filename).suffix.lower() == ".zip":
            yield SourceError(member, _("a zip inside a zip is not read; unpack it first"))
            continue
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            yield SourceError(member, _("cannot be read: %(error)s") % {"error": exc})
            continue
        yield read_bytes(member, data)


def read_bytes(name: str, data: bytes) -> Item:
    """One file's bytes, by its name's suffix (or its first bytes: "%PDF", "<html")."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    head = data[:1024].lstrip().lower()
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return _pdf(name, data)
    if suffix in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html")):
        return _html(name, data)
    if b"\x00" in data[:65536] or _CONTROL.search(data[:65536].decode("latin-1")):
        return SourceError(name, _("this is not a text file; it was skipped"))
    encoding = detect_encoding(data[: 64 * 1024]) if data else "utf-8"
    return Source(name, data.decode(encoding, errors="replace"), encoding)


def _html(name: str, data: bytes) -> Item:
    declared = _CHARSET.search(data[:4096])
    encoding = ""
    if declared:
        candidate = declared.group(1).decode("ascii").lower()
        try:
            "".encode(candidate)
            encoding = candidate
        except LookupError:
            encoding = ""
    if not encoding or encoding in {"utf-8", "utf8"}:
        encoding = detect_encoding(data[: 64 * 1024]) if data else "utf-8"
    encoding = {"windows-1251": "cp1251", "utf8": "utf-8"}.get(encoding, encoding)
    text, boilerplate = html_parts(data.decode(encoding, errors="replace"))
    return Source(name, text, f"html/{encoding}", tuple(boilerplate))


def _pdf(name: str, data: bytes) -> Item:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return SourceError(name, _("this PDF is protected by a password; it was skipped"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        return SourceError(
            name, _("this PDF cannot be read (%(error)s); it was skipped") % {"error": exc}
        )
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        return SourceError(name, _("this PDF has no text layer (a scan?); it was skipped"))
    return Source(name, text, "pdf")


#: Elements whose end (or start) is a line break; paragraphs and headings leave a blank line.
_BLOCKS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol",
    "pre", "section", "table", "tr", "ul", "center", "font",
}  # fmt: skip
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "title"}
_HIDDEN = {"script", "style", "noscript", "template", "head"}


#: A site's own parts around the page's text: menus, breadcrumbs, sidebars, footers.
_BOILERPLATE_TAGS = {"nav", "footer", "aside"}
_BOILERPLATE_NAMES = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|navigation|menu|breadcrumbs?|sidebar|footer|site-?map)"
    r"(?:$|[\s_\-])",
    re.I,
)
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "wbr", "source"}


class _TextExtractor(HTMLParser):
    """Text in reading order; the site's boilerplate (menus, footers) apart, so that it is kept
    with the source but never read as the release's header or text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.boilerplate: list[str] = []
        self.parts = self.text
        self.hidden = 0
        self.pre = 0
        self.boiler_tag = ""
        self.boiler_depth = 0

    def _enter_boilerplate(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.boiler_tag:
            if tag == self.boiler_tag:
                self.boiler_depth += 1
            return
        names = " ".join(value or "" for name, value in attrs if name in {"class", "id", "role"})
        if tag in _BOILERPLATE_TAGS or (
            tag not in _VOID and (_BOILERPLATE_NAMES.search(names) or "navigation" in names)
        ):
            self.boiler_tag, self.boiler_depth = tag, 1
            self.parts = self.boilerplate
            self.parts.append("\n")

    def _leave_boilerplate(self, tag: str) -> None:
        if self.boiler_tag and tag == self.boiler_tag:
            self.boiler_depth -= 1
            if self.boiler_depth == 0:
                self.parts.append("\n")
                self.boiler_tag, self.parts = "", self.text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._enter_boilerplate(tag, attrs)
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "pre":
            self.pre += 1
        elif tag in {"td", "th", "a"}:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "hr"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _PARAGRAPHS:
            self.parts.append("\n\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag == "a":
            self.parts.append(" ")
        self._leave_boilerplate(tag)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            self.parts.append(data)
        else:
            self.parts.append(re.sub(r"\s+", " ", data))


def _lines(parts: list[str]) -> str:
    lines = [" ".join(line.split()) for line in "".join(parts).replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def html_parts(markup: str) -> tuple[str, list[str]]:
    """A page's text (one line per block, a blank line between paragraphs) and the lines of
    its boilerplate (menus, breadcrumbs, footers)."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    boilerplate = [line for line in _lines(extractor.boilerplate).split("\n") if line]
    return _lines(extractor.text) + "\n", boilerplate


def html_to_text(markup: str) -> str:
    return html_parts(markup)[0]
