"""Local groups: their public fields only (``groups.selectors.public_groups``, the public
list): number, name, city, region and when they meet.  No members, no addresses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from vigil.groups import selectors
from vigil.groups.models import Group

from .. import osdi
from ..access import PUBLIC_READ
from ..pagination import PageQuery, page
from ..problems import Problem

router = Router(tags=["groups"])


class GroupOut(osdi.Dated):
    name: str
    number: int
    slug: str
    city: str
    region: str
    status: str
    meetings: str
    browser_url: str


GroupsOut = osdi.collection("groups", GroupOut)


def group_out(request: HttpRequest, group: Group) -> dict[str, Any]:
    return {
        "identifiers": osdi.identifiers("group", group.pk),
        "created_date": group.created_at,
        "modified_date": group.created_at,
        "name": group.name,
        "number": group.number,
        "slug": group.slug,
        "city": group.city,
        "region": group.region.name if group.region_id else "",
        "status": group.status,
        "meetings": selectors.describe_schedule(group),
        "browser_url": request.build_absolute_uri(group.get_absolute_url()),
    }


@router.get("/", auth=PUBLIC_READ, response=GroupsOut, by_alias=True)
def list_groups(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return page(
        request, selectors.public_groups(), query, embedded="osdi:groups",
        serialise=lambda g: group_out(request, g), modified=["created_at"],
    )  # fmt: skip


@router.get("/{slug}", auth=PUBLIC_READ, response=GroupOut)
def get_group(request: HttpRequest, slug: str) -> dict[str, Any]:
    group = selectors.public_groups().filter(slug=slug).first()
    if group is None:
        raise Problem(404)
    return group_out(request, group)
