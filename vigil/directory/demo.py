"""Demo directory: seed 000, the Amnesty International - Russia entry of the 1990s handbook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from .import_writes import import_entry
from .importer import EntryError, HandbookFile

SEED = Path("seeds") / "000_1dc073592e07a6d7.txt"


def load() -> Iterator[str]:
    path = Path(settings.BASE_DIR) / SEED
    if not path.exists():
        yield f"Directory: {SEED} not found, no demo entries"
        return
    for item in HandbookFile(path):
        if isinstance(item, EntryError):
            yield f"Directory: {item}"
            continue
        result = import_entry(item)
        yield f"Directory: {result.name} ({result.status}) at /directory/{result.slug}/"
