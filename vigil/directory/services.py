"""Writes to the directory: imports, edits, suggestions.  Views, the API and commands call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import slugify

from . import translit
from .importer import ParsedEntry, normalise_russian_phone
from .models import (
    Channel,
    Contact,
    Office,
    Organisation,
    Publication,
    Region,
    Revision,
    Suggestion,
    Topic,
)


def snapshot(organisation: Organisation) -> dict[str, Any]:
    """The whole entry as plain data: fields, regions, topics, offices, contacts, publications."""
    data = model_to_dict(
        organisation, exclude=["id", "regions", "topics", "original_text", "created_at"]
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
                model_to_dict(c, fields=["kind", "value", "normalised", "withheld"])
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
                model_to_dict(c, fields=["kind", "value", "normalised", "withheld"])
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
        Organisation(), exclude=["id", "regions", "topics", "original_text", "created_at"]
    )
    data.update(
        last_updated=None, verified_at=None, regions=[], topics=[], offices=[], contacts=[],
        publications=[],
    )  # fmt: skip
    return data


def _channel_dicts(channels: Any) -> list[dict[str, Any]]:
    return [
        {"kind": c.kind, "value": c.value, "normalised": c.normalised, "withheld": c.withheld}
        for c in channels
    ]


def _proposed_from_parsed(
    parsed: ParsedEntry,
    before: dict[str, Any],
    slug: str,
    *,
    regions: dict[str, Region] | None = None,
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
    """Create or update the entry whose ``import_key`` matches the parsed name.

    Offices, contacts, channels, publications and regions are replaced as a whole; names given
    by hand in the other language, topics, aliases, ``verified_at`` and contacts marked
    unpublished are kept.  With ``dry_run`` nothing is written and the same diff is returned;
    an entry that would not change is reported ``unchanged`` and not touched.
    """
    key = import_key_for(parsed.name)
    existing = Organisation.objects.filter(import_key=key).order_by("pk").first()
    if existing is not None:
        before = snapshot(existing)
        slug = existing.slug
    else:
        before = _empty_snapshot()
        slug = unique_slug(parsed.name)
    proposed = _proposed_from_parsed(parsed, before, slug)
    return _apply(
        existing, proposed, before=before, original_text=parsed.original_text,
        dry_run=dry_run, author=author, summary="import",
    )  # fmt: skip


def import_entries(
    entries: Iterable[ParsedEntry], *, dry_run: bool = False, author: Any = None
) -> Iterator[ImportResult]:
    """:func:`import_entry` for many entries: the same result per entry, in order.

    Entries new to the directory are written together, a batch per transaction (a few queries
    for the whole batch, one search-index pass); an entry that already exists, or that repeats
    a name earlier in its batch, goes through :func:`import_entry` after the batch before it.
    """
    batch: list[ParsedEntry] = []
    for parsed in entries:
        batch.append(parsed)
        if len(batch) >= IMPORT_BATCH:
            yield from _import_batch(batch, dry_run=dry_run, author=author)
            batch = []
    if batch:
        yield from _import_batch(batch, dry_run=dry_run, author=author)


#: Entries written per transaction by :func:`import_entries`.
IMPORT_BATCH = 500


def _import_batch(
    batch: list[ParsedEntry], *, dry_run: bool, author: Any
) -> Iterator[ImportResult]:
    keys = [import_key_for(parsed.name) for parsed in batch]
    existing = set(
        Organisation.objects.filter(import_key__in=set(keys)).values_list("import_key", flat=True)
    )
    fresh: list[tuple[ParsedEntry, str]] = []
    for parsed, key in zip(batch, keys, strict=True):
        if key in existing:
            yield from _create_together(fresh, dry_run=dry_run, author=author)
            fresh = []
            yield import_entry(parsed, dry_run=dry_run, author=author)
            continue
        if not dry_run:
            existing.add(key)
        fresh.append((parsed, key))
    yield from _create_together(fresh, dry_run=dry_run, author=author)


def _unique_slugs(names: list[str]) -> list[str]:
    """:func:`unique_slug` for many new entries at once (also unique among themselves)."""
    bases = [slugify(translit.to_latin(name))[:190].strip("-") or "organisation" for name in names]
    taken = set(Organisation.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    slugs = []
    for name, base in zip(names, bases, strict=True):
        if base in taken or base in RESERVED_SLUGS:
            slug = unique_slug(name)
            while slug in taken:  # taken by an entry of this batch, not yet in the database
                slug = f"{slug}-{len(taken)}"
        else:
            slug = base
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _create_together(
    fresh: list[tuple[ParsedEntry, str]], *, dry_run: bool, author: Any
) -> Iterator[ImportResult]:
    if not fresh:
        return
    from . import search  # here: search imports the models, and signals import search

    slugs = _unique_slugs([parsed.name for parsed, _key in fresh])
    regions = {r.slug: r for r in Region.objects.all()}
    empty = _empty_snapshot()
    planned = []
    for (parsed, _key), slug in zip(fresh, slugs, strict=True):
        proposed = _proposed_from_parsed(parsed, empty, slug, regions=regions)
        planned.append((parsed, proposed))
    if dry_run:
        for _parsed, proposed in planned:
            name = proposed.get("name_en") or proposed.get("name_ru") or ""
            yield ImportResult(
                "created", name, proposed["slug"], snapshot_diff(empty, proposed), None, True
            )
        return
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            _new_organisation(proposed, parsed.original_text) for parsed, proposed in planned
        )
        pairs = list(zip(organisations, (proposed for _parsed, proposed in planned), strict=True))
        through = Organisation.regions.through
        through.objects.bulk_create(
            through(organisation_id=org.pk, region_id=regions[slug].pk)
            for org, proposed in pairs
            for slug in proposed["regions"]
        )
        offices = Office.objects.bulk_create(
            Office(
                organisation=org,
                **{k: row.get(k, default) for k, default in _OFFICE_DEFAULTS.items()},
            )
            for org, proposed in pairs
            for row in proposed["offices"]
        )
        office_rows = [row for _org, proposed in pairs for row in proposed["offices"]]
        office_at: dict[tuple[int, int], Office] = {}
        for office in offices:
            office_at.setdefault((office.organisation_id, office.position), office)
        contact_rows = [(org, row) for org, proposed in pairs for row in proposed["contacts"]]
        contacts = Contact.objects.bulk_create(
            Contact(
                organisation=org,
                office=office_at.get((org.pk, row["office"]))
                if row["office"] is not None
                else None,
                name=row["name"],
                role=row["role"],
                is_published=row["is_published"],
                position=row["position"],
            )
            for org, row in contact_rows
        )
        Channel.objects.bulk_create(
            [
                Channel(office=office, position=position, **_channel_fields(item))
                for office, row in zip(offices, office_rows, strict=True)
                for position, item in enumerate(row["channels"])
            ]
            + [
                Channel(contact=contact, position=position, **_channel_fields(item))
                for contact, (_org, row) in zip(contacts, contact_rows, strict=True)
                for position, item in enumerate(row["channels"])
            ]
        )
        publications = Publication.objects.bulk_create(
            Publication(
                organisation=org,
                **{k: row.get(k, default) for k, default in _PUBLICATION_DEFAULTS.items()},
            )
            for org, proposed in pairs
            for row in proposed["publications"]
        )
        author = author if getattr(author, "pk", None) else None
        Revision.objects.bulk_create(
            Revision(organisation=org, author=author, summary="import", snapshot=proposed)
            for org, proposed in pairs
        )
        search.write_documents(
            _documents(pairs, regions, offices, office_rows, contacts, contact_rows, publications)
        )
    for org, _proposed in pairs:
        # The diff of a new entry is everything in it: only a dry run shows it.
        yield ImportResult("created", org.name, org.slug, {}, org, False)


def _documents(
    pairs: list[tuple[Organisation, dict[str, Any]]],
    regions: dict[str, Region],
    offices: list[Office],
    office_rows: list[dict[str, Any]],
    contacts: list[Contact],
    contact_rows: list[tuple[Organisation, dict[str, Any]]],
    publications: list[Publication],
) -> list[tuple[int, Any]]:
    """Search documents of entries just written, from the objects in hand (no reads)."""
    from . import search

    parts: dict[int, dict[str, list[Any]]] = {
        org.pk: {"offices": [], "contacts": [], "channels": [], "publications": []}
        for org, _proposed in pairs
    }
    for publication in publications:
        parts[publication.organisation_id]["publications"].append(publication)
    for office, row in zip(offices, office_rows, strict=True):
        office.loaded_channels = _unsaved_channels(row["channels"])  # type: ignore[attr-defined]
        parts[office.organisation_id]["offices"].append(office)
        parts[office.organisation_id]["channels"] += office.loaded_channels  # type: ignore[attr-defined]
    for contact, (_org, row) in zip(contacts, contact_rows, strict=True):
        if contact.is_published:
            contact.loaded_channels = _unsaved_channels(row["channels"])  # type: ignore[attr-defined]
            parts[contact.organisation_id]["contacts"].append(contact)
            parts[contact.organisation_id]["channels"] += contact.loaded_channels  # type: ignore[attr-defined]
    return [
        (
            org.pk,
            search.document_of(
                org,
                offices=parts[org.pk]["offices"],
                contacts=parts[org.pk]["contacts"],
                regions=[regions[slug] for slug in proposed["regions"]],
                topics=[],
                publications=parts[org.pk]["publications"],
                channels=parts[org.pk]["channels"],
            ),
        )
        for org, proposed in pairs
        if org.is_published
    ]


def _unsaved_channels(rows: list[dict[str, Any]]) -> list[Channel]:
    return [Channel(**_channel_fields(item)) for item in rows]


def _new_organisation(proposed: dict[str, Any], original_text: str) -> Organisation:
    organisation = Organisation(original_text=original_text)
    for name in _SCALAR_FIELDS:
        setattr(organisation, name, proposed[name])
    last_updated = proposed.get("last_updated")
    organisation.last_updated = datetime.date.fromisoformat(last_updated) if last_updated else None
    return organisation


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
