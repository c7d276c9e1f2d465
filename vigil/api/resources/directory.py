"""The directory of organisations and its regions: what the public pages show.

Lists read ``directory.selectors.visible_organisations`` for the caller; search is the site's
own engine (``directory.search.search``), ranked as on the search page, and pages by number
because a ranking has no key order.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from vigil.directory import search as directory_search
from vigil.directory import selectors
from vigil.directory.models import Organisation, Region

from .. import osdi
from ..access import PUBLIC_READ, caller_of
from ..listing import listing
from ..problems import Problem

router = Router(tags=["directory"])


class OrganisationOut(osdi.Dated):
    name: str
    name_ru: str
    name_en: str
    slug: str
    mission: str
    regions: list[str]
    browser_url: str


class RegionOut(Schema):
    identifiers: list[str]
    name: str
    slug: str
    kind: str
    iso_code: str
    parent: str | None


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=200)
    region: str | None = Field(None, max_length=100)
    topic: str | None = Field(None, max_length=100)
    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


class HitOut(Schema):
    slug: str
    name: str
    city: str
    browser_url: str


class SearchOut(Schema):
    total: int
    more: bool
    page: int
    per_page: int
    hits: list[HitOut]


def _url(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("directory:organisation", args=[slug]))


def organisation_out(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    return {
        "identifiers": osdi.identifiers("organisation", organisation.pk),
        "created_date": organisation.created_at,
        "modified_date": organisation.updated_at,
        "name": organisation.name,
        "name_ru": organisation.name_ru,
        "name_en": organisation.name_en,
        "slug": organisation.slug,
        "mission": organisation.mission,
        "regions": [region.slug for region in organisation.regions.all()],
        "browser_url": _url(request, organisation.slug),
    }


def region_out(region: Region) -> dict[str, Any]:
    return {
        "identifiers": osdi.identifiers("region", region.pk),
        "name": region.name,
        "slug": region.slug,
        "kind": region.kind,
        "iso_code": region.iso_code,
        "parent": region.parent.slug if region.parent is not None else None,
    }


@listing(router, "/organisations", name="organisations", item=OrganisationOut,
         serialise=organisation_out, modified=["updated_at"], auth=PUBLIC_READ)  # fmt: skip
def list_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return selectors.visible_organisations(caller_of(request).user).prefetch_related("regions")


@router.get("/organisations/search", auth=PUBLIC_READ, response=SearchOut)
def search_organisations(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """The search page's engine and ranking, best first; ``more`` when more than ``total``
    match (then narrow the query)."""
    results = directory_search.search(
        query.q[: directory_search.MAX_QUERY_CHARS],
        region=query.region or None,
        topic=query.topic or None,
        page=query.page,
        per_page=query.per_page,
    )
    return {
        "total": results.total,
        "more": results.more,
        "page": results.page,
        "per_page": results.per_page,
        "hits": [
            {"slug": hit.slug, "name": html.unescape(re.sub(r"</?mark>", "", str(hit.name))),
             "city": hit.city, "browser_url": _url(request, hit.slug)}
            for hit in results.hits
        ],
    }  # fmt: skip


@router.get("/organisations/{slug}", auth=PUBLIC_READ, response=OrganisationOut)
def get_organisation(request: HttpRequest, slug: str) -> dict[str, Any]:
    organisation = selectors.visible_organisations(caller_of(request).user).filter(slug=slug)
    found = organisation.prefetch_related("regions").first()
    if found is None:
        raise Problem(404)
    return organisation_out(request, found)


@listing(router, "/regions", name="regions", item=RegionOut,
         serialise=lambda _request, region: region_out(region), auth=PUBLIC_READ)  # fmt: skip
def list_regions(request: HttpRequest) -> QuerySet[Region]:
    """The region tree; a region has no dates, so ``modified_since`` does not narrow it."""
    return selectors.all_regions()
