"""Documents: the library's published documents, every language version.

Both reads start from ``publications.selectors.public_documents`` (the list through
``library``, the library page's filters; one document through ``api_document``), so the
embargo is the pages' own: an embargoed document is "not found" here, for staff too.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from vigil.publications import selectors
from vigil.publications.models import Document

from .. import osdi
from ..access import PUBLIC_READ
from ..listing import listing
from ..problems import Problem

router = Router(tags=["documents"])


class DocumentOut(osdi.Dated):
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


def document_out(document: Document, languages: list[str], *, full: bool = False) -> dict[str, Any]:
    """The record; ``languages`` are the document's public versions (its own left out)."""
    data: dict[str, Any] = {
        "identifiers": osdi.identifiers("document", document.pk),
        "created_date": document.created_at,
        "modified_date": document.updated_at,
        "index_number": document.index_number,
        "language": document.language,
        "title": document.title,
        "type": document.doc_type,
        "classification": document.classification,
        "news_service_number": document.news_service_number,
        "date": document.date,
        "embargo": document.embargo_at,
        "url": document.get_absolute_url(),
        "translations": [language for language in languages if language != document.language],
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
    """The public language versions of each document's index number, in one query."""
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


def documents_out(request: HttpRequest, documents: list[Document]) -> list[dict[str, Any]]:
    languages = _languages(documents, timezone.now())
    return [document_out(d, languages.get(d.index_number, [])) for d in documents]


@listing(router, "/", name="documents", item=DocumentOut, serialise_page=documents_out,
         modified=["updated_at"], auth=PUBLIC_READ)  # fmt: skip
def list_documents(request: HttpRequest, filters: Query[Filters]) -> QuerySet[Document]:
    """Published documents, each language version a record, with the library's filters."""
    return selectors.library(filters.dict(), timezone.now())


@router.get("/{index}", auth=PUBLIC_READ, response=DocumentDetailOut)
def get_document(request: HttpRequest, index: str, language: str | None = None) -> dict[str, Any]:
    now = timezone.now()
    document = selectors.api_document(index, language, now)
    if document is None:
        raise Problem(404)
    languages = _languages([document], now).get(document.index_number, [])
    return document_out(document, languages, full=True)
