"""The HTTP API (django-ninja), version 1.  Endpoints stay thin: they call services and selectors.

Every operation declares its access: ``auth=`` one of :mod:`vigil.api.access`'s scopes (a token,
or for public data also nobody or a session), or a signed-in session (``django_auth``) with a
permission checked by :func:`vigil.core.permissions.ensure` on the object at hand.  Errors are
problem documents (:mod:`vigil.api.problems`), and the schema says so for every operation.
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

from . import problems

F = TypeVar("F", bound=Callable[..., Any])

#: Error answers any operation may give, beside its own (see ``schema_with_problems``).
COMMON_ERRORS = (400, 401, 403, 404, 405, 422, 429, 500, 503)


class VigilNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        return schema_with_problems(schema)


def schema_with_problems(schema: Any) -> Any:
    """Every operation lists every error it can answer, as ``application/problem+json``, and
    a read lists 304 (the answer to ``If-None-Match``)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ProblemOut"] = problems.ProblemOut.model_json_schema()
    components["ProblemOut"]["additionalProperties"] = True
    problem_ref = {"$ref": "#/components/schemas/ProblemOut"}
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            # django-ninja keys its own responses by int: one key per code once written as JSON.
            responses = {str(key): r for key, r in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for code in COMMON_ERRORS:
                responses.setdefault(str(code), {"description": problems._title(code)})
            for key, response in responses.items():
                if int(key) >= 400:
                    response["content"] = {problems.CONTENT_TYPE: {"schema": problem_ref}}
            if method == "get":
                responses.setdefault("304", {"description": "Not modified (ETag)"})
    return schema


api = VigilNinjaAPI(
    title="Vigil API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    description=(
        "Vigil's API for integrations. Resources use OSDI 1.1 names and fields where OSDI "
        "defines them. Authenticate with `Authorization: Bearer <token>`; staff issue "
        "personal tokens in the back office. Errors are RFC 9457 problem details."
    ),
)
problems.install(api)


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


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["system"])
@public_operation
def health(request: HttpRequest) -> Status[dict[str, Any]]:
    report = core_selectors.health_report()
    return Status(200 if report["status"] == "ok" else 503, report)


@api.get("/me", response={200: MeOut}, tags=["accounts"])
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


api.add_router("/cases/", "vigil.api.resources.cases.router")
api.add_router("/documents/", "vigil.api.resources.documents.router")
api.add_router("/petitions/", "vigil.api.resources.petitions.router")
api.add_router("/consent/", "vigil.api.resources.petitions.consent_router")
api.add_router("/people/", "vigil.api.resources.people.router")
api.add_router("/events/", "vigil.api.resources.events.router")
api.add_router("/groups/", "vigil.api.resources.groups.router")
api.add_router("/directory/", "vigil.api.resources.directory.router")
api.add_router("/campaigns/", "vigil.api.resources.campaigns.router")
