"""Writes from the directory's pages: the editor's edits, publishing a draft, and the public's
suggestions.  Imports write through :mod:`.import_writes` and :mod:`.import_batches`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .importer import normalise_russian_phone
from .models import Channel, Contact, Office, Organisation, Publication, Revision, Suggestion
from .snapshots import record_revision


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
