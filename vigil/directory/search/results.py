"""The search as the pages use it: a page of highlighted results, and every match for a download."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.safestring import SafeString

from vigil.core.i18n import in_english

from . import ranking
from .backends import CARDS
from .highlight import Marker, highlight_name, make_snippet
from .query import Query, parse

_SLUG = re.compile(r"[-\w]+")


def facet_tokens(region: str | None, topic: str | None) -> tuple[str, ...] | None:
    """The tokens of the region and topic filters (see :func:`documents.facets`); None when a
    filter names no region or topic, so nothing matches."""
    from ..models import Region, Topic

    tokens: list[str] = []
    for model, slug, prefix in ((Region, region, "r"), (Topic, topic, "t")):
        if not slug:
            continue
        if not _SLUG.fullmatch(slug):
            return None
        pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if pk is None:
            return None
        tokens.append(f"{prefix}{pk}")
    return tuple(tokens)


def matching_ids(
    query: Query,
    *,
    region: str | None = None,
    topic: str | None = None,
    offset: int = 0,
    limit: int | None = 20,
) -> tuple[list[int], int]:
    """Organisation ids of the matches, best first (see :mod:`.ranking`), and how many match
    (at most ``ranking.COUNTED + 1``: more than that)."""
    if not query:
        return [], 0
    facets = facet_tokens(region, topic)
    if facets is None:
        return [], 0
    return ranking.matching_ids(ranking.with_facets(query, facets), offset=offset, limit=limit)


@dataclass
class Hit:
    slug: str
    name: SafeString
    city: str
    snippet: SafeString


@dataclass
class Results:
    query: Query
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    #: More entries match than ``total`` (which is then COUNTED): ask for more words.
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1


def matching_organisations(
    text: str, *, region: str | None = None, topic: str | None = None
) -> Any:
    """Every published organisation the search finds (at most COUNTED), best first: the
    queryset the CSV and JSON downloads of a search stream."""
    from django.db.models import Case, IntegerField, Value, When

    from ..models import Organisation

    ids, _total = matching_ids(parse(text), region=region, topic=topic, limit=None)
    if not ids:
        return Organisation.objects.none()
    order = Case(
        *[When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return Organisation.objects.filter(pk__in=ids, is_published=True).order_by(order)


def _cards(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation_id, card FROM {CARDS} WHERE organisation_id IN ({marks})",  # noqa: S608
            ids,
        )
        return {int(pk): json.loads(card) for pk, card in cursor.fetchall()}


def search(
    text: str,
    *,
    region: str | None = None,
    topic: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Results:
    """Published organisations matching ``text``, best first, one page of them, highlighted."""
    query = parse(text)
    page = max(1, min(int(page), 10_000))
    per_page = max(1, min(int(per_page), 100))
    ids, total = matching_ids(
        query, region=region, topic=topic, offset=(page - 1) * per_page, limit=per_page
    )
    cards = _cards(ids)
    english = in_english()
    hits = []
    marker = Marker(query)
    for pk in ids:
        card = cards.get(pk)
        if card is None:
            continue
        name = (
            (card["name_en"] or card["name_ru"])
            if english
            else (card["name_ru"] or card["name_en"])
        )
        hits.append(
            Hit(
                card["slug"],
                highlight_name(name, marker),
                card["city"],
                make_snippet(card, marker),
            )
        )
    counted = ranking.COUNTED
    return Results(query, hits, min(total, counted), page, per_page, more=total > counted)
