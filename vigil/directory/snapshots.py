"""An entry as plain data (:func:`snapshot`), the difference of two, writing one back, and the
revisions that keep them.  Edits, imports, restores and the history page share these."""

from __future__ import annotations

import datetime
from typing import Any

from django.forms.models import model_to_dict

from vigil.core.memo import memoised

from .models import Channel, Contact, Office, Organisation, Publication, Region, Revision, Topic

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


def empty_snapshot() -> dict[str, Any]:
    data = model_to_dict(
        Organisation(),
        exclude=_NOT_IN_SNAPSHOT,
    )
    data.update(
        last_updated=None, verified_at=None, regions=[], topics=[], offices=[], contacts=[],
        publications=[],
    )  # fmt: skip
    return data


@memoised("directory.snapshots.empty", keeps="the snapshot of a new, empty entry", bound=1)
def _empty_template() -> dict[str, Any]:
    return empty_snapshot()


def empty_new_snapshot() -> dict[str, Any]:
    """:func:`empty_snapshot`, without building a model instance for every entry."""
    return {k: list(v) if isinstance(v, list) else v for k, v in _empty_template().items()}


SCALAR_FIELDS = (
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
    for name in SCALAR_FIELDS:
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
