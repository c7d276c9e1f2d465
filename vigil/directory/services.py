"""Writes to the directory: imports, edits, suggestions.  Views, the API and commands call these."""

from __future__ import annotations

import collections
import ctypes
import ctypes.util
import datetime
import functools
import itertools
import json
import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import slugify

from . import translit
from .import_reasons import stored_reasons
from .importer import EntryError, HandbookFile, ParsedEntry, normalise_russian_phone
from .models import (
    Channel,
    Contact,
    ImportProposal,
    Office,
    Organisation,
    Publication,
    Region,
    Revision,
    Suggestion,
    Topic,
)

#: The importer's bookkeeping and the source: not part of an entry's history or diffs.
_NOT_IN_SNAPSHOT = ["id", "regions", "topics", "original_text", "created_at", "import_confidence",
                    "import_reasons"]  # fmt: skip


def snapshot(organisation: Organisation) -> dict[str, Any]:
    """The whole entry as plain data: fields, regions, topics, offices, contacts, publications."""
    data = model_to_dict(
        organisation,
        exclude=_NOT_IN_SNAPSHOT,
    )
    data["last_updated"] = (
        organisation.last_updated.isoformat() if organisation.last_updated else None
    )
    data["verified_at"] = organisation.verified_at.isoformat() if organisation.verified_at else None
    data["regions"] = sorted(organisation.regions.values_list("slug", flat=True))
    data["topics"] = sorted(organisation.topics.values_list("slug", flat=True))
    data["offices"] = [
        {
            **model_to_dict(office, exclude=["id", "organisation"]),
            "channels": [
                model_to_dict(c, fields=["kind", "value", "normalised", "withheld", "note"])
                for c in office.channels.all()
            ],
        }
        for office in organisation.offices.all()
    ]
    data["contacts"] = [
        {
            **model_to_dict(contact, fields=["name", "role", "is_published", "position"]),
            "office": contact.office.position if contact.office else None,
            "channels": [
                model_to_dict(c, fields=["kind", "value", "normalised", "withheld", "note"])
                for c in contact.channels.all()
            ],
        }
        for contact in organisation.contacts.select_related("office")
    ]
    data["publications"] = [
        model_to_dict(p, exclude=["id", "organisation"]) for p in organisation.publications.all()
    ]
    return data


def record_revision(
    organisation: Organisation, *, author: Any = None, summary: str = ""
) -> Revision:
    """Keep the entry as it now is; called after every import and edit, inside its transaction."""
    return Revision.objects.create(
        organisation=organisation,
        author=author if getattr(author, "pk", None) else None,
        summary=summary[:300],
        snapshot=snapshot(organisation),
    )


# --- pages: suggestions and the editor (appended by the pages work) ------------------------


def suggest_correction(
    organisation: Organisation, *, text: str, contact_email: str = ""
) -> Suggestion:
    """A correction proposed by the public; it waits for a directory editor."""
    return Suggestion.objects.create(
        organisation=organisation, text=text.strip()[:5000], contact_email=contact_email.strip()
    )


def review_suggestion(
    suggestion: Suggestion, *, reviewer: Any, accept: bool, note: str = ""
) -> Suggestion:
    """Accept or decline a suggestion, with the editor's note."""
    suggestion.status = Suggestion.Status.ACCEPTED if accept else Suggestion.Status.DECLINED
    suggestion.reviewed_by = reviewer if getattr(reviewer, "pk", None) else None
    suggestion.reviewed_at = timezone.now()
    suggestion.review_note = note.strip()
    suggestion.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    return suggestion


def normalise_channel_value(kind: str, value: str) -> str:
    """Phones and faxes: international digits (095-291-29-04 → +70952912904); e-mails: lower."""
    value = value.strip()
    if kind in (Channel.Kind.PHONE, Channel.Kind.FAX):
        # The importer's rule, so edited and imported numbers are found the same way.
        return normalise_russian_phone(value)
    if kind == Channel.Kind.EMAIL:
        return value.lower()
    return value


def _replace_channels(
    *, office: Office | None = None, contact: Contact | None = None, channels: list[dict[str, Any]]
) -> None:
    owner = {"office": office} if office is not None else {"contact": contact}
    Channel.objects.filter(**owner).delete()
    Channel.objects.bulk_create(
        Channel(
            **owner,
            kind=item["kind"],
            value="" if item.get("withheld") else item.get("value", "").strip(),
            normalised=""
            if item.get("withheld")
            else normalise_channel_value(item["kind"], item.get("value", "")),
            withheld=bool(item.get("withheld")),
            position=position,
        )
        for position, item in enumerate(channels)
    )


ENTRY_FIELDS = (
    "name_ru", "name_en", "aliases", "former_names", "slug", "mission", "history", "activities",
    "membership", "attribution", "source", "sponsor", "source_url", "last_updated",
    "is_published", "unparsed_lines",
)  # fmt: skip


@transaction.atomic
def update_entry(
    organisation: Organisation | None,
    *,
    fields: dict[str, Any],
    regions: Any = None,
    topics: Any = None,
    offices: list[dict[str, Any]] | None = None,
    contacts: list[dict[str, Any]] | None = None,
    publications: list[dict[str, Any]] | None = None,
    mark_verified: bool = False,
    author: Any = None,
    summary: str = "",
) -> Organisation:
    """Create or change an entry from the editor, in one transaction, and record a revision.

    ``offices``/``contacts``/``publications`` are lists of dicts; a dict with ``"id"`` changes
    that row, one without creates a row, ``"delete": True`` removes it; rows left out stay.
    Offices and contacts carry ``"channels"``: ``[{"kind", "value", "withheld"}]`` replacing
    theirs.  A contact's ``"office"`` is an Office of this entry (or None).
    """
    creating = organisation is None
    if organisation is None:
        organisation = Organisation()
    elif not Revision.objects.filter(organisation=organisation).exists():
        # Keep the entry as it was (read afresh: a form may have changed the instance), so the
        # history shows what the first edit changed.
        record_revision(
            Organisation.objects.get(pk=organisation.pk), summary="Entry before its first edit"
        )
    for name, value in fields.items():
        if name in ENTRY_FIELDS:
            setattr(organisation, name, value)
    if mark_verified:
        organisation.verified_at = timezone.now()
    organisation.save()
    if regions is not None:
        organisation.regions.set(regions)
    if topics is not None:
        organisation.topics.set(topics)

    def apply(model: Any, rows: list[dict[str, Any]] | None, attrs: tuple[str, ...]) -> None:
        for position, row in enumerate(rows or []):
            instance = None
            if row.get("id"):
                instance = model.objects.filter(organisation=organisation, pk=row["id"]).first()
            if row.get("delete"):
                if instance is not None:
                    instance.delete()
                continue
            if instance is None:
                instance = model(organisation=organisation)
            for attr in attrs:
                if attr in row:
                    setattr(instance, attr, row[attr])
            instance.position = position
            instance.save()
            if "channels" in row:
                key = "office" if model is Office else "contact"
                _replace_channels(**{key: instance}, channels=row["channels"])

    apply(Office, offices, ("label", "city", "postal_code", "street_lines", "po_box"))
    apply(Contact, contacts, ("name", "role", "office", "is_published"))
    apply(
        Publication,
        publications,
        ("title", "frequency", "language", "description", "prepared_by"),
    )
    default = "Entry created" if creating else "Entry edited"
    record_revision(organisation, author=author, summary=summary or default)
    return organisation


def publish_draft(organisation: Organisation, *, author: Any) -> Organisation:
    """A draft from the review queue, checked by staff, goes public."""
    with transaction.atomic():
        organisation.is_published = True
        organisation.save(update_fields=["is_published", "updated_at"])
        record_revision(organisation, author=author, summary="Published after review")
    return organisation


# --- import and restore (appended by the importer work) --------------------------------------


def import_key_for(name: str) -> str:
    """The name that identifies an imported entry: case-folded, whitespace collapsed."""
    return " ".join(name.casefold().split())[:300]


#: Addresses the directory's own pages use (``/directory/search/`` ...).
RESERVED_SLUGS = frozenset({"new", "review", "region", "search", "export", "import"})


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(translit.to_latin(name))[:190].strip("-") or "organisation"
    slug, counter = base, 1
    taken = Organisation.objects.exclude(pk=exclude_pk) if exclude_pk else Organisation.objects
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


@dataclass
class ImportResult:
    """What an import did, or would do with ``dry_run``: ``diff`` maps field paths to
    (before, after), e.g. ``{"offices[0].city": ("", "Moscow")}``."""

    status: str  # "created", "updated" or "unchanged"
    name: str
    slug: str
    diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    organisation: Organisation | None = None
    dry_run: bool = False


def flatten_snapshot(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested snapshot -> {"offices[0].channels[1].value": ...}; plain lists stay whole."""
    flat: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten_snapshot(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and data and all(isinstance(item, dict) for item in data):
        for index, item in enumerate(data):
            flat.update(flatten_snapshot(item, f"{prefix}[{index}]"))
    else:
        flat[prefix] = data
    return flat


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    old, new = flatten_snapshot(before), flatten_snapshot(after)
    diff: dict[str, tuple[Any, Any]] = {}
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) == new.get(key):
            continue
        if (key not in new and old[key] == []) or (key not in old and new[key] == []):
            continue  # an empty list of offices (say) against its expanded items
        diff[key] = (old.get(key), new.get(key))
    return diff


def _empty_snapshot() -> dict[str, Any]:
    data = model_to_dict(
        Organisation(),
        exclude=_NOT_IN_SNAPSHOT,
    )
    data.update(
        last_updated=None, verified_at=None, regions=[], topics=[], offices=[], contacts=[],
        publications=[],
    )  # fmt: skip
    return data


def _channel_dicts(channels: Any) -> list[dict[str, Any]]:
    return [
        {
            "kind": c.kind,
            "value": c.value,
            "normalised": c.normalised,
            "withheld": c.withheld,
            "note": c.note,
        }
        for c in channels
    ]


def _proposed_from_parsed(
    parsed: ParsedEntry,
    before: dict[str, Any],
    slug: str,
    *,
    regions: dict[str, Region] | None = None,
    is_new: bool = True,
) -> dict[str, Any]:
    if regions is None:
        regions = {r.slug: r for r in Region.objects.filter(slug__in=parsed.regions)}
    data = dict(before)
    published = {(c["name"], c["role"]): c["is_published"] for c in before.get("contacts", [])}
    if parsed.name_en:
        data["name_en"] = parsed.name_en[:300]
    if parsed.name_ru:
        data["name_ru"] = parsed.name_ru[:300]
    data.update(
        slug=slug,
        import_key=import_key_for(parsed.name),
        mission=parsed.mission,
        history=parsed.history,
        activities=parsed.activities,
        membership=parsed.membership,
        attribution=parsed.attribution,
        source=parsed.source,
        sponsor=parsed.sponsor[:300],
        source_url=parsed.source_url[:500],
        last_updated=parsed.last_updated.isoformat() if parsed.last_updated else None,
        source_encoding=parsed.source_encoding[:32],
        unparsed_lines=parsed.unparsed_lines,
        # An unsure entry is a draft for staff (the review queue); an existing entry keeps
        # what staff decided.
        is_published=not parsed.needs_review if is_new else before["is_published"],
        regions=sorted({slug for slug in parsed.regions if slug in regions}),
        offices=[
            {
                "label": o.label[:200],
                "city": o.city[:120],
                "postal_code": o.postal_code[:20],
                "street_lines": list(o.street_lines),
                "po_box": o.po_box[:60],
                "position": position,
                "channels": _channel_dicts(o.channels),
            }
            for position, o in enumerate(parsed.offices)
        ],
        contacts=[
            {
                "name": c.name[:200],
                "role": c.role[:120],
                "is_published": published.get((c.name[:200], c.role[:120]), True),
                "position": position,
                "office": c.office,
                "channels": _channel_dicts(c.channels),
            }
            for position, c in enumerate(parsed.contacts)
        ],
        publications=[
            {
                "title": p.title[:300],
                "frequency": p.frequency[:60],
                "language": p.language[:60],
                "description": p.description,
                "prepared_by": p.prepared_by[:300],
                "position": position,
            }
            for position, p in enumerate(parsed.publications)
        ],
    )
    return data


_SCALAR_FIELDS = (
    "name_ru", "name_en", "aliases", "former_names", "slug", "mission", "history", "activities",
    "membership", "attribution", "source", "sponsor", "source_url", "is_published",
    "source_encoding", "unparsed_lines", "import_key",
)  # fmt: skip


def _parse_datetime(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def write_snapshot(
    organisation: Organisation,
    data: dict[str, Any],
    *,
    original_text: str | None = None,
    created_at: str | None = None,
) -> Organisation:
    """Make the entry exactly ``data`` (the shape :func:`snapshot` gives), replacing its offices,
    contacts, channels, publications, regions and topics.  Call inside a transaction."""
    for name in _SCALAR_FIELDS:
        if name in data:
            setattr(organisation, name, data[name])
    last_updated = data.get("last_updated")
    organisation.last_updated = datetime.date.fromisoformat(last_updated) if last_updated else None
    organisation.verified_at = _parse_datetime(data.get("verified_at"))
    if original_text is not None:
        organisation.original_text = original_text
    if created_at:
        organisation.created_at = datetime.datetime.fromisoformat(created_at)
    organisation.save()
    organisation.regions.set(Region.objects.filter(slug__in=data.get("regions", [])))
    topics = []
    for slug in data.get("topics", []):
        topic, _created = Topic.objects.get_or_create(slug=slug, defaults={"name_en": slug})
        topics.append(topic)
    organisation.topics.set(topics)
    organisation.contacts.all().delete()
    organisation.offices.all().delete()
    organisation.publications.all().delete()
    offices = Office.objects.bulk_create(
        Office(
            organisation=organisation,
            **{k: row.get(k, default) for k, default in _OFFICE_DEFAULTS.items()},
        )
        for row in data.get("offices", [])
    )
    by_position: dict[int, Office] = {}
    for office in offices:
        by_position.setdefault(office.position, office)
    contacts = Contact.objects.bulk_create(
        Contact(
            organisation=organisation,
            office=by_position.get(row["office"]) if row.get("office") is not None else None,
            name=row["name"],
            role=row.get("role", ""),
            is_published=row.get("is_published", True),
            position=row.get("position", 0),
        )
        for row in data.get("contacts", [])
    )
    channels = [
        Channel(office=office, position=position, **_channel_fields(item))
        for office, row in zip(offices, data.get("offices", []), strict=True)
        for position, item in enumerate(row.get("channels", []))
    ] + [
        Channel(contact=contact, position=position, **_channel_fields(item))
        for contact, row in zip(contacts, data.get("contacts", []), strict=True)
        for position, item in enumerate(row.get("channels", []))
    ]
    Channel.objects.bulk_create(channels)
    Publication.objects.bulk_create(
        Publication(
            organisation=organisation,
            **{k: row.get(k, default) for k, default in _PUBLICATION_DEFAULTS.items()},
        )
        for row in data.get("publications", [])
    )
    return organisation


_OFFICE_DEFAULTS: dict[str, Any] = {
    "label": "", "city": "", "postal_code": "", "street_lines": [], "po_box": "", "position": 0,
}  # fmt: skip
_PUBLICATION_DEFAULTS: dict[str, Any] = {
    "title": "", "frequency": "", "language": "", "description": "", "prepared_by": "",
    "position": 0,
}  # fmt: skip


def _channel_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": item["kind"],
        "value": item.get("value", ""),
        "normalised": item.get("normalised", ""),
        "withheld": bool(item.get("withheld", False)),
        "note": item.get("note", ""),
    }


def _apply(
    existing: Organisation | None,
    proposed: dict[str, Any],
    *,
    before: dict[str, Any],
    original_text: str | None,
    created_at: str | None = None,
    dry_run: bool,
    author: Any,
    summary: str,
) -> ImportResult:
    name = proposed.get("name_en") or proposed.get("name_ru") or ""
    diff = snapshot_diff(before, proposed)
    if existing is not None and original_text not in (None, existing.original_text):
        diff["original_text"] = (existing.original_text, original_text)
    if existing is not None and created_at and existing.created_at.isoformat() != created_at:
        diff["created_at"] = (existing.created_at.isoformat(), created_at)
    if existing is None:
        status = "created"
    elif diff:
        status = "updated"
    else:
        return ImportResult("unchanged", name, proposed["slug"], {}, existing, dry_run)
    if dry_run:
        return ImportResult(status, name, proposed["slug"], diff, existing, dry_run)
    from . import search  # here: search imports the models, and signals import search

    with search.deferred(), transaction.atomic():
        organisation = write_snapshot(
            existing or Organisation(), proposed, original_text=original_text,
            created_at=created_at,
        )  # fmt: skip
        record_revision(organisation, author=author, summary=summary)
    return ImportResult(status, name, proposed["slug"], diff, organisation, dry_run)


def import_entry(parsed: ParsedEntry, *, dry_run: bool = False, author: Any = None) -> ImportResult:
    """Create the entry, or, when it is an edition of an existing one (see
    :mod:`vigil.directory.editions`), propose what it adds to staff without writing over it.

    Results: ``created``; ``unchanged`` (the same text again, or nothing new); ``proposed``
    (an :class:`ImportProposal` waits in the review queue).  With ``dry_run`` nothing is
    written and the same result and diff are returned.
    """
    from . import editions  # here: editions imports the models and these services

    key = import_key_for(parsed.name)
    existing = editions.find_existing(parsed, key)
    if existing is None:
        before = _empty_snapshot()
        proposed = _proposed_from_parsed(parsed, before, unique_slug(parsed.name))
        return _apply(
            None, proposed, before=before, original_text=parsed.original_text,
            dry_run=dry_run, author=author, summary="import",
        )  # fmt: skip
    name = existing.name_en or existing.name_ru
    if editions.already_seen(existing, parsed.original_text):
        return ImportResult("unchanged", name, existing.slug, {}, existing, dry_run)
    before = snapshot(existing)
    edition = _proposed_from_parsed(parsed, _empty_new(), existing.slug)
    proposed = editions.merge(before, edition)
    diff = snapshot_diff(before, proposed)
    if not diff:
        return ImportResult("unchanged", name, existing.slug, {}, existing, dry_run)
    if not dry_run:
        ImportProposal.objects.create(
            organisation=existing,
            proposed=proposed,
            diff={path: [old, new] for path, (old, new) in diff.items()},
            original_text=parsed.original_text,
            source_path=parsed.path[:500],
        )
    return ImportResult("proposed", name, existing.slug, diff, existing, dry_run)


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


def _base_slug(name: str) -> str:
    return slugify(translit.to_latin(name))[:190].strip("-") or "organisation"


_empty_template: dict[str, Any] | None = None


def _empty_new() -> dict[str, Any]:
    """:func:`_empty_snapshot`, without building a model instance for every entry."""
    global _empty_template
    if _empty_template is None:
        _empty_template = _empty_snapshot()
    return {k: list(v) if isinstance(v, list) else v for k, v in _empty_template.items()}


def prepare(
    parsed: ParsedEntry, regions: dict[str, Any], *, with_document: bool = True
) -> Prepared:
    """The entry as new, and its search document; ``regions``: every Region by slug."""
    proposed = _proposed_from_parsed(parsed, _empty_new(), "", regions=regions)
    document = _document_of_new(proposed, regions) if with_document else None
    return Prepared(parsed, proposed["import_key"], _base_slug(parsed.name), proposed, document)


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
    org = SimpleNamespace(**{name: proposed[name] for name in _SCALAR_FIELDS})
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
    from . import editions  # here: editions imports the models and these services

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
    their :func:`_base_slug`."""
    taken = set(Organisation.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    slugs = []
    for base in bases:
        if base in taken or base in RESERVED_SLUGS:
            slug = _free_slug(base)
            while slug in taken:  # taken by an entry of this batch, not yet in the database
                slug = f"{slug}-{len(taken)}"
        else:
            slug = base
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _free_slug(base: str) -> str:
    slug, counter = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


def _create_together(
    fresh: list[tuple[ParsedEntry, Prepared | None]], *, dry_run: bool, author: Any
) -> Iterator[ImportResult]:
    if not fresh:
        return
    regions = _regions_by_slug()
    planned = [
        prepared if prepared is not None else prepare(parsed, regions, with_document=not dry_run)
        for parsed, prepared in fresh
    ]
    slugs = _unique_slugs([p.base_slug for p in planned])
    for prepared, slug in zip(planned, slugs, strict=True):
        prepared.proposed["slug"] = slug
    if dry_run:
        empty = _empty_new()
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


def _regions_by_slug() -> dict[str, Region]:
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


# --- reading a file in worker processes ------------------------------------------------------
#: Files at least this large are parsed (and their search documents built) by worker
#: processes while this one writes to the database; smaller ones are read in this process.
PARALLEL_BYTES = 256 * 1024
#: Entries handed to a worker at a time.
WORKER_CHUNK = 50
#: Most worker processes (the machine's processors, up to this).
MAX_WORKERS = 4

#: What the workers of the running import read: (file, regions by slug, build documents).  Set
#: before the processes are forked, so they inherit it and never touch the database.
_job: tuple[HandbookFile, dict[str, Region], bool] | None = None


def worker_count(source: HandbookFile) -> int:
    """Worker processes for this file: none (read here) for a small file, on one processor, or
    when this process runs other threads (forking them is unsafe)."""
    try:
        size = source.path.stat().st_size
    except OSError:
        return 0
    processors = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if size < PARALLEL_BYTES or processors < 2 or threading.active_count() > 1:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(processors, MAX_WORKERS)


def read_prepared(
    source: HandbookFile, *, dry_run: bool = False, workers: int | None = None
) -> Iterator[Prepared | EntryError]:
    """The entries of a file, parsed and prepared (:func:`prepare`), with its read errors, in
    file order.  With workers, chunks of entries go to a pool of forked processes, a bounded
    number in flight (memory stays flat), the results come back in order."""
    from . import search  # here: search imports the models, and signals import search

    global _job
    regions = _regions_by_slug()
    search.load_places()  # the region names documents use, read before forking
    workers = worker_count(source) if workers is None else workers
    if workers < 2:
        for item in source.raw_entries():
            yield _prepare_raw(source, item, regions, not dry_run)
        return
    in_flight = IMPORT_BATCH // WORKER_CHUNK + 2 * workers
    _job = (source, regions, not dry_run)
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        pending: collections.deque[Any] = collections.deque()
        for chunk in itertools.batched(source.raw_entries(), WORKER_CHUNK):
            pending.append(pool.apply_async(_prepare_chunk, (chunk,)))
            if len(pending) >= in_flight:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
    finally:
        _job = None
        pool.terminate()
        pool.join()


#: Give freed memory back to the system after every batch of an import (see release_memory).
TRIM_MEMORY = True


@functools.cache
def _malloc_trim() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``).

    Each batch of an import frees megabytes of pickled results, row tuples and SQL buffers
    that the C allocator otherwise keeps, scattered between live blocks, so the resident
    memory of a long import grows although the live data does not."""
    trim = _malloc_trim() if TRIM_MEMORY else None
    if trim is not None:
        trim(0)


def _prepare_raw(
    source: HandbookFile,
    item: list[tuple[int, str]] | EntryError,
    regions: dict[str, Region],
    with_document: bool,
) -> Prepared | EntryError:
    if isinstance(item, EntryError):
        return item
    parsed = source.parse(item)
    if isinstance(parsed, EntryError):
        return parsed
    return prepare(parsed, regions, with_document=with_document)


def _prepare_chunk(chunk: tuple[list[tuple[int, str]] | EntryError, ...]) -> list[Any]:
    """In a worker process: no database, only the file's text and the job's regions."""
    assert _job is not None  # noqa: S101 -- set by read_prepared before the fork
    source, regions, with_document = _job
    prepared = [_prepare_raw(source, item, regions, with_document) for item in chunk]
    for item in prepared:
        if isinstance(item, Prepared):
            # Where each line went is for tests and the editor, not for writing: it is half the
            # cost of passing an entry back (its keys are all distinct strings).
            item.parsed.trace = {}
    return prepared


def restore_entry(
    data: dict[str, Any], *, dry_run: bool = False, author: Any = None
) -> ImportResult:
    """Create or update an entry from exported data (:mod:`vigil.directory.exchange`), matched
    by its slug; every field is taken from ``data``."""
    slug = str(data.get("slug") or "")
    if not slug:
        raise ValueError("an exported entry needs its slug")
    existing = Organisation.objects.filter(slug=slug).first()
    before = snapshot(existing) if existing is not None else _empty_snapshot()
    proposed = _empty_snapshot()
    proposed.update({k: v for k, v in data.items() if k in proposed})
    proposed["regions"] = sorted(proposed["regions"])
    proposed["topics"] = sorted(proposed["topics"])
    return _apply(
        existing, proposed, before=before,
        original_text=data.get("original_text") if "original_text" in data else None,
        created_at=data.get("created_at") or None, dry_run=dry_run, author=author,
        summary="import-data",
    )  # fmt: skip
