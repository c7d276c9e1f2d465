"""Seed 000 (Amnesty International - Russia) built directly with the ORM, as the importer would.

The page tests do not depend on the importer: they build the entry the importer must produce.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import connection

from vigil.directory import search
from vigil.directory.models import (
    Channel,
    Contact,
    Office,
    Organisation,
    Publication,
    Region,
)
from vigil.directory.regions import ensure_region_tree
from vigil.directory.search import documents

MISSION = (
    "Amnesty International is a non-profit, non-partisan organization that works for: the "
    "release of prisoners of conscience -- men, women and children imprisoned for their race, "
    "color, sex, ethnic origin, sexual preference, or the non-violent expression of their "
    "beliefs; abolition of the death penalty and the use of cruel, inhuman or degrading "
    "punishment; securing fair and prompt trials for political prisoners."
)
HISTORY = (
    "The first attempts to set up Amnesty International groups in Russia and the NIS in 1978 "
    "were unsuccessful. In 1992, AI opened an information office in Moscow, out of which "
    "research is conducted on human rights issues in the region."
)
ACTIVITIES = (
    "AI's main technique in human rights advocacy is intensive international letter-writing "
    "campaigns and petition drives on behalf of prisoners of conscience."
)
UNPARSED = [
    "This section is accessible from the CCSI's Home Page: http://www.friends-partners.org/~ccsi/"
]


def channel(
    owner: Office | Contact, kind: str, value: str, normalised: str = "", **kw: Any
) -> Channel:
    key = "office" if isinstance(owner, Office) else "contact"
    return Channel.objects.create(
        **{key: owner}, kind=kind, value=value, normalised=normalised, **kw
    )


def region_tree() -> None:
    """The region tree of migration 0002 (a transactional test before may have flushed it)."""
    ensure_region_tree(Region)


def seed_000(*, slug: str = "amnesty-international-russia", **fields: Any) -> Organisation:
    """The entry of seed 000, with its three offices, four contacts and the bulletin."""
    region_tree()
    org = Organisation.objects.create(
        slug=slug,
        name_en="Amnesty International - Russia",
        name_ru="Амнистия Интернэшнл — Россия",
        aliases=["AI Russia"],
        mission=MISSION,
        history=HISTORY,
        activities=ACTIVITIES,
        membership=(
            "Most groups range in size between 5-15 members and usually meet once per month."
        ),
        attribution="This organizational description was sent to CCSI from Colleen F. Halley.",
        source='The print edition of "The Post-Soviet Handbook."',
        sponsor="Center for Civil Society International",
        source_url="http://www.friends-partners.org/~ccsi/",
        last_updated=datetime.date(1996, 3, 1),
        unparsed_lines=list(UNPARSED),
        import_key="amnesty international - russia",
        **fields,
    )
    org.regions.set(Region.objects.filter(slug__in=["moscow", "russia-west", "nis"]))

    moscow = Office.objects.create(
        organisation=org, city="Moscow", postal_code="121019", street_lines=["G-19"],
        po_box="PO Box 212", position=0,
    )  # fmt: skip
    channel(moscow, "phone", "095-291-29-04", "+70952912904")
    channel(moscow, "fax", "095-291-29-04", "+70952912904")
    channel(moscow, "email", "", withheld=True)
    spb = Office.objects.create(
        organisation=org, label="In St. Petersburg", city="St. Petersburg", position=1
    )
    channel(spb, "phone", "812-247-40-46", "+78122474046")
    info = Office.objects.create(
        organisation=org, label="Moscow Information Office", city="Moscow",
        postal_code="121019", po_box="PO Box 212", position=2,
    )  # fmt: skip
    channel(info, "phone", "095-291-2904", "+70952912904")
    channel(info, "fax", "095-291-2904", "+70952912904")
    channel(info, "email", "", withheld=True)

    Contact.objects.create(organisation=org, office=moscow, name="Boris Suvorov", role="Contact")
    Contact.objects.create(
        organisation=org, office=moscow, name="Asya Lashizeva", role="Contact", position=1
    )
    Contact.objects.create(
        organisation=org, office=spb, name="Anatoly Chezlov", role="Contact", position=2
    )
    Contact.objects.create(
        organisation=org, office=info, name="Eric Klazerstein", role="Coordinator", position=3
    )
    Publication.objects.create(
        organisation=org,
        title="Amnesty International Bulletin",
        frequency="monthly",
        language="Russian",
        description=(
            "Monthly bulletin of information on recent human rights issues and the activities "
            "of AI groups around the world."
        ),
        prepared_by="International Secretariat in London; translated into Russian in Moscow",
    )
    return org


def index_rows(pk: int) -> tuple[Any, ...]:
    """An organisation's search document (its static order and tokens) and its card, as
    stored: to compare two ways of writing them."""
    key = "rowid" if connection.vendor == "sqlite" else "rank_id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rank_id, card FROM {search.CARDS} WHERE organisation_id = %s",  # noqa: S608
            [pk],
        )
        found = cursor.fetchone()
        if found is None:
            return (None, None)
        cursor.execute(
            f"SELECT tokens::text FROM {search.TABLE} WHERE {key} = %s"  # noqa: S608
            if key == "rank_id"
            else f"SELECT tokens FROM {search.TABLE} WHERE {key} = %s",  # noqa: S608
            [found[0]],
        )
        tokens = cursor.fetchone()
    # The rank id without the organisation's id: its static order, comparable across imports.
    document = (found[0] >> documents.ID_BITS, sorted(str(tokens[0]).replace("'", "").split()))
    return (document, json.loads(found[1]))
