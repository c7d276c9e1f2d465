from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role
from vigil.api.api import api
from vigil.core.permissions import PUBLIC

pytestmark = pytest.mark.django_db


def test_every_operation_needs_a_session_or_is_declared_public() -> None:
    undeclared = []
    for _prefix, router in api._routers:
        for route, path_view in router.path_operations.items():
            for operation in path_view.operations:
                is_public = getattr(operation.view_func, "vigil_access", None) == PUBLIC
                if not operation.auth_callbacks and not is_public:
                    undeclared.append(route)
    assert undeclared == []


def test_health(client: Any) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_me_needs_a_session(client: Any) -> None:
    assert client.get("/api/v1/me").status_code == 401


def test_me_returns_only_the_callers_own_account(client: Any, member: User) -> None:
    assign_role(member, Role.TRANSLATOR)
    client.post("/en/account/login/", {"username": member.email, "password": PASSWORD})
    body = client.get("/api/v1/me").json()
    assert body["id"] == member.pk
    assert sorted(r["role"] for r in body["roles"]) == ["member", "translator"]
    assert "email" not in body


def test_openapi_schema_is_served(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]


def test_openapi_schema_has_one_key_per_response_code(client: Any) -> None:
    """A key written twice ("404" from an int and from a str) breaks Swagger UI's parser."""
    repeated: list[set[str]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _value in items]
        repeated.extend({key} for key in keys if keys.count(key) > 1)
        return dict(items)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=pairs)
    assert repeated == []
