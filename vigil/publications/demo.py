"""Demo documents: seed 001, the 2003 news release on the Russian Resource Centre."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from .importer import ImportError_, read_file
from .services import import_document

SEED = Path("seeds") / "001_aee2a87a36fef532.txt"


def load() -> Iterator[str]:
    path = Path(settings.BASE_DIR) / SEED
    if not path.exists():
        yield f"Documents: {SEED} not found, no demo documents"
        return
    try:
        parsed = read_file(path)
    except ImportError_ as exc:
        yield f"Documents: {exc}"
        return
    result = import_document(parsed)
    yield (
        f"Documents: {result.index_number} {result.title} ({result.status}) at "
        f"/documents/d/{result.slug}/{result.language}/"
    )
