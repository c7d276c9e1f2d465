"""The one CSV writer for downloads opened in spreadsheets (petitions, coordination, the
directory): a byte-order mark first, and no cell a spreadsheet would run.

Excel reads a CSV without a BOM in the machine's legacy code page and shows Cyrillic as
mojibake.  A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheets skip before looking) is taken as a formula, so a group named
``=HYPERLINK(...)`` would become a live link in the coordinator's spreadsheet (CSV injection).
Such cells get a leading apostrophe, which spreadsheets show as text and hide.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str | int:
    """The value as a spreadsheet should see it: numbers as numbers, text never as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The table as CSV text, a line at a time (for a streamed response), BOM first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow([safe_cell(cell) for cell in header])
    yield BOM + flush()
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
        yield flush()


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole table as UTF-8 bytes, BOM first (for a file in one piece)."""
    return "".join(csv_lines(header, rows)).encode()
