"""Every answer under /api/ that is an error is an RFC 9457 problem document, in the request's
language, and the schema lists every code an operation can answer."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.api.api import COMMON_ERRORS, api

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing-here", "/api/nothing", "/api/v1/petitions/no-such-petition",
     "/api/v1/documents/XYZ%2099/999/2099"],
)  # fmt: skip
def test_unknown_paths_answer_a_problem_not_the_html_page(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404 and body["title"] and body["detail"] and body["type"]


def test_problems_are_in_the_requests_language(client: Any) -> None:
    russian = client.get("/api/v1/nothing", HTTP_ACCEPT_LANGUAGE="ru").json()
    english = client.get("/api/v1/nothing", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["title"] == "Not found"
    assert russian["title"] == "Не найдено"


def test_a_wrong_method_and_bad_input_are_problems(client: Any) -> None:
    wrong = client.delete("/api/v1/health")
    assert wrong.status_code == 405 and wrong["Content-Type"] == PROBLEM
    bad = client.get("/api/v1/petitions/?per_page=0", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 422 and bad["Content-Type"] == PROBLEM
    assert bad.json()["errors"][0]["loc"][-1] == "per_page"
    cursor = client.get("/api/v1/petitions/?cursor=***", HTTP_ACCEPT_LANGUAGE="en")
    assert cursor.status_code == 400 and "cursor" in cursor.json()["detail"]


def test_missing_authentication_is_a_problem(client: Any) -> None:
    response = client.get("/api/v1/people/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_schema_lists_every_error_as_a_problem() -> None:
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            codes = set(operation["responses"])
            assert {str(c) for c in COMMON_ERRORS} <= codes, (path, method)
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    assert list(response["content"]) == [PROBLEM], (path, method, code)


def test_reads_carry_an_etag_and_answer_304(client: Any) -> None:
    first = client.get("/api/v1/petitions/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/api/v1/petitions/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
