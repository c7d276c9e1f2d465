"""Importing one entry: a new one is created, an edition of one the directory holds becomes a
proposal for staff (:mod:`.editions`); and restoring an exported entry (:mod:`.exchange`).
:mod:`.import_batches` writes many new entries at once with the same rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from . import editions, translit
from .importer import ParsedEntry
from .models import ImportProposal, Organisation, Region
from .snapshots import (
    empty_new_snapshot,
    empty_snapshot,
    record_revision,
    snapshot,
    snapshot_diff,
    write_snapshot,
)


def import_key_for(name: str) -> str:
    """The name that identifies an imported entry: case-folded, whitespace collapsed."""
    return " ".join(name.casefold().split())[:300]


#: Addresses the directory's own pages use (``/directory/search/`` ...).
RESERVED_SLUGS = frozenset({"new", "review", "region", "search", "export", "import"})


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


def base_slug(name: str) -> str:
    """The address an entry's name gives, before making it unique: Latin letters, hyphens."""
    return slugify(translit.to_latin(name))[:190].strip("-") or "organisation"


def free_slug(base: str) -> str:
    """``base``, or ``base-2``, ``base-3``..., the first that no entry or page uses."""
    slug, counter = base, 1
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


def unique_slug(name: str) -> str:
    """The address of a new entry called ``name``."""
    return free_slug(base_slug(name))


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


def proposed_from_parsed(
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

    key = import_key_for(parsed.name)
    existing = editions.find_existing(parsed, key)
    if existing is None:
        before = empty_snapshot()
        proposed = proposed_from_parsed(parsed, before, unique_slug(parsed.name))
        return _apply(
            None, proposed, before=before, original_text=parsed.original_text,
            dry_run=dry_run, author=author, summary="import",
        )  # fmt: skip
    name = existing.name_en or existing.name_ru
    if editions.already_seen(existing, parsed.original_text):
        return ImportResult("unchanged", name, existing.slug, {}, existing, dry_run)
    before = snapshot(existing)
    edition = proposed_from_parsed(parsed, empty_new_snapshot(), existing.slug)
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


def restore_entry(
    data: dict[str, Any], *, dry_run: bool = False, author: Any = None
) -> ImportResult:
    """Create or update an entry from exported data (:mod:`vigil.directory.exchange`), matched
    by its slug; every field is taken from ``data``."""
    slug = str(data.get("slug") or "")
    if not slug:
        raise ValueError("an exported entry needs its slug")
    existing = Organisation.objects.filter(slug=slug).first()
    before = snapshot(existing) if existing is not None else empty_snapshot()
    proposed = empty_snapshot()
    proposed.update({k: v for k, v in data.items() if k in proposed})
    proposed["regions"] = sorted(proposed["regions"])
    proposed["topics"] = sorted(proposed["topics"])
    return _apply(
        existing, proposed, before=before,
        original_text=data.get("original_text") if "original_text" in data else None,
        created_at=data.get("created_at") or None, dry_run=dry_run, author=author,
        summary="import-data",
    )  # fmt: skip
