"""The documents API: ``GET /api/v1/documents/`` and ``GET /api/v1/documents/{index}``.

Mounted in ``vigil/api/api.py``.  Both operations are public (``auth=None`` with the
``PUBLIC`` mark) and read only what ``Document.objects.public(now)`` returns: an embargoed
document is "not found" here exactly as on the pages, for staff too.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from vigil.core.permissions import PUBLIC

from . import selectors
from .models import Document

router = Router(tags=["documents"])
LIMIT = 100


def _public[F](func: F) -> F:
    func.vigil_access = PUBLIC  # type: ignore[attr-defined]
    return func


class DocumentOut(Schema):
    index_number: str
    language: str
    title: str
    type: str
    classification: str
    news_service_number: str
    date: datetime.date | None
    embargo: datetime.datetime | None
    url: str
    translations: list[str]


class DocumentDetailOut(DocumentOut):
    body: str
    correspondence_address: str
    contacts: str
    closing_lines: str


class Filters(Schema):
    type: Document.Type | None = None
    region: str | None = None
    year: int | None = None
    language: Document.Language | None = None
    q: str | None = None


class ErrorOut(Schema):
    detail: str


def _out(document: Document, versions: list[str], *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "index_number": document.index_number,
        "language": document.language,
        "title": document.title,
        "type": document.doc_type,
        "classification": document.classification,
        "news_service_number": document.news_service_number,
        "date": document.date,
        "embargo": document.embargo_at,
        "url": document.get_absolute_url(),
        "translations": versions,
    }
    if full:
        data |= {
            "body": document.body,
            "correspondence_address": document.correspondence_address,
            "contacts": document.contacts,
            "closing_lines": document.closing_lines,
        }
    return data


def _languages(documents: list[Document], now: datetime.datetime) -> dict[str, list[str]]:
    indexes = {d.index_number for d in documents}
    found: dict[str, list[str]] = {}
    for index, language in (
        selectors.public_documents(now)
        .filter(index_number__in=indexes)
        .order_by("language")
        .values_list("index_number", "language")
    ):
        found.setdefault(index, []).append(language)
    return found


@router.get("/", auth=None, response=list[DocumentOut])
@_public
def list_documents(request: HttpRequest, filters: Query[Filters]) -> list[dict[str, Any]]:
    now = timezone.now()
    documents = list(selectors.library(filters.dict(), now)[:LIMIT])
    languages = _languages(documents, now)
    return [
        _out(d, [lang for lang in languages.get(d.index_number, []) if lang != d.language])
        for d in documents
    ]


@router.get("/{index}", auth=None, response={200: DocumentDetailOut, 404: ErrorOut})
@_public
def get_document(
    request: HttpRequest, index: str, language: str | None = None
) -> Status[dict[str, Any]]:
    now = timezone.now()
    document = selectors.api_document(index, language, now)
    if document is None:
        return Status(404, {"detail": "Not found"})
    languages = _languages([document], now).get(document.index_number, [])
    return Status(
        200, _out(document, [lang for lang in languages if lang != document.language], full=True)
    )
