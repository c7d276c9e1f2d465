"""Read handbook-style directory entries (like seed 000) into plain data, losing nothing.

An entry is the text of one organisation as the 1990s "Post-Soviet Handbook" printed it: the
name, one or more address blocks with phones, faxes and e-mails, named contacts, description
paragraphs, publications, who sent it, "Return to the ... Page." lines and "Last updated:".

* Files may be UTF-8, Windows-1251 or KOI8-R; :func:`detect_encoding` decides from a sample
  (UTF-8 strict first, then Cyrillic letter frequencies).
* A file may hold many entries: one ends after its "Last updated:" line, at a line of ``=====``
  or at a form feed.  :class:`HandbookFile` streams the file line by line and keeps one entry's
  lines at a time, so memory stays flat however large the file is.
* Nothing is lost: every non-blank line is either mapped to a field (``ParsedEntry.trace`` says
  where) or kept verbatim in ``unparsed_lines`` with its line number, and the entry's whole text
  is kept in ``original_text``.

The package does not touch the database: :func:`vigil.directory.import_writes.import_entry` writes.
"""

from __future__ import annotations

from pathlib import Path

from .lines import _classify, _normalise_phone, normalise_russian_phone, parse_date
from .parser import parse_lines
from .patterns import PROSE_LENGTH, SECTION_KEYWORDS
from .reading import HandbookFile, detect_encoding, parse_text
from .records import (
    EntryError,
    MalformedEntry,
    ParsedChannel,
    ParsedContact,
    ParsedEntry,
    ParsedOffice,
    ParsedPublication,
)

__all__ = [
    "PROSE_LENGTH", "SECTION_KEYWORDS", "EntryError", "HandbookFile", "MalformedEntry",
    "ParsedChannel", "ParsedContact", "ParsedEntry", "ParsedOffice", "ParsedPublication",
    "_classify", "_normalise_phone", "detect_encoding", "normalise_russian_phone", "parse_date",
    "parse_lines", "parse_text", "read_file",
]  # fmt: skip


def read_file(path: str | Path) -> HandbookFile:
    return HandbookFile(path)
