"""The search document of an entry: its tokens, its place in the static order, its card.

Built here, in Python, so SQLite and PostgreSQL index exactly the same tokens and order.

* **Tokens** (:mod:`.forms`): the words of the entry's strong parts (its names in every
  language, aliases and former names; its people; its offices' cities and labels, and the
  regions they and the entry are in) tagged as strong, with their keys; the words of the prose
  (mission, history, activities, membership, roles, topics, addresses, publications, who sent
  the description, e-mail and web addresses) tagged as prose, with keys for its capitalised
  inner words (names met in the prose); phone numbers of the channels and of the prose
  (:mod:`.phones`); and the filter tokens ``r<id>`` for each region of the entry and every
  region above it, ``t<id>`` per topic.
* **Rank id**: the document's id in the index, which orders matches of equal relevance (the
  static order): a match in a short name counts more than in a long one (as BM25's length
  normalisation does), then the more complete entry, then the more recently updated, then the
  older entry. ``rank_base`` holds those; the id is ``rank_base | organisation id``.
* **Card**: what a result shows, stored beside the index so a page of results is one read.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import forms, phones
from .forms import PROSE, STRONG
from .text import STOPWORDS, inner_names, words


@dataclass
class Document:
    tokens: str
    #: The static order's part of the rank id (see the module's docstring and :func:`rank_id`).
    rank_base: int = 0
    #: The keys of the entry's names for the typo vocabulary.
    terms: set[str] = field(default_factory=set)
    card: dict[str, Any] = field(default_factory=dict)


# --- the static order -----------------------------------------------------------------------
#: Bits of a rank id: the organisation's id in the lowest 32, the months since the entry was
#: last updated (up to 4095) above them, completeness and the length of the name above those.
ID_BITS, AGE_BITS = 32, 12
NEVER_UPDATED = (1 << AGE_BITS) - 1


def rank_id(rank_base: int, organisation_id: int) -> int:
    return rank_base | organisation_id


def organisation_of(rank: int) -> int:
    return rank & ((1 << ID_BITS) - 1)


def _name_length(names: Iterable[str]) -> int:
    """Words of the shortest name, without stopwords: 0 (one or two), 1, 2 or 3 (five or more)."""
    lengths = [len([w for w in words(n) if w not in STOPWORDS]) for n in names if n]
    shortest = min([n for n in lengths if n] or [5])
    return min(3, max(0, shortest - 2))


def _completeness(org: Any, offices: list[Any], contacts: list[Any], channels: list[Any],
                  publications: list[Any]) -> int:  # fmt: skip
    """What the entry tells, of nine parts: 0 (seven or more), 1 (5-6), 2 (3-4), 3 (fewer)."""
    kinds = {ch.kind for ch in channels if not ch.withheld}
    parts = [
        org.name_ru and org.name_en,
        any(o.city for o in offices),
        any(o.street_lines or o.po_box for o in offices),
        kinds & {"phone", "fax"},
        kinds & {"email", "web"},
        contacts,
        org.mission,
        org.history or org.activities or org.membership,
        publications,
    ]
    told = sum(1 for part in parts if part)
    return 0 if told >= 7 else 1 if told >= 5 else 2 if told >= 3 else 3


def _age_in_months(org: Any, today: datetime.date) -> int:
    seen = [getattr(org, "last_updated", None), getattr(org, "verified_at", None)]
    dates = []
    for value in seen:
        if isinstance(value, str) and value:
            value = datetime.date.fromisoformat(value[:10])
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            dates.append(value)
    if not dates:
        return NEVER_UPDATED
    newest = max(dates)
    months = (today.year - newest.year) * 12 + today.month - newest.month
    return min(NEVER_UPDATED - 1, max(0, months))


def rank_base(name_length: int, completeness: int, age: int) -> int:
    return (((name_length << 2) | completeness) << AGE_BITS | age) << ID_BITS


#: The day ages are counted from: fixed, so a document's rank id does not change by itself
#: from one day to the next (only its order against the others matters).
EPOCH = datetime.date(2100, 1, 1)


# --- places ---------------------------------------------------------------------------------
_city_names: dict[str, list[str]] | None = None
#: Region id → its parent's id: the region filter's tokens include every region above.
_region_parents: dict[int, int | None] = {}


def forget_places() -> None:
    """Called when a region changes: office cities are matched against region names again."""
    global _city_names, _region_parents
    _city_names = None
    _region_parents = {}


def load_places(region_model: Any = None) -> dict[str, list[str]]:
    """Read the region names office cities are matched against, if not read yet (an import does
    it before it starts the worker processes that build documents without the database)."""
    global _city_names, _region_parents
    if _city_names is not None:
        return _city_names
    if region_model is None:
        from ..models import Region as region_model
    table: dict[str, list[str]] = {}
    parents: dict[int, int | None] = {}
    for region in region_model.objects.all():
        parents[region.pk] = region.parent_id
        names = [region.name_ru, region.name_en]
        for name in [*names, *(region.source_names or [])]:
            if name:
                table.setdefault(" ".join(words(name)), []).extend(n for n in names if n)
    _city_names, _region_parents = table, parents
    return table


def _place_names(org: Any, cities: Iterable[str]) -> list[str]:
    """Both names of the regions an office city is the name of ("St. Petersburg" → "Санкт-...")."""
    table = _city_names
    if table is None:
        meta = getattr(org, "_meta", None)  # an import's new entries are plain namespaces
        table = load_places(meta.get_field("regions").related_model if meta else None)
    found: list[str] = []
    for city in cities:
        found += table.get(" ".join(words(city)), [])
    return found


def read_region_parents(organisation_model: Any) -> None:
    """The region tree as it is now, read by whatever writes index rows from the database (an
    edit, a rebuild): another process may have moved a region since this one read it."""
    global _region_parents
    region_model = organisation_model._meta.get_field("regions").related_model
    _region_parents = dict(region_model.objects.values_list("pk", "parent_id"))


def facets(regions: Iterable[Any], topics: Iterable[Any]) -> list[str]:
    """``r<id>`` for each region of the entry and each region above it, ``t<id>`` for each
    topic: a filter is then one more token the match must have, read from the same index
    (a join to the link tables took 40-300 ms a search at 100,000 entries).
    The tree is the one :func:`load_places` read (``document_of`` reads the places first)."""
    parents = _region_parents
    found: dict[str, None] = {}
    for region in regions:
        found[f"r{region.pk}"] = None
        parent = parents.get(region.pk, region.parent_id)
        for _hop in range(20):  # the tree is shallow; a loop in bad data must not hang
            if parent is None:
                break
            found[f"r{parent}"] = None
            parent = parents.get(parent)
    found.update((f"t{topic.pk}", None) for topic in topics)
    return list(found)


# --- the document ----------------------------------------------------------------------------
def build_document(org: Any) -> Document:
    """The document of a published entry.  Works on historical models too (migrations)."""
    offices = list(org.offices.all())
    contacts = [c for c in org.contacts.all() if c.is_published]
    channels = [ch for office in offices for ch in office.channels.all()]
    channels += [ch for contact in contacts for ch in contact.channels.all()]
    return document_of(
        org,
        offices=offices,
        contacts=contacts,
        regions=list(org.regions.all()),
        topics=list(org.topics.all()),
        publications=list(org.publications.all()),
        channels=channels,
    )


def _unique_words(texts: Iterable[str]) -> dict[str, None]:
    # One pass over all the texts: words never run across the line breaks joining them.
    return dict.fromkeys(words("\n".join([t for t in texts if t])))


def document_of(
    org: Any,
    *,
    offices: list[Any],
    contacts: list[Any],
    regions: list[Any],
    topics: list[Any],
    publications: list[Any],
    channels: list[Any],
) -> Document:
    """The document of an entry from its parts in hand: an import that has just written the
    rows indexes them without reading them back.  ``contacts`` and ``channels``: the published
    ones."""
    names = [org.name_ru, org.name_en, *(org.aliases or []), *(org.former_names or [])]
    names = [str(n) for n in names if n]
    cities = {o.city for o in offices if o.city}
    strong_texts = [*names, *[c.name for c in contacts], *cities, *[o.label for o in offices]]
    strong_texts += _place_names(org, cities)
    strong_texts += [r.name_ru for r in regions] + [r.name_en for r in regions]
    prose_texts = [
        *[c.role for c in contacts],
        *[t.name_ru for t in topics],
        *[t.name_en for t in topics],
        org.mission,
        org.activities,
        org.history,
        org.membership,
        getattr(org, "attribution", ""),
        *[o.postal_code for o in offices],
        *[o.po_box for o in offices],
        *[line for o in offices for line in (o.street_lines or [])],
        *[
            f"{p.title} {p.frequency} {p.language} {p.description} {p.prepared_by}"
            for p in publications
        ],
        *[ch.value for ch in channels if ch.kind in ("email", "web") and not ch.withheld],
    ]
    prose_texts = [t for t in prose_texts if t]
    strong = _unique_words(strong_texts)
    prose = _unique_words(prose_texts)
    prose_names = _unique_words(inner_names(t) for t in prose_texts)
    tokens = [*itertools.chain.from_iterable(forms.tokens(w, STRONG, name=True) for w in strong)]
    tokens += itertools.chain.from_iterable(
        forms.tokens(w, PROSE, name=w in prose_names) for w in prose
    )
    numbers = [
        phones.entry_tokens(ch.value, ch.normalised)
        for ch in channels
        if ch.kind in ("phone", "fax") and not ch.withheld
    ]
    numbers += [phones.entry_tokens(found) for t in prose_texts for found in phones.in_text(t)]
    tokens += itertools.chain.from_iterable(numbers)
    tokens += facets(regions, topics)
    terms = {
        term
        for w in itertools.chain(strong, prose_names)
        if (term := forms.name_term(w)) is not None
    }
    base = rank_base(
        _name_length(names),
        _completeness(org, offices, contacts, channels, publications),
        _age_in_months(org, EPOCH),
    )
    card = card_of(
        org, offices=offices, contacts=contacts, regions=regions, topics=topics,
        publications=publications,
    )  # fmt: skip
    return Document(" ".join(dict.fromkeys(tokens)), base, terms, card)


def _phone_rows(label: str, channels: Iterable[Any]) -> list[list[str]]:
    return [
        [label, ch.value, ch.normalised]
        for ch in channels
        if ch.kind in ("phone", "fax") and not ch.withheld
    ]


def _channels_of(owner: Any) -> list[Any]:
    """The channels of an office or contact: in hand when an import has just made them."""
    loaded = getattr(owner, "loaded_channels", None)
    return loaded if loaded is not None else list(owner.channels.all())


def card_of(
    org: Any,
    *,
    offices: list[Any],
    contacts: list[Any],
    regions: list[Any],
    topics: list[Any],
    publications: list[Any],
) -> dict[str, Any]:
    """The public parts of an entry a result shows: names, city and where snippets come from.

    ``contacts``: the published ones only — a card never holds what the public may not see.
    """
    phone_rows: list[list[str]] = []
    for office in offices:
        phone_rows += _phone_rows(office.label or office.city, _channels_of(office))
    for contact in contacts:
        phone_rows += _phone_rows(contact.name, _channels_of(contact))
    return {
        "slug": org.slug,
        "name_ru": org.name_ru,
        "name_en": org.name_en,
        "city": next((o.city for o in offices if o.city), ""),
        "contacts": [[c.name, c.role] for c in contacts],
        "phones": phone_rows,
        "texts": [
            org.mission,
            org.activities,
            org.history,
            org.membership,
            *[f"{p.title}. {p.description}" for p in publications],
            ", ".join(o.city for o in offices if o.city),
            ", ".join(f"{r.name_ru} / {r.name_en}" for r in regions),
            ", ".join(f"{t.name_ru} / {t.name_en}" for t in topics),
        ],
        "other_names": [n for n in [*(org.aliases or []), *(org.former_names or [])] if n],
    }
