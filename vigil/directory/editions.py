"""Editions: a page about an organisation the directory already holds, from another source.

An imported entry is matched to an existing one by its name (and city, when both give one), by
a phone or fax number, or by an e-mail address.  It never overwrites it: the two editions are
merged (what the entry lacks is added; what it has is kept), and when that changes anything the
merge is stored as an :class:`ImportProposal` for staff.  Importing the same text again, or a
text already proposed, changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz

from .importer import ParsedEntry
from .models import Channel, ImportProposal, Organisation
from .snapshots import record_revision, write_snapshot

#: Channels that identify an organisation across sources.
IDENTIFYING = ("phone", "fax", "email")


def identifying_values(parsed: ParsedEntry) -> set[str]:
    channels = [c for o in parsed.offices for c in o.channels]
    channels += [c for p in parsed.contacts for c in p.channels]
    return {
        c.normalised
        for c in channels
        if c.kind in IDENTIFYING and not c.withheld and len(c.normalised) >= 6
    }


def known_values(values: Iterable[str]) -> set[str]:
    """Which of these phone numbers and e-mails the directory already holds (one query)."""
    wanted = set(values)
    if not wanted:
        return set()
    return set(
        Channel.objects.filter(kind__in=IDENTIFYING, normalised__in=wanted).values_list(
            "normalised", flat=True
        )
    )


def _cities(organisation: Organisation) -> set[str]:
    return {c.casefold() for c in organisation.offices.values_list("city", flat=True) if c}


def find_existing(parsed: ParsedEntry, key: str) -> Organisation | None:
    """The entry this one is an edition of: same name (and city), else a shared phone or
    e-mail."""
    cities = {o.city.casefold() for o in parsed.offices if o.city}
    for candidate in Organisation.objects.filter(import_key=key).order_by("pk"):
        theirs = _cities(candidate)
        if not cities or not theirs or cities & theirs:
            return candidate
    values = identifying_values(parsed)
    if not values:
        return None
    channels = (
        Channel.objects.filter(kind__in=IDENTIFYING, normalised__in=values)
        .filter(Q(office__isnull=False) | Q(contact__isnull=False))
        .select_related("office__organisation", "contact__organisation")
        .order_by("pk")[:20]
    )
    for channel in channels:
        owner = channel.office or channel.contact
        if owner is not None and _similar(owner.organisation, parsed):
            return owner.organisation
    return None


def _similar(organisation: Organisation, parsed: ParsedEntry) -> bool:
    """A shared phone or e-mail makes an edition only with a similar name (two groups may
    share an office; a placeholder name matches any)."""
    if parsed.needs_review and not parsed.name.strip():
        return True
    names = [n for n in (organisation.name_en, organisation.name_ru) if n]
    return any(
        fuzz.token_set_ratio(name.casefold(), parsed.name.casefold()) >= NAME_SIMILARITY
        for name in names
    ) or parsed.name.startswith("Unnamed entry")


#: rapidfuzz's token-set ratio above which two names are the same organisation's.
NAME_SIMILARITY = 60


def _channel_key(channel: dict[str, Any]) -> tuple[str, str]:
    return channel["kind"], channel.get("normalised") or channel.get("value", "")


def _merge_channels(mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> None:
    seen = {_channel_key(c) for c in mine}
    for channel in theirs:
        if _channel_key(channel) not in seen:
            mine.append(dict(channel))
            seen.add(_channel_key(channel))


#: Fields an edition never proposes to change, and fields whose texts are joined.
KEPT = frozenset(
    {"offices", "contacts", "publications", "slug", "import_key", "is_published",
     "source_encoding", "aliases", "former_names", "topics", "verified_at"}
)  # fmt: skip
JOINED = frozenset({"source", "attribution"})


def merge(before: dict[str, Any], edition: dict[str, Any]) -> dict[str, Any]:
    """The existing entry with the other edition: its differing texts and fields proposed,
    offices, contacts, channels and publications united (no phone, fax or contact is lost),
    the sources joined.  Names stay; staff accept or decline the whole proposal."""
    merged = {**before}
    for key, value in edition.items():
        if key in KEPT or not value:
            continue
        if key == "regions":
            merged[key] = sorted(set(before.get(key) or []) | set(value))
        elif key == "unparsed_lines":
            merged[key] = [*before.get(key, []), *(v for v in value if v not in before[key])]
        elif key == "last_updated":
            merged[key] = max(filter(None, [before.get(key), value]))
        elif key in JOINED and before.get(key) and value not in before[key]:
            merged[key] = f"{before[key]}\n{value}"
        elif key in ("name_en", "name_ru"):
            merged[key] = before.get(key) or value
        else:
            merged[key] = value  # a differing field: proposed, staff decide
    offices = [{**o, "channels": [dict(c) for c in o["channels"]]} for o in before["offices"]]
    moved: dict[int, int] = {}
    for position, office in enumerate(edition["offices"]):
        same = next(
            (
                index
                for index, mine in enumerate(offices)
                if (mine["city"] or "").casefold() == (office["city"] or "").casefold()
                and (not mine["postal_code"] or not office["postal_code"]
                     or mine["postal_code"] == office["postal_code"])
            ),
            None,
        )  # fmt: skip
        if same is None:
            offices.append(
                {**office, "position": len(offices), "channels": list(office["channels"])}
            )
            moved[position] = len(offices) - 1
            continue
        moved[position] = same
        mine = offices[same]
        for field in ("label", "postal_code", "po_box", "street_lines"):
            mine[field] = office[field] or mine[field]
        _merge_channels(mine["channels"], office["channels"])
    contacts = [{**c, "channels": [dict(ch) for ch in c["channels"]]} for c in before["contacts"]]
    names = {c["name"].casefold(): c for c in contacts}
    for contact in edition["contacts"]:
        person = names.get(contact["name"].casefold())
        if person is None:
            office = contact.get("office")
            added = {**contact, "position": len(contacts),
                     "office": moved.get(office) if office is not None else None}  # fmt: skip
            contacts.append(added)
            names[contact["name"].casefold()] = added
            continue
        person["role"] = contact["role"] or person["role"]
        _merge_channels(person["channels"], contact["channels"])
    publications = [dict(p) for p in before["publications"]]
    titles = {p["title"].casefold(): p for p in publications}
    for publication in edition["publications"]:
        held = titles.get(publication["title"].casefold())
        if held is None:
            publications.append({**publication, "position": len(publications)})
            continue
        for field in ("frequency", "language", "description", "prepared_by"):
            held[field] = publication[field] or held[field]
    merged.update(offices=offices, contacts=contacts, publications=publications)
    return merged


def already_seen(organisation: Organisation, original_text: str) -> bool:
    """The same text was imported into this entry, or is already proposed for it."""
    return (
        organisation.original_text == original_text
        or (
            ImportProposal.objects.filter(organisation=organisation, original_text=original_text)
            .exclude(status=ImportProposal.Status.DECLINED)
            .exists()
        )
        or original_text in organisation.original_text.split(EDITION_SEPARATOR)
    )


#: Between the source texts of an entry's editions, once a proposal is accepted.
EDITION_SEPARATOR = "\n\n-----\n\n"


def accept(proposal: ImportProposal, *, reviewer: Any) -> Organisation:
    """Apply the proposed revision; both source texts are kept on the entry."""
    from . import search

    organisation = proposal.organisation
    with search.deferred(), transaction.atomic():
        original = EDITION_SEPARATOR.join(filter(None, [organisation.original_text,
                                                        proposal.original_text]))  # fmt: skip
        write_snapshot(organisation, proposal.proposed, original_text=original)
        record_revision(organisation, author=reviewer, summary="import: edition accepted")
        proposal.status = ImportProposal.Status.ACCEPTED
        proposal.reviewed_by = reviewer
        proposal.reviewed_at = timezone.now()
        proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return organisation


def decline(proposal: ImportProposal, *, reviewer: Any) -> None:
    proposal.status = ImportProposal.Status.DECLINED
    proposal.reviewed_by = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
