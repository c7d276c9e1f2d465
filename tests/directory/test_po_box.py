"""A PO box is shown with its label ("а/я 212", "PO Box 212"), never as a bare number."""

from __future__ import annotations

import pytest
from django.utils import translation

from vigil.directory.models import Office
from vigil.directory.selectors import address_lines


@pytest.mark.parametrize(
    ("language", "po_box", "line"),
    [("ru", "212", "а/я 212"), ("en", "212", "PO Box 212"), ("ru", "а/я 5", "а/я 5"),
     ("en", "P.O. Box 9", "P.O. Box 9")],
)  # fmt: skip
def test_po_box_has_its_label(language: str, po_box: str, line: str) -> None:
    office = Office(city="Москва", postal_code="101000", po_box=po_box)
    with translation.override(language):
        assert address_lines(office) == [line, "101000 Москва"]
