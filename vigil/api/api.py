"""The HTTP API (django-ninja), version 1.  Endpoints stay thin: they call services and selectors.

Every operation declares its access like the pages do: ``auth=None`` plus :func:`public_operation`
for open endpoints, otherwise a signed-in session (``django_auth``) and a permission checked
with :func:`vigil.core.permissions.ensure` on the object at hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status
from ninja.security import django_auth

from vigil.accounts import selectors as account_selectors
from vigil.core import selectors as core_selectors
from vigil.core.permissions import PUBLIC, ensure

F = TypeVar("F", bound=Callable[..., Any])

api = NinjaAPI(
    title="Vigil API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
)


def public_operation[F: Callable[..., Any]](func: F) -> F:
    func.vigil_access = PUBLIC  # type: ignore[attr-defined]
    return func


class HealthOut(Schema):
    status: str
    database: str
    cache: str


class RoleOut(Schema):
    role: str
    label: str
    scope: str | None


class MeOut(Schema):
    id: int
    name: str
    language: str
    time_zone: str
    roles: list[RoleOut]


class ErrorOut(Schema):
    detail: str


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["system"])
@public_operation
def health(request: HttpRequest) -> Status[dict[str, Any]]:
    report = core_selectors.health_report()
    return Status(200 if report["status"] == "ok" else 503, report)


@api.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["accounts"])
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    ensure(user, "accounts.view_user", user)
    return {
        "id": user.pk,
        "name": user.name,
        "language": user.language,
        "time_zone": user.time_zone,
        "roles": account_selectors.roles_of(user),
    }


api.add_router("/cases/", "vigil.cases.api.router")
api.add_router("/documents/", "vigil.publications.api.router")
