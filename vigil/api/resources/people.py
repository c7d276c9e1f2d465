"""OSDI people: the network's members and supporters (people scope).

The list is the back office's list of people (``accounts.view_user``); an erased account has
no roles left and is not active, so it is not listed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from vigil.accounts import selectors
from vigil.core.permissions import ensure

from .. import osdi
from ..access import PEOPLE_READ, caller_of
from ..pagination import MAX_PK, PageQuery, page
from ..problems import Problem

router = Router(tags=["people"])


class PersonFull(osdi.PersonOut):
    roles: list[str]
    created_date: Any = None


PeopleOut = osdi.collection("people", PersonFull)


def person_full(user: Any) -> dict[str, Any]:
    return {
        **osdi.person_out(user.pk, user.name, user.email, language=user.language),
        "roles": sorted({assignment.role for assignment in user.role_assignments.all()}),
        "created_date": user.date_joined,
    }


@router.get("/", auth=PEOPLE_READ, response=PeopleOut, by_alias=True)
def list_people(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    ensure(caller_of(request).user, "accounts.view_user")
    return page(
        request, selectors.people(), query, embedded="osdi:people", serialise=person_full,
        modified=["date_joined"],
    )  # fmt: skip


@router.get("/{pk}", auth=PEOPLE_READ, response=PersonFull)
def get_person(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_PK)) -> dict[str, Any]:
    person = selectors.people().filter(pk=pk).first()
    if person is None:
        raise Problem(404)
    ensure(caller_of(request).user, "accounts.view_user", person)
    return person_full(person)
