"""The CSV writer: Excel reads Cyrillic, and no cell runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from vigil.core.spreadsheet import BOM, csv_lines, safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+7 495 123", "'+7 495 123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Группа 12", "Группа 12"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (5, 5),
        (0, 0),
        (True, "true"),
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_csv_has_bom_header_and_safe_rows() -> None:
    text = "".join(csv_lines(["Группа", "Письма"], [["=cmd", 3], ["Казань, 1", 0]]))
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [["Группа", "Письма"], ["'=cmd", "3"], ["Казань, 1", "0"]]
    # Excel opens it as UTF-8 because of the byte-order mark.
    assert text.encode()[:3] == b"\xef\xbb\xbf"
