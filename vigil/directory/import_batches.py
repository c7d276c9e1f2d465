"""Importing many entries (:func:`import_entries`): those new to the directory are written
together, a batch per transaction, as plain rows (one statement, or COPY, per table) with their
search documents; the others go through :func:`.import_writes.import_entry`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import editions
from .import_reasons import stored_reasons
from .import_writes import (
    RESERVED_SLUGS,
    ImportResult,
    base_slug,
    free_slug,
    import_entry,
    import_key_for,
    proposed_from_parsed,
)
from .importer import ParsedEntry
from .models import Channel, Contact, Office, Organisation, Publication, Region, Revision
from .snapshots import SCALAR_FIELDS, empty_new_snapshot, snapshot_diff


def import_entries(
    entries: Iterable[ParsedEntry | Prepared], *, dry_run: bool = False, author: Any = None
) -> Iterator[ImportResult]:
    """:func:`import_entry` for many entries: the same result per entry, in order (except
    that the result of an entry created in a batch carries no ``organisation`` instance).

    Entries new to the directory are written together, a batch per transaction: their rows as
    plain tuples, one statement (or COPY) per table, and their search documents.  An entry that
    already exists, or that repeats a name earlier in its batch, goes through
    :func:`import_entry` after the batch before it.  ``entries`` may come prepared
    (:func:`prepare`, e.g. by the worker processes of :func:`read_prepared`).
    """
    batch: list[ParsedEntry | Prepared] = []
    for parsed in entries:
        batch.append(parsed)
        if len(batch) >= IMPORT_BATCH:
            yield from _import_batch(batch, dry_run=dry_run, author=author)
            batch = []
    if batch:
        yield from _import_batch(batch, dry_run=dry_run, author=author)


def finish_import() -> None:
    """Once an import has written its files: the search index tidied for reading (see
    ``search.settle``), so the first searches after a large import are not the slowest."""
    from . import search

    search.settle()


#: Entries written per transaction by :func:`import_entries`.
IMPORT_BATCH = 500


@dataclass
class Prepared:
    """An entry read from a file with everything writing it as a new entry needs that does not
    depend on the database: built where it was parsed (a worker process, see
    :func:`read_prepared`), so the process writing to the database only writes."""

    parsed: ParsedEntry
    key: str
    base_slug: str
    #: The entry as new (the shape of :func:`snapshot`); its "slug" is set when it is written.
    proposed: dict[str, Any]
    #: Its search document (``search.Document``), or None (a dry run needs none).
    document: Any = None


def prepare(
    parsed: ParsedEntry, regions: dict[str, Any], *, with_document: bool = True
) -> Prepared:
    """The entry as new, and its search document; ``regions``: every Region by slug."""
    proposed = proposed_from_parsed(parsed, empty_new_snapshot(), "", regions=regions)
    document = _document_of_new(proposed, regions) if with_document else None
    return Prepared(parsed, proposed["import_key"], base_slug(parsed.name), proposed, document)


def _document_of_new(proposed: dict[str, Any], regions: dict[str, Any]) -> Any:
    """The search document of a new entry from its planned rows (no database)."""
    from . import search  # here: search imports the models, and signals import search

    if not proposed["is_published"]:
        return None

    def channels(rows: list[dict[str, Any]]) -> list[SimpleNamespace]:
        return [SimpleNamespace(**row) for row in rows]

    offices = [
        SimpleNamespace(**{**row, "loaded_channels": channels(row["channels"])})
        for row in proposed["offices"]
    ]
    contacts = [
        SimpleNamespace(**{**row, "loaded_channels": channels(row["channels"])})
        for row in proposed["contacts"]
        if row["is_published"]
    ]
    # A plain namespace, not an Organisation: a model instance costs more than the document.
    org = SimpleNamespace(**{name: proposed[name] for name in SCALAR_FIELDS})
    org.last_updated = proposed.get("last_updated")  # the search's static order reads it
    return search.document_of(
        org,
        offices=offices,
        contacts=contacts,
        regions=[regions[slug] for slug in proposed["regions"]],
        topics=[],
        publications=[SimpleNamespace(**row) for row in proposed["publications"]],
        channels=[ch for owner in [*offices, *contacts] for ch in owner.loaded_channels],
    )


def _import_batch(
    batch: list[ParsedEntry | Prepared], *, dry_run: bool, author: Any
) -> Iterator[ImportResult]:
    items = [(p.parsed, p.key, p) if isinstance(p, Prepared) else (p, import_key_for(p.name), None)
             for p in batch]  # fmt: skip

    existing = set(
        Organisation.objects.filter(import_key__in={key for _p, key, _i in items}).values_list(
            "import_key", flat=True
        )
    )
    values = [editions.identifying_values(p) for p, _key, _i in items]
    known = editions.known_values(v for group in values for v in group)
    fresh: list[tuple[ParsedEntry, Prepared | None]] = []
    for index, (parsed, key, prepared) in enumerate(items):
        if key in existing or values[index] & known:
            yield from _create_together(fresh, dry_run=dry_run, author=author)
            fresh = []
            yield import_entry(parsed, dry_run=dry_run, author=author)
            continue
        if not dry_run:
            existing.add(key)
        fresh.append((parsed, prepared))
    yield from _create_together(fresh, dry_run=dry_run, author=author)


def _unique_slugs(bases: list[str]) -> list[str]:
    """:func:`unique_slug` for many new entries at once (also unique among themselves), from
    their :func:`base_slug`."""
    taken = set(Organisation.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        if base in taken or base in RESERVED_SLUGS:
            slug = free_slug(base)
            while slug in taken:  # taken by an entry of this batch, not yet in the database
                slug = f"{slug}-{len(taken)}"
        else:
            slug = base
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _create_together(
    fresh: list[tuple[ParsedEntry, Prepared | None]], *, dry_run: bool, author: Any
) -> Iterator[ImportResult]:
    if not fresh:
        return
    regions = regions_by_slug()
    planned = [
        prepared if prepared is not None else prepare(parsed, regions, with_document=not dry_run)
        for parsed, prepared in fresh
    ]
    slugs = _unique_slugs([p.base_slug for p in planned])
    for prepared, slug in zip(planned, slugs, strict=True):
        prepared.proposed["slug"] = slug
    if dry_run:
        empty = empty_new_snapshot()
        for prepared in planned:
            proposed = prepared.proposed
            name = proposed.get("name_en") or proposed.get("name_ru") or ""
            yield ImportResult(
                "created", name, proposed["slug"], snapshot_diff(empty, proposed), None, True
            )
        return
    for prepared in planned:
        if prepared.document is None and prepared.proposed["is_published"]:
            prepared.document = _document_of_new(prepared.proposed, regions)
    with transaction.atomic():
        _write_new(planned, regions, author)
    for prepared in planned:
        # The diff of a new entry is everything in it: only a dry run shows it.  No model
        # instance was made: the result names the entry (read it by its slug when needed).
        proposed = prepared.proposed
        name = proposed.get("name_en") or proposed.get("name_ru") or ""
        yield ImportResult("created", name, proposed["slug"], {}, None, False)


def regions_by_slug() -> dict[str, Region]:
    return {r.slug: r for r in Region.objects.all()}


# --- rows without model instances --------------------------------------------------------------
_ORGANISATION_COLUMNS = (
    "id", "name_ru", "name_en", "aliases", "former_names", "slug", "mission", "history",
    "activities", "membership", "attribution", "source", "sponsor", "source_url", "last_updated",
    "verified_at", "is_published", "original_text", "source_encoding", "unparsed_lines",
    "import_key", "import_confidence", "import_reasons", "created_at", "updated_at",
)  # fmt: skip
_JSON_COLUMNS = frozenset({"aliases", "former_names", "unparsed_lines", "import_reasons"})


def _reserve_ids(cursor: Any, model: Any, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, taken before they are written (one query)."""
    if not count:
        return []
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]
    # SQLite: the transaction holds the write lock (IMMEDIATE; inside atomic()), so no other
    # writer takes these ids; AUTOINCREMENT's counter never hands out a deleted row's id again.
    cursor.execute(
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
        f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0))",
        [table],
    )
    start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))


def _insert(cursor: Any, model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Write rows: COPY on PostgreSQL, one prepared INSERT run for every row on SQLite."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _write_new(planned: list[Prepared], regions: dict[str, Region], author: Any) -> list[int]:
    """Insert new entries with their offices, contacts, channels, publications, regions,
    revisions and search documents; returns their primary keys.  Call inside a transaction."""
    from . import search  # here: search imports the models, and signals import search

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    author_id = author.pk if getattr(author, "pk", None) else None
    with connection.cursor() as cursor:
        org_ids = _reserve_ids(cursor, Organisation, len(planned))
        organisations, links, revisions = [], [], []
        offices, contacts, channels, publications = [], [], [], []
        office_rows: list[tuple[int, dict[str, Any]]] = []
        contact_rows: list[tuple[int, dict[str, Any]]] = []
        for pk, prepared in zip(org_ids, planned, strict=True):
            proposed = prepared.proposed
            values = {
                **proposed,
                "id": pk,
                "original_text": prepared.parsed.original_text,
                "import_confidence": prepared.parsed.confidence,
                "import_reasons": stored_reasons(prepared.parsed),
                "verified_at": None,
                "created_at": now,
                "updated_at": now,
            }
            organisations.append(
                tuple(
                    json.dumps(values[c]) if c in _JSON_COLUMNS else values[c]
                    for c in _ORGANISATION_COLUMNS
                )
            )
            links += [(pk, regions[slug].pk) for slug in proposed["regions"]]
            office_rows += [(pk, row) for row in proposed["offices"]]
            revisions.append((pk, author_id, now, "import", json.dumps(proposed)))
            publications += [
                (pk, row["title"], row["frequency"], row["language"], row["description"],
                 row["prepared_by"], row["position"])
                for row in proposed["publications"]
            ]  # fmt: skip
        office_ids = _reserve_ids(cursor, Office, len(office_rows))
        office_of: dict[tuple[int, int], int] = {}
        for office_pk, (pk, row) in zip(office_ids, office_rows, strict=True):
            office_of.setdefault((pk, row["position"]), office_pk)
            offices.append(
                (office_pk, pk, row["label"], row["city"], row["postal_code"],
                 json.dumps(row["street_lines"]), row["po_box"], row["position"])
            )  # fmt: skip
            channels += [
                (office_pk, None, *_channel_row(item), position)
                for position, item in enumerate(row["channels"])
            ]
        for pk, prepared in zip(org_ids, planned, strict=True):
            contact_rows += [(pk, row) for row in prepared.proposed["contacts"]]
        contact_ids = _reserve_ids(cursor, Contact, len(contact_rows))
        for contact_pk, (pk, row) in zip(contact_ids, contact_rows, strict=True):
            office = office_of.get((pk, row["office"])) if row["office"] is not None else None
            contacts.append(
                (contact_pk, pk, office, row["name"], row["role"], row["is_published"],
                 row["position"])
            )  # fmt: skip
            channels += [
                (None, contact_pk, *_channel_row(item), position)
                for position, item in enumerate(row["channels"])
            ]
        _insert(cursor, Organisation, _ORGANISATION_COLUMNS, organisations)
        _insert(cursor, Organisation.regions.through, ("organisation_id", "region_id"), links)
        _insert(
            cursor, Office,
            ("id", "organisation_id", "label", "city", "postal_code", "street_lines", "po_box",
             "position"),
            offices,
        )  # fmt: skip
        _insert(
            cursor, Contact,
            ("id", "organisation_id", "office_id", "name", "role", "is_published", "position"),
            contacts,
        )  # fmt: skip
        _insert(
            cursor, Channel,
            ("office_id", "contact_id", "kind", "value", "normalised", "withheld", "note",
             "position"),
            channels,
        )  # fmt: skip
        _insert(
            cursor, Publication,
            ("organisation_id", "title", "frequency", "language", "description", "prepared_by",
             "position"),
            publications,
        )  # fmt: skip
        _insert(
            cursor, Revision,
            ("organisation_id", "author_id", "created_at", "summary", "snapshot"),
            revisions,
        )  # fmt: skip
    documents = []
    for pk, prepared in zip(org_ids, planned, strict=True):
        if prepared.document is not None:
            prepared.document.card["slug"] = prepared.proposed["slug"]
            documents.append((pk, prepared.document))
    search.write_documents(documents, new=True)
    return org_ids


def _channel_row(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["kind"], item.get("value", ""), item.get("normalised", ""),
            bool(item.get("withheld", False)), item.get("note", ""))  # fmt: skip
