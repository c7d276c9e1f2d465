"""CSV and JSON export and import of directory entries that round-trip every field.

**JSON**: a list with one object per organisation, exactly as
:func:`vigil.directory.snapshots.snapshot` gives it (names ``name_en``/``name_ru``, aliases,
former names, slug, the description sections, attribution, source, sponsor, source address,
``last_updated`` as ``YYYY-MM-DD``, ``verified_at`` as ISO date-time or null, ``is_published``,
``source_encoding``, ``unparsed_lines``, ``import_key``, ``regions`` and ``topics`` as lists of
slugs, ``offices``, ``contacts`` and ``publications`` as lists of objects with their channels),
plus ``original_text`` and ``created_at`` (ISO date-time).  Keys are sorted; UTF-8.

**CSV**: one row per organisation, UTF-8, a header row with the columns of :data:`COLUMNS`
(the same keys as the JSON).  Text columns are written as they are; ``is_published`` is
``true``/``false``; ``last_updated``, ``verified_at`` and ``created_at`` are ISO dates or empty
for none; the list columns (``aliases``, ``former_names``, ``unparsed_lines``, ``regions``,
``topics``, ``offices``, ``contacts``, ``publications``) are JSON-encoded cells, nested objects
as in the JSON export.

A contact's ``office`` is the ``position`` of its office in the same entry (or null).
Importing matches entries by ``slug``: an existing entry is replaced field by field, a new one is
created; topics missing from the database are created with their slug as name.  Revisions and
suggestions are not part of an export.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import Organisation, Region
from .snapshots import snapshot

COLUMNS = [
    "slug", "name_en", "name_ru", "aliases", "former_names", "mission", "history", "activities",
    "membership", "attribution", "source", "sponsor", "source_url", "last_updated",
    "verified_at", "is_published", "source_encoding", "unparsed_lines", "import_key",
    "created_at", "original_text", "regions", "topics", "offices", "contacts", "publications",
]  # fmt: skip
JSON_COLUMNS = frozenset(
    {"aliases", "former_names", "unparsed_lines", "regions", "topics", "offices", "contacts",
     "publications"}
)  # fmt: skip
BOOL_COLUMNS = frozenset({"is_published"})
NULLABLE_COLUMNS = frozenset({"last_updated", "verified_at", "created_at"})


class ExchangeError(ValueError):
    """A file that cannot be read: ``line`` names where (1 for the whole file)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}, line {line}: {message}")
        self.path, self.line, self.message = path, line, message


def region_with_descendants(slug: str) -> list[str]:
    region = Region.objects.get(slug=slug)
    slugs, frontier = [region.slug], [region.pk]
    while frontier:
        children = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", "slug"))
        frontier = [pk for pk, _slug in children]
        slugs += [child_slug for _pk, child_slug in children]
    return slugs


def organisations(region: str | None = None) -> QuerySet[Organisation]:
    queryset = Organisation.objects.all()
    if region:
        queryset = queryset.filter(regions__slug__in=region_with_descendants(region)).distinct()
    return queryset.order_by("slug")


def entry_record(organisation: Organisation) -> dict[str, Any]:
    """One organisation as exported: the snapshot plus the source text and creation time."""
    data = snapshot(organisation)
    data["original_text"] = organisation.original_text
    data["created_at"] = organisation.created_at.isoformat()
    return data


def records(queryset: QuerySet[Organisation]) -> Iterator[dict[str, Any]]:
    for organisation in queryset.iterator(chunk_size=500):
        yield entry_record(organisation)


def write_json(queryset: QuerySet[Organisation], out: IO[str]) -> int:
    """Stream the list of entries; returns how many were written."""
    count = 0
    out.write("[")
    for record in records(queryset):
        out.write(",\n" if count else "\n")
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True))
        count += 1
    out.write("\n]\n")
    return count


def _cell(column: str, value: Any) -> str:
    if column in JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if column in BOOL_COLUMNS:
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def write_csv(queryset: QuerySet[Organisation], out: IO[str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for record in records(queryset):
        writer.writerow([_cell(column, record.get(column)) for column in COLUMNS])
        count += 1
    return count


def _from_cell(column: str, cell: str) -> Any:
    if column in JSON_COLUMNS:
        return json.loads(cell) if cell else []
    if column in BOOL_COLUMNS:
        return cell.strip().lower() in ("true", "1", "yes")
    if column in NULLABLE_COLUMNS:
        return cell or None
    return cell


def read_csv(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each row; raises :class:`ExchangeError`."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("slug",) if c not in (reader.fieldnames or [])]
        if missing:
            raise ExchangeError(str(path), 1, _("the header row has no “slug” column"))
        for row in reader:
            line = reader.line_num
            try:
                record = {
                    column: _from_cell(column, cell)
                    for column, cell in row.items()
                    if column in COLUMNS and cell is not None
                }
            except json.JSONDecodeError as exc:
                raise ExchangeError(
                    str(path),
                    line,
                    _("a list column is not valid JSON: %(error)s") % {"error": exc},
                ) from exc
            yield line, record


def read_json(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(position in the list, record); raises :class:`ExchangeError` naming the line."""
    with Path(path).open(encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            raise ExchangeError(str(path), exc.lineno, exc.msg) from exc
    if not isinstance(data, list):
        raise ExchangeError(str(path), 1, _("expected a list of organisations"))
    for index, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise ExchangeError(
                str(path), 1, _("item %(index)d is not an organisation") % {"index": index}
            )
        yield index, record


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".json":
        return read_json(path)
    raise ExchangeError(str(path), 1, _("the file name must end in .csv or .json"))
