"""OSDI people: the network's members and supporters (people scope).

The list is the back office's list of people (``accounts.view_user``); an erased account has
no roles left and is not active, so it is not listed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Router

from vigil.accounts import selectors
from vigil.core.permissions import ensure

from .. import osdi
from ..access import PEOPLE_READ, caller_of
from ..listing import listing
from ..pagination import MAX_PK
from ..problems import Problem

router = Router(tags=["people"])


class PersonFull(osdi.PersonOut):
    roles: list[str]
    created_date: Any = None


def person_full(user: Any) -> dict[str, Any]:
    return {
        **osdi.person_out(user.pk, user.name, user.email, language=user.language),
        "roles": sorted({assignment.role for assignment in user.role_assignments.all()}),
        "created_date": user.date_joined,
    }


@listing(router, "/", name="people", item=PersonFull,
         serialise=lambda _request, person: person_full(person), modified=["date_joined"],
         auth=PEOPLE_READ)  # fmt: skip
def list_people(request: HttpRequest) -> QuerySet[Any]:
    ensure(caller_of(request).user, "accounts.view_user")
    return selectors.people()


@router.get("/{pk}", auth=PEOPLE_READ, response=PersonFull)
def get_person(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_PK)) -> dict[str, Any]:
    person = selectors.people().filter(pk=pk).first()
    if person is None:
        raise Problem(404)
    ensure(caller_of(request).user, "accounts.view_user", person)
    return person_full(person)
