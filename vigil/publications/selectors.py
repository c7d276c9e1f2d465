"""Every read of the publications app.  All of them start from ``Document.objects.public(now)``
unless the reader may preview (staff), so no surface has its own idea of "published"."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from vigil.core.permissions import can

from .indexnumbers import parse_index_number
from .models import Attachment, Document

PREVIEW = "publications.preview_document"


def public_documents(now: datetime.datetime | None = None) -> QuerySet[Document]:
    return Document.objects.public(now or timezone.now())


def library_urls(
    index_numbers: Iterable[str], now: datetime.datetime | None = None
) -> dict[str, str]:
    """For index numbers as other apps store them: the library address of those whose
    document is published (the embargo rule, ``public_documents``); the rest are left out."""
    canonical: dict[str, str] = {}
    for text in index_numbers:
        try:
            canonical[text] = str(parse_index_number(text))
        except ValidationError:
            continue
    slugs = dict(
        public_documents(now)
        .filter(index_number__in=set(canonical.values()))
        .values_list("index_number", "slug")
    )
    return {
        text: reverse("publications:by_index", args=[slugs[number]])
        for text, number in canonical.items()
        if number in slugs
    }


def visible_documents(user: Any, now: datetime.datetime | None = None) -> QuerySet[Document]:
    """Public documents, or every document for those who may preview."""
    if user is not None and can(user, PREVIEW):
        return Document.objects.all()
    return public_documents(now)


def latest_news(
    limit: int = 5, language: str = "", now: datetime.datetime | None = None
) -> list[Document]:
    """The home page's block: the newest public news releases, one per document, each in
    ``language`` when it has a version in it (else its original)."""
    now = now or timezone.now()
    newest = library_index({"type": Document.Type.NEWS_RELEASE}, now)[:limit]
    entries = entries_for((row["index_number"] for row in newest), language, now=now)
    return [entry.document for entry in entries]


def filter_documents(queryset: QuerySet[Document], filters: dict[str, Any]) -> QuerySet[Document]:
    """The library's filters (already validated by ``LibraryFilterForm``); empty ones ignored."""
    if filters.get("type"):
        queryset = queryset.filter(doc_type=filters["type"])
    if filters.get("region"):
        queryset = queryset.filter(index_prefix=filters["region"])
    if filters.get("year"):
        queryset = queryset.filter(index_year=filters["year"])
    if filters.get("language"):
        queryset = queryset.filter(language=filters["language"])
    if query := (filters.get("q") or "").strip():
        words = Q()
        for word in query.split()[:10]:
            words &= Q(title__icontains=word) | Q(body__icontains=word)
        queryset = queryset.filter(words | index_matches(query))
    return queryset


def index_matches(query: str) -> Q:
    """Documents whose index is ``query`` in any spelling: as printed ("EUR 46/34/99") or
    canonical ("EUR 46/034/1999"); a query without a prefix matches every prefix."""
    printed = Q(index_as_printed__iexact=" ".join(query.split()))
    try:
        index = parse_index_number(query)
    except ValidationError:  # a query that is not an index number is text
        return printed
    canonical = str(index)
    if index.certain:
        return printed | Q(index_number=canonical)
    return printed | Q(index_number=canonical) | Q(index_number__endswith=" " + canonical)


def review_queue() -> QuerySet[Document]:
    """Imported documents waiting for staff, oldest first."""
    return Document.objects.filter(needs_review=True).order_by("created_at", "pk")


def library(filters: dict[str, Any], now: datetime.datetime | None = None) -> QuerySet[Document]:
    return filter_documents(public_documents(now), filters)


@dataclass(frozen=True)
class LibraryEntry:
    """One document in a listing: the version to show and every public language version."""

    document: Document
    versions: list[Document]


def library_index(filters: dict[str, Any], now: datetime.datetime | None = None) -> QuerySet[Any]:
    """The index numbers the filters match, newest first: one row per document, however many
    language versions it has.  A document matches when any public version does, so the
    language filter lists those with a version in that language."""
    return (
        filter_documents(public_documents(now), filters)
        .order_by()
        .values("index_number")
        .annotate(newest=Max("date"), embargo=Max("embargo_at"))
        .order_by(
            F("newest").desc(nulls_last=True), F("embargo").desc(nulls_last=True), "index_number"
        )
    )


def pick_version(versions: list[Document], *languages: str) -> Document:
    """The first of ``languages`` the document has, else its original, else any version."""
    for language in languages:
        for version in versions:
            if language and version.language == language:
                return version
    originals = [v for v in versions if v.original_id is None]
    return (originals or versions)[0]


def entries_for(
    index_numbers: Iterable[str], *languages: str, now: datetime.datetime | None = None
) -> list[LibraryEntry]:
    """The public versions of these documents, grouped, in the order given; each shows the
    version in the first of ``languages`` it has (one query)."""
    order = list(dict.fromkeys(index_numbers))
    grouped: dict[str, list[Document]] = {index: [] for index in order}
    for version in public_documents(now).filter(index_number__in=order).order_by("language"):
        grouped[version.index_number].append(version)
    return [
        LibraryEntry(document=pick_version(versions, *languages), versions=versions)
        for versions in grouped.values()
        if versions
    ]


def library_years(now: datetime.datetime | None = None) -> list[int]:
    years = public_documents(now).order_by().values_list("index_year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def annual_reports(now: datetime.datetime | None = None) -> QuerySet[Document]:
    return public_documents(now).filter(doc_type=Document.Type.ANNUAL_REPORT)


def document_for(
    user: Any, slug: str, language: str, now: datetime.datetime | None = None
) -> Document | None:
    """The version a reader may open, or None (the page answers a plain 404)."""
    return (
        visible_documents(user, now)
        .select_related("original")
        .filter(slug=slug, language=language)
        .first()
    )


def best_version(
    user: Any, slug: str, language: str, now: datetime.datetime | None = None
) -> Document | None:
    """For ``/documents/d/<index>/``: the reader's language if visible, else the original."""
    versions = list(visible_documents(user, now).filter(slug=slug))
    for candidate in versions:
        if candidate.language == language:
            return candidate
    originals = [v for v in versions if v.original_id is None]
    return (originals or versions or [None])[0]  # type: ignore[list-item]


def versions_of(
    document: Document, user: Any, now: datetime.datetime | None = None
) -> list[Document]:
    """The other language versions of a document that this reader may open."""
    return list(
        visible_documents(user, now)
        .filter(index_number=document.index_number)
        .exclude(pk=document.pk)
        .order_by("language")
    )


def attachment_for(
    user: Any, slug: str, language: str, pk: int, now: datetime.datetime | None = None
) -> Attachment | None:
    document = document_for(user, slug, language, now)
    if document is None:
        return None
    return Attachment.objects.filter(document=document, pk=pk).first()


def embargoed(now: datetime.datetime | None = None) -> QuerySet[Document]:
    """Documents waiting for their embargo (the staff's preview list)."""
    now = now or timezone.now()
    return Document.objects.filter(embargo_at__gt=now).order_by("embargo_at")


def api_document(
    index: str, language: str | None, now: datetime.datetime | None = None
) -> Document | None:
    """``GET /api/v1/documents/{index}``: by index number in any spelling, public only."""
    try:
        canonical = str(parse_index_number(index))
    except ValidationError:  # a malformed index is simply not found
        return None
    versions = list(public_documents(now).filter(index_number=canonical))
    if language:
        versions = [v for v in versions if v.language == language]
    originals = [v for v in versions if v.original_id is None]
    return (originals or versions or [None])[0]  # type: ignore[list-item]
