"""Cases and documents are pages like every other list: cursor pages, ``modified_since`` and
ETags, over the pages' own selectors (published cases; documents past their embargo)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from vigil.cases.models import Case
from vigil.publications.models import Document

pytestmark = pytest.mark.django_db


def _all(client: Any, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    url: str | None = path
    query: dict[str, Any] | None = {"per_page": 2, **params}
    while url:
        body = client.get(url, query).json()
        records += body["_embedded"][key]
        url, query = (body["_links"].get("next") or {}).get("href"), None
    return records


def test_cases_come_in_pages_with_the_pages_filters(
    client: Any, make_case: Callable[..., Case]
) -> None:
    for n in range(3):
        make_case("RU", Case.Category.values[0], slug=f"ru-{n}")
    make_case("BY", Case.Category.values[0], slug="by-0")
    make_case("RU", Case.Category.values[0], slug="draft", is_published=False)
    first = client.get("/api/v1/cases/", {"per_page": 2, "country": "ru"}).json()
    assert len(first["_embedded"]["osdi:cases"]) == 2 and "next" in first["_links"]
    assert "country=ru" in first["_links"]["next"]["href"]
    assert {c["slug"] for c in _all(client, "/api/v1/cases/", "osdi:cases", country="ru")} == {
        "ru-0", "ru-1", "ru-2"
    }  # fmt: skip
    record = first["_embedded"]["osdi:cases"][0]
    case = Case.objects.get(slug=record["slug"])
    assert record["identifiers"] == [f"vigil:case-{case.pk}"]
    assert record["modified_date"] is not None


def test_cases_since_a_moment(client: Any, make_case: Callable[..., Case]) -> None:
    old = make_case("RU", Case.Category.values[0], slug="old")
    make_case("RU", Case.Category.values[0], slug="new")
    Case.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert [c["slug"] for c in _all(client, "/api/v1/cases/", "osdi:cases",
                                    modified_since=since)] == ["new"]  # fmt: skip


def test_a_case_list_answers_if_none_match(client: Any, make_case: Callable[..., Case]) -> None:
    make_case("RU", Case.Category.values[0])
    answer = client.get("/api/v1/cases/")
    assert answer.status_code == 200 and answer["ETag"]
    again = client.get("/api/v1/cases/", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304


def _copy(document: Document, number: str, **changes: Any) -> Document:
    copy = Document.objects.get(pk=document.pk)
    copy.pk = None
    copy.index_number = f"EUR 46/{number}/2003"
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def test_documents_come_in_pages_without_the_embargoed(
    client: Any, seed_document: Document
) -> None:
    _copy(seed_document, "040")
    _copy(seed_document, "041")
    embargoed = _copy(seed_document, "042", embargo_at=timezone.now() + datetime.timedelta(days=1))
    records = _all(client, "/api/v1/documents/", "osdi:documents")
    assert sorted(d["index_number"] for d in records) == [
        "EUR 46/039/2003", "EUR 46/040/2003", "EUR 46/041/2003"
    ]  # fmt: skip
    assert f"vigil:document-{embargoed.pk}" not in {d["identifiers"][0] for d in records}
    one_page = client.get("/api/v1/documents/", {"per_page": 2, "year": 2003}).json()
    assert "year=2003" in one_page["_links"]["next"]["href"]


def test_documents_since_a_moment_and_their_etag(client: Any, seed_document: Document) -> None:
    _copy(seed_document, "040")
    Document.objects.filter(pk=seed_document.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    records = _all(client, "/api/v1/documents/", "osdi:documents", modified_since=since)
    assert [d["index_number"] for d in records] == ["EUR 46/040/2003"]
    answer = client.get("/api/v1/documents/")
    assert client.get("/api/v1/documents/", HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304
