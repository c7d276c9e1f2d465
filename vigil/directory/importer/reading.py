"""Files of entries: encodings, streaming one entry's lines at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _

from .boilerplate import is_boilerplate
from .parser import parse_lines
from .patterns import COMMON_LOWER, LAST_UPDATED, READ_BLOCK, SAMPLE_BYTES, SEPARATOR
from .records import EntryError, MalformedEntry, ParsedEntry


# --- encodings ------------------------------------------------------------------------------
def _cyrillic_score(text: str) -> int:
    return sum(text.count(ch) for ch in COMMON_LOWER)


def detect_encoding(sample: bytes) -> str:
    """``utf-8`` (also for plain ASCII), ``utf-8-sig``, ``cp1251`` or ``koi8-r``."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample cut in the middle of a character is still UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    scores = {
        encoding: _cyrillic_score(sample.decode(encoding, errors="replace"))
        for encoding in ("cp1251", "koi8-r")
    }
    return "koi8-r" if scores["koi8-r"] > scores["cp1251"] else "cp1251"


#: Control characters other than tab, line ends, form feed and the DOS end-of-file mark.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")


def _control_character(text: str) -> bool:
    return _CONTROL.search(text) is not None


# --- the file -------------------------------------------------------------------------------
class HandbookFile:
    """Stream a file of entries: ``encoding`` after opening, then iterate for entries and errors.

    Iterating yields :class:`ParsedEntry` and :class:`EntryError` objects, one entry's lines in
    memory at a time.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.display = str(path)
        with self.path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        self.empty = not sample.strip()
        self.binary = b"\x00" in sample or _control_character(sample.decode("latin-1"))
        self.encoding = "binary" if self.binary else detect_encoding(sample) if sample else "utf-8"
        self.entries_found = 0
        self.lines_read = 0
        #: Lines of navigation read outside any entry (reported, never an error).
        self.skipped_lines = 0

    def __iter__(self) -> Iterator[ParsedEntry | EntryError]:
        for item in self.raw_entries():
            yield item if isinstance(item, EntryError) else self.parse(item)

    def parse(self, lines: list[tuple[int, str]]) -> ParsedEntry | EntryError:
        """One entry of :meth:`raw_entries` read (in a worker process, too: no state changes)."""
        try:
            entry = parse_lines(lines)
        except MalformedEntry as exc:
            return EntryError(self.display, exc.line, exc.message)
        entry.source_encoding = self.encoding
        entry.path = self.display
        return entry

    def raw_entries(self) -> Iterator[list[tuple[int, str]] | EntryError]:
        """The lines of each entry, unparsed, in file order (and the errors of reading)."""
        if self.empty:
            yield EntryError(self.display, 1, _("the file is empty: no entries found"))
            return
        lines: list[tuple[int, str]] = []
        failed: EntryError | None = None
        #: After "Last updated:": the entry is complete, but navigation and blank lines
        #: that follow still belong to it (the page's furniture, kept in its source text).
        closing = False
        number = 0
        encoding = "latin-1" if self.binary else self.encoding
        for number, text in self._decoded_lines(encoding):
            if closing and text is None:  # an unreadable line starts the next entry
                yield from self._finish(lines, failed, number - 1)
                lines, failed, closing = [], None, False
            if text is None:
                failed = failed or EntryError(
                    self.display,
                    number,
                    _("bytes that are not valid %(encoding)s; the entry was skipped")
                    % {"encoding": self.encoding},
                )
                continue
            if _CONTROL.search(text):  # NUL included
                self.lines_read = number
                yield EntryError(
                    self.display,
                    number,
                    _("binary data (control characters), not a text file; reading stopped"),
                )
                return
            if closing:
                stripped = text.strip()
                if not stripped or is_boilerplate(stripped):
                    lines.append((number, text.rstrip()))
                    continue
                yield from self._finish(lines, failed, number - 1)
                lines, failed, closing = [], None, False
            # Most lines are neither a form feed, a separator nor "Last updated": cheap
            # substring tests first, the patterns only where they may match.
            if "\f" in text:
                parts = text.split("\f")
            elif not text or text[0] == "=" or text[0].isspace():
                parts = [text]
            elif not _UPDATED_WORDS.search(text):
                if lines or text.strip():
                    lines.append((number, text.rstrip()))
                continue
            else:
                parts = [text]
            for index, part in enumerate(parts):
                if index > 0:  # a form feed ends the entry
                    yield from self._finish(lines, failed, number)
                    lines, failed, closing = [], None, False
                if SEPARATOR.match(part):
                    yield from self._finish(lines, failed, number)
                    lines, failed, closing = [], None, False
                    continue
                if not lines and not part.strip():
                    continue
                lines.append((number, part.rstrip()))
                if LAST_UPDATED.match(part.strip()):
                    closing = True
        self.lines_read = number
        yield from self._finish(lines, failed, number)
        if self.entries_found == 0 and number > 0 and not self.skipped_lines:
            yield EntryError(self.display, number, _("no entries found in the file"))

    def _decoded_lines(self, encoding: str) -> Iterator[tuple[int, str | None]]:
        """(number, text without its line end) of every line; None for a line that is not
        valid in the encoding.  Lines are decoded a block (about 32 KiB) at a time: a block that
        decodes as a whole is split at its line feeds (the same lines: no encoding read here
        has a line feed byte inside a character); only a block that fails is decoded line by
        line, to find the lines that fail."""
        number = 0
        bom = self.encoding == "utf-8-sig"  # each line's BOM dropped, as decoding it alone does
        with self.path.open("rb") as handle:
            while raws := handle.readlines(READ_BLOCK):
                block: str | None = None
                if not bom:
                    try:
                        block = b"".join(raws).decode(encoding)
                    except UnicodeDecodeError:
                        block = None
                if block is not None:
                    texts = block.split("\n")
                    if block.endswith("\n"):
                        texts.pop()
                    if "\r" in block:
                        texts = [text.rstrip("\r") for text in texts]
                    for text in texts:
                        number += 1
                        yield number, text
                    continue
                for raw in raws:
                    number += 1
                    try:
                        text = raw.decode(encoding)
                    except UnicodeDecodeError:
                        yield number, None
                        continue
                    if number == 1 and bom:
                        text = text.removeprefix("\ufeff")
                    yield number, text.rstrip("\r\n")

    def _finish(
        self, lines: list[tuple[int, str]], failed: EntryError | None, number: int
    ) -> Iterator[list[tuple[int, str]] | EntryError]:
        self.lines_read = number
        while lines and not lines[-1][1].strip():
            lines.pop()
        if failed is not None:
            self.entries_found += 1
            yield failed
            return
        if not lines:
            return
        if is_boilerplate(next(text for _n, text in lines if text.strip()).strip()) and all(
            not text.strip() or is_boilerplate(text.strip()) for _n, text in lines
        ):
            # Only the page's navigation (after a separator, or a page of links): no entry.
            self.skipped_lines += sum(1 for _n, text in lines if text.strip())
            return
        self.entries_found += 1
        yield lines


#: Every "Last updated:" label (see LAST_UPDATED) contains one of these.
_UPDATED_WORDS = re.compile(r"(?i:updated|обновлен)")


def parse_text(text: str, *, first_line: int = 1) -> ParsedEntry:
    """Parse one entry given as a string (tests, the demo, the editor's paste box)."""
    lines = [(first_line + i, line.rstrip()) for i, line in enumerate(text.splitlines())]
    while lines and not lines[0][1].strip():
        lines.pop(0)
    while lines and not lines[-1][1].strip():
        lines.pop()
    return parse_lines(lines)


class TextSource(HandbookFile):
    """Entries from text already decoded (an HTML page's text, say): the same reading,
    ``display`` naming the file the text came from."""

    def __init__(self, text: str, *, display: str, encoding: str, path: str | Path = "") -> None:
        self.path = Path(path or display)
        self.display = display
        self.text = text
        self.empty = not text.strip()
        self.binary = False
        self.encoding = encoding
        self.entries_found = 0
        self.lines_read = 0
        self.skipped_lines = 0

    def _decoded_lines(self, encoding: str) -> Iterator[tuple[int, str | None]]:
        for number, line in enumerate(self.text.split("\n"), start=1):
            yield number, line.rstrip("\r")
