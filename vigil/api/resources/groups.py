"""Local groups: their public fields only (``groups.selectors.public_groups``, the public
list): number, name, city, region and when they meet.  No members, no addresses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from vigil.groups import selectors
from vigil.groups.models import Group

from .. import osdi
from ..access import PUBLIC_READ
from ..listing import listing
from ..problems import Problem

router = Router(tags=["groups"])


class GroupOut(osdi.Dated):
    name: str
    name_en: str
    number: int
    slug: str
    city: str
    region: str
    status: str
    meetings: str
    browser_url: str


def group_out(request: HttpRequest, group: Group) -> dict[str, Any]:
    return {
        "identifiers": osdi.identifiers("group", group.pk),
        "created_date": group.created_at,
        "modified_date": group.created_at,
        "name": group.name,
        "name_en": group.name_en,
        "number": group.number,
        "slug": group.slug,
        "city": group.city,
        "region": group.region.name if group.region_id else "",
        "status": group.status,
        "meetings": selectors.describe_schedule(group),
        "browser_url": request.build_absolute_uri(group.get_absolute_url()),
    }


@listing(router, "/", name="groups", item=GroupOut, serialise=group_out, modified=["created_at"],
         auth=PUBLIC_READ)  # fmt: skip
def list_groups(request: HttpRequest) -> QuerySet[Group]:
    return selectors.public_groups()


@router.get("/{slug}", auth=PUBLIC_READ, response=GroupOut)
def get_group(request: HttpRequest, slug: str) -> dict[str, Any]:
    group = selectors.public_groups().filter(slug=slug).first()
    if group is None:
        raise Problem(404)
    return group_out(request, group)
