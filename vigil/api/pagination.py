"""Cursor pagination and ``modified_since`` for every collection, in OSDI's collection shape.

A page is read in primary-key order after the cursor's key, so inserts during a sync neither
skip nor repeat rows.  The cursor is opaque to clients (URL-safe base64 of the last key).
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Field, Schema

from .problems import Problem

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
#: A primary key in a path: bounded, so no database is asked for a number it cannot hold.
MAX_PK = 2**62


class PageQuery(Schema):
    cursor: str | None = Field(
        None, max_length=64, description="From the previous page's next link."
    )
    per_page: int = Field(DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    modified_since: datetime.datetime | None = Field(
        None, description="Only records created or changed at or after this time (ISO 8601)."
    )


class Link(Schema):
    href: str


class Links(Schema):
    self: Link
    next: Link | None = None


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Problem(400, _("The cursor is not valid: use the next link of a page.")) from None
    if value < 0:
        raise Problem(400, _("The cursor is not valid: use the next link of a page."))
    return value


def _since(modified_fields: Iterable[str], moment: datetime.datetime) -> Q:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    condition = Q()
    for name in modified_fields:
        condition |= Q(**{f"{name}__gte": moment})
    return condition


def page(
    request: HttpRequest,
    queryset: QuerySet[Any],
    query: PageQuery,
    *,
    embedded: str,
    serialise: Callable[[list[Any]], list[dict[str, Any]]],
    modified: Iterable[str] = (),
) -> dict[str, Any]:
    """One page of ``queryset`` (already narrowed by its app's selector); ``serialise`` turns
    the page's rows into records at once, so a record may draw on its neighbours' queries.
    Endpoints declare themselves with :func:`vigil.api.listing.listing`, which calls this."""
    rows = queryset.order_by("pk")
    modified = tuple(modified)
    if query.modified_since is not None and modified:
        rows = rows.filter(_since(modified, query.modified_since))
    if query.cursor:
        rows = rows.filter(pk__gt=decode_cursor(query.cursor))
    found: list[Model] = list(rows[: query.per_page + 1])
    more = len(found) > query.per_page
    found = found[: query.per_page]
    links: dict[str, Any] = {"self": {"href": request.build_absolute_uri()}}
    if more:
        params: dict[str, str] = {k: str(v) for k, v in request.GET.items() if k != "cursor"}
        params["cursor"] = encode_cursor(int(found[-1].pk))
        links["next"] = {"href": request.build_absolute_uri(f"{request.path}?{urlencode(params)}")}
    return {
        "per_page": query.per_page,
        "_links": links,
        "_embedded": {embedded: serialise(found)},
    }
