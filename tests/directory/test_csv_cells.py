"""Directory CSV downloads write no cell a spreadsheet would run (issue 14, point 11)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from vigil.directory.models import Organisation

from .factories import region_tree, seed_000

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _region_tree(db: Any) -> None:
    region_tree()


@pytest.mark.parametrize(
    "url", ["/en/directory/region/moscow/export.csv", "/en/directory/search/export.csv?q=hyperlink"]
)
def test_formula_leading_cells_are_written_as_text(client: Any, url: str) -> None:
    entry = seed_000()
    Organisation.objects.filter(pk=entry.pk).update(
        name_en='=HYPERLINK("http://evil.example/","Hyperlink")', mission="@SUM(1+1)"
    )
    entry.refresh_from_db()
    entry.save()  # the search index follows the edit
    text = client.get(url).getvalue().decode()
    assert text.startswith("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]
    assert '\'=HYPERLINK("http://evil.example/","Hyperlink")' in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
