"""The cases API: the public list and, for the signed-in user, the own-country policy's answer.

Mounted in ``vigil/api/api.py``.  Access is declared as on the rest of the API: public
operations set ``auth=None`` and carry the ``PUBLIC`` mark; the others need a session.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import translation
from ninja import Router, Schema
from ninja.security import django_auth

from vigil.core.permissions import PUBLIC, ensure

from . import selectors
from .policy import may_act

router = Router(tags=["cases"])


class CaseOut(Schema):
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


def _out(case: Any) -> dict[str, Any]:
    return {
        "slug": case.slug, "title": case.title, "country": case.country,
        "category": case.category, "status": case.status, "is_urgent": case.is_urgent,
        "deadline": case.deadline, "url": case.get_absolute_url(),
        "results": [outcome.kind for outcome in getattr(case, "results", [])],
    }  # fmt: skip


@router.get("/", auth=None, response=list[CaseOut])
def list_cases(
    request: HttpRequest,
    country: str = "",
    category: str = "",
    status: str = "",
    urgent: bool | None = None,
) -> list[dict[str, Any]]:
    cases = selectors.published_cases(
        country=country.upper(), category=category, status=status, urgent=urgent
    )
    return [_out(case) for case in cases]


list_cases.vigil_access = PUBLIC  # type: ignore[attr-defined]


@router.get("/{slug}/may-write", auth=django_auth, response=MayWriteOut)
def may_write(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The own-country policy's answer for the signed-in user, in their own language."""
    user: Any = request.user
    case = selectors.case_by_slug(slug)
    if case is None:
        raise Http404
    ensure(user, "cases.read_case", case)
    with translation.override(user.language or "ru"):
        decision = may_act(user, case)
    return {"case": case.slug, "allowed": decision.allowed, "reason": decision.reason}
