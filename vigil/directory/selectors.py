"""Reads of the directory for pages and exports: what a viewer may see, and in which shape.

Public data only leaves through :func:`visible_organisations` and :func:`public_contacts`:
unpublished entries and contacts are for directory editors.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from vigil.core.i18n import in_english
from vigil.core.permissions import can
from vigil.core.spreadsheet import csv_lines

from . import exchange, snapshots
from .models import Channel, Contact, Office, Organisation, Region, Revision, Topic

SCHEMA_ORG = "https://schema.org"


# --- who sees what -------------------------------------------------------------------------
def sees_unpublished(user: Any) -> bool:
    return can(user, "directory.view_unpublished")


def visible_organisations(user: Any = None) -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if user is None or not sees_unpublished(user):
        organisations = organisations.filter(is_published=True)
    return organisations


def organisation_for_page(slug: str, user: Any) -> Organisation | None:
    """The entry with everything its page shows, or None when the viewer may not see it."""
    contacts = Contact.objects.select_related("office").prefetch_related("channels")
    if not sees_unpublished(user):
        contacts = contacts.filter(is_published=True)
    return (
        visible_organisations(user)
        .filter(slug=slug)
        .prefetch_related(
            Prefetch("offices", queryset=Office.objects.prefetch_related("channels")),
            Prefetch("contacts", queryset=contacts),
            "publications",
            "regions",
            "topics",
        )
        .first()
    )


def public_contacts(contacts: Iterable[Contact]) -> list[Contact]:
    return [c for c in contacts if c.is_published]


# --- regions -------------------------------------------------------------------------------
def all_regions() -> QuerySet[Region]:
    """The whole region tree (public: the region pages and the API list it)."""
    return Region.objects.select_related("parent")


def top_regions() -> QuerySet[Region]:
    return Region.objects.filter(parent__isnull=True).prefetch_related("children")


def organisations_showing(kind: str, pk: int) -> list[int]:
    """The entries whose search documents hold a region's or topic's name and filter token
    (``kind``: "region" or "topic"): a topic's own; a region's, and those of every region
    under it (their documents carry a token for every region above theirs)."""
    links: QuerySet[Any]
    if kind == "topic":
        links = Organisation.topics.through.objects.filter(topic_id=pk)
    else:
        region = Region.objects.filter(pk=pk).first()
        if region is None:
            return []
        links = Organisation.regions.through.objects.filter(region_id__in=descendant_ids(region))
    return sorted(set(links.values_list("organisation_id", flat=True)))


def descendant_ids(region: Region) -> list[int]:
    """The region and every region below it (the tree is small: one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Region.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: list[int] = []
    todo = [region.pk]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found


def region_organisations(region: Region, user: Any = None) -> QuerySet[Organisation]:
    """Entries of the region and of every region below it, the viewer's language first."""
    order = ["name_en", "name_ru"]
    if not in_english():
        order = ["name_ru", "name_en"]
    return (
        visible_organisations(user)
        .filter(regions__in=descendant_ids(region))
        .distinct()
        .order_by(*order, "pk")
    )


# --- the search page -----------------------------------------------------------------------
def search_filters() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The search form's region and topic lists: (slug, name) by name in the viewer's language.

    Both tables in one query of plain rows, read on every request so a change shows at once:
    model instances and two ORM queries cost the page about as much as the search itself.
    """
    english = in_english()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, slug, name_ru, name_en FROM {Region._meta.db_table} "  # noqa: S608
            f"UNION ALL SELECT 1, slug, name_ru, name_en FROM {Topic._meta.db_table}"
        )
        rows = cursor.fetchall()
    lists: tuple[list[tuple[str, str, str]], ...] = ([], [])
    for kind, slug, name_ru, name_en in rows:
        name = (name_en or name_ru) if english else (name_ru or name_en)
        lists[kind].append((name, name_en, slug))
    regions, topics = ([(slug, name) for name, _en, slug in sorted(found)] for found in lists)
    return regions, topics


def organisation_links(slugs: Iterable[str]) -> list[str]:
    """The pages of these entries, reversed once (``{% url %}`` costs ~50 µs, twenty a page)."""
    marker = "entry-slug"
    head, tail = reverse("directory:organisation", args=[marker]).rsplit(marker, 1)
    return [f"{head}{quote(slug, safe='')}{tail}" for slug in slugs]


# --- small formatting ----------------------------------------------------------------------
def month_year(value: Any) -> str:
    """ "March 1996" / "март 1996": the month-precision date the handbook prints."""
    if not value:
        return ""
    month = str(MONTHS[value.month])
    if not in_english():
        month = month.lower()
    return f"{month} {value.year}"


def channels_by_kind(channels: Iterable[Channel]) -> dict[str, list[Channel]]:
    grouped: dict[str, list[Channel]] = {}
    for channel in channels:
        grouped.setdefault(channel.kind, []).append(channel)
    return grouped


def po_box_line(number: str) -> str:
    """A PO box as an address line: "а/я 212" / "PO Box 212" (a bare number means nothing).
    A value typed with its own label ("а/я 5", "P.O. Box 5") is shown as typed."""
    number = number.strip()
    if not number[:1].isdigit():
        return number
    return str(_("PO Box %(number)s") % {"number": number})


def address_lines(office: Office) -> list[str]:
    lines = [line for line in office.street_lines or [] if line]
    if office.po_box:
        lines.append(po_box_line(office.po_box))
    city = " ".join(part for part in (office.postal_code, office.city) if part)
    if city:
        lines.append(city)
    return lines


# --- schema.org ----------------------------------------------------------------------------
def json_ld(organisation: Organisation) -> dict[str, Any]:
    """schema.org NGO: published contacts only, no withheld address, no editor-only data."""
    data: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "NGO",
        "name": organisation.name,
    }
    alternate = [
        n for n in (organisation.name_ru, organisation.name_en) if n and n != organisation.name
    ]
    alternate += [n for n in organisation.aliases or [] if n and n not in alternate]
    if alternate:
        data["alternateName"] = alternate
    if organisation.mission:
        data["description"] = organisation.mission
    addresses: list[dict[str, Any]] = []
    phones: list[str] = []
    faxes: list[str] = []
    emails: list[str] = []
    urls: list[str] = []
    for office in organisation.offices.all():
        address: dict[str, Any] = {"@type": "PostalAddress"}
        street = ", ".join(line for line in office.street_lines or [] if line)
        if street:
            address["streetAddress"] = street
        if office.city:
            address["addressLocality"] = office.city
        if office.postal_code:
            address["postalCode"] = office.postal_code
        if office.po_box:
            address["postOfficeBoxNumber"] = office.po_box
        if len(address) > 1:
            addresses.append(address)
        for channel in office.channels.all():
            if channel.withheld or not channel.value:
                continue
            {"phone": phones, "fax": faxes, "email": emails, "web": urls}[channel.kind].append(
                channel.value
            )
    for key, values in (
        ("address", addresses),
        ("telephone", phones),
        ("faxNumber", faxes),
        ("email", emails),
    ):
        if values:
            data[key] = values if len(values) > 1 else values[0]
    if urls:
        data["url"] = urls[0]
        if len(urls) > 1:
            data["sameAs"] = urls[1:]
    regions = list(organisation.regions.all())
    if regions:
        data["areaServed"] = [{"@type": "Place", "name": r.name} for r in regions]
    people = [
        {"@type": "Person", "name": c.name} for c in public_contacts(organisation.contacts.all())
    ]
    if people:
        data["employee"] = people
    return data


# --- exports -------------------------------------------------------------------------------
def export_queryset(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return organisations.prefetch_related(
        Prefetch("offices", queryset=Office.objects.prefetch_related("channels")),
        "publications",
        "regions",
        "topics",
    )


#: Round-trip fields that stay with the editors: the source text may name unpublished people.
PRIVATE_EXPORT_KEYS = ("original_text", "import_key", "source_encoding")


def public_record(organisation: Organisation) -> dict[str, Any]:
    """One entry in the exchange format (:mod:`.exchange`), public data only.

    No source text nor import key, no unpublished contact; withheld addresses have no value.
    """
    data = exchange.entry_record(organisation)
    for key in PRIVATE_EXPORT_KEYS:
        data.pop(key, None)
    data["contacts"] = [c for c in data.get("contacts", []) if c.get("is_published", True)]
    for item in [*data.get("offices", []), *data["contacts"]]:
        for channel in item.get("channels", []):
            if channel.get("withheld"):
                channel["value"] = channel["normalised"] = ""
    return data


def public_columns() -> list[str]:
    return [c for c in exchange.COLUMNS if c not in PRIVATE_EXPORT_KEYS]


def export_json(organisations: QuerySet[Organisation]) -> Iterator[str]:
    """The exchange format's JSON list, written entry by entry."""
    yield "["
    for index, organisation in enumerate(export_queryset(organisations).iterator(chunk_size=200)):
        yield (",\n" if index else "\n") + json.dumps(
            public_record(organisation), ensure_ascii=False, sort_keys=True
        )
    yield "\n]\n"


def export_csv(organisations: QuerySet[Organisation]) -> Iterator[str]:
    """The exchange format's columns as a spreadsheet download (vigil.core.spreadsheet: a
    byte-order mark so Excel reads Cyrillic, no cell a spreadsheet would run)."""
    columns = public_columns()
    records = (
        public_record(organisation)
        for organisation in export_queryset(organisations).iterator(chunk_size=200)
    )
    yield from csv_lines(columns, ([exchange._cell(c, r.get(c)) for c in columns] for r in records))


# --- vCard 4.0 (RFC 6350) -------------------------------------------------------------------
def _vcard_text(value: str) -> str:
    """Escape a text value: backslash, comma, semicolon and newlines (RFC 6350 3.4)."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold lines longer than 75 octets (RFC 6350 3.2), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode()) > limit:
            out.append(current)
            current = " " + char
            limit = 75
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def vcard(office: Office, contacts: Iterable[Contact]) -> str:
    """One VCARD per published contact of the office, with the office's address and numbers."""
    organisation = office.organisation
    office_channels = list(office.channels.all())
    adr = ";".join(
        [
            _vcard_text(office.po_box),
            "",
            _vcard_text(", ".join(line for line in office.street_lines or [] if line)),
            _vcard_text(office.city),
            "",
            _vcard_text(office.postal_code),
            "",
        ]
    )
    cards: list[str] = []
    for contact in public_contacts(contacts):
        lines = [
            "BEGIN:VCARD",
            "VERSION:4.0",
            f"FN:{_vcard_text(contact.name)}",
            "ORG:"
            + ";".join(_vcard_text(part) for part in (organisation.name, office.label) if part),
        ]
        if contact.role:
            lines.append(f"ROLE:{_vcard_text(contact.role)}")
            lines.append(f"TITLE:{_vcard_text(contact.role)}")
        for channel in [*contact.channels.all(), *office_channels]:
            if channel.withheld or not channel.value:
                continue
            if channel.kind == Channel.Kind.PHONE:
                lines.append(f"TEL;TYPE=voice;VALUE=text:{_vcard_text(channel.value)}")
            elif channel.kind == Channel.Kind.FAX:
                lines.append(f"TEL;TYPE=fax;VALUE=text:{_vcard_text(channel.value)}")
            elif channel.kind == Channel.Kind.EMAIL:
                lines.append(f"EMAIL:{_vcard_text(channel.value)}")
            elif channel.kind == Channel.Kind.WEB:
                lines.append(f"URL:{channel.value}")
        if adr.strip(";"):
            lines.append(f"ADR;TYPE=work:{adr}")
        lines.append("END:VCARD")
        cards.append("".join(_fold(line) + "\r\n" for line in lines))
    return "".join(cards)


# --- history -------------------------------------------------------------------------------
def field_label(key: str) -> str:
    """The field's name as the editor form shows it."""
    extra = {
        "offices": _("Offices"),
        "contacts": _("Contacts"),
        "publications": _("Publications"),
        "regions": _("Regions"),
        "topics": _("Topics"),
    }
    if key in extra:
        return str(extra[key])
    if key.isidentifier():
        try:
            return str(getattr(Organisation._meta.get_field(key), "verbose_name", key))
        except FieldDoesNotExist:
            return key
    return key


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, str]]:
    """Field-level changes between two snapshots: ``[{"field", "old", "new"}]``."""
    return [
        {"field": field_label(key), "old": _show(before), "new": _show(after)}
        for key, (before, after) in snapshots.snapshot_diff(old, new).items()
    ]


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return json.dumps(value, ensure_ascii=False)


def revisions_with_diffs(organisation: Organisation) -> list[dict[str, Any]]:
    """Newest first, each with what changed since the one before it."""
    revisions = list(
        Revision.objects.filter(organisation=organisation)
        .select_related("author")
        .order_by("created_at", "id")
    )
    rows = []
    previous: dict[str, Any] = {}
    for revision in revisions:
        rows.append({"revision": revision, "changes": snapshot_diff(previous, revision.snapshot)})
        previous = revision.snapshot
    rows.reverse()
    return rows
