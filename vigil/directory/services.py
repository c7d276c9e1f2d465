"""Writes to the directory: imports, edits, suggestions.  Views, the API and commands call these."""

from __future__ import annotations

from typing import Any

from django.forms.models import model_to_dict

from .models import Organisation, Revision


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
