"""Cases: the public list of the cases page, and the own-country policy's answer.

The list is the cases page's (``cases.selectors.published_cases`` with the page's filters);
``may-write`` needs a signed-in session and answers with ``cases.policy.may_act``, the rule
the letter form applies.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema
from ninja.security import django_auth

from vigil.cases import selectors
from vigil.cases.models import Case
from vigil.cases.policy import may_act
from vigil.core.permissions import ensure

from .. import osdi
from ..access import PUBLIC_READ
from ..listing import listing
from ..problems import Problem

router = Router(tags=["cases"])


class CaseOut(osdi.Dated):
    slug: str
    title: str
    country: str
    category: str
    status: str
    is_urgent: bool
    deadline: datetime.date | None
    url: str
    results: list[str]


class MayWriteOut(Schema):
    case: str
    allowed: bool
    reason: str


def case_out(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        "identifiers": osdi.identifiers("case", case.pk),
        "created_date": case.created_at, "modified_date": case.updated_at,
        "slug": case.slug, "title": case.title, "country": case.country,
        "category": case.category, "status": case.status, "is_urgent": case.is_urgent,
        "deadline": case.deadline, "url": case.get_absolute_url(),
        "results": [outcome.kind for outcome in getattr(case, "results", [])],
    }  # fmt: skip


@listing(router, "/", name="cases", item=CaseOut, serialise=case_out, modified=["updated_at"],
         auth=PUBLIC_READ)  # fmt: skip
def list_cases(
    request: HttpRequest,
    country: str = "",
    category: str = "",
    status: str = "",
    urgent: bool | None = None,
) -> QuerySet[Case]:
    """Published cases, with the cases page's filters."""
    return selectors.published_cases(
        country=country.upper(), category=category, status=status, urgent=urgent
    )


@router.get("/{slug}/may-write", auth=django_auth, response=MayWriteOut)
def may_write(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The own-country policy's answer for the signed-in user, in their own language."""
    user: Any = request.user
    case = selectors.case_by_slug(slug)
    if case is None:
        raise Problem(404)
    ensure(user, "cases.read_case", case)
    with translation.override(user.language or "ru"):
        decision = may_act(user, case)
    return {"case": case.slug, "allowed": decision.allowed, "reason": decision.reason}
