"""Public pages of the document library: news, library with filters, annual reports, one
document, its attachments; the staff's list of embargoed documents.  Reads go through
:mod:`selectors`, which start from ``Document.objects.public(now)``."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from vigil.core.permissions import can, public, require

from . import selectors
from .forms import LibraryFilterForm
from .models import Document
from .sitemaps import SITEMAPS

PAGE_SIZE = 25


def _listing(
    request: HttpRequest, template: str, fixed: dict[str, Any], extra: dict[str, Any]
) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data.copy() if form.is_valid() else {}
    filters.update(fixed)
    now = timezone.now()
    # One entry per document: paginate its index numbers, then fetch their versions.
    page = Paginator(selectors.library_index(filters, now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    entries = selectors.entries_for(
        (row["index_number"] for row in page.object_list),
        filters.get("language") or "",
        translation.get_language() or "ru",
        now=now,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "entries": entries,
            "query": query.urlencode(),
            "years": selectors.library_years(now),
            "can_preview": can(request.user, selectors.PREVIEW),
            "hidden_filters": list(fixed),
            **extra,
        },
    )


@public
@require_safe
def library(request: HttpRequest) -> HttpResponse:
    return _listing(request, "publications/library.html", {}, {})


@public
@require_safe
def news(request: HttpRequest) -> HttpResponse:
    return _listing(request, "publications/news.html", {"type": Document.Type.NEWS_RELEASE}, {})


@public
@require_safe
def annual_reports(request: HttpRequest) -> HttpResponse:
    return _listing(
        request, "publications/annual_reports.html", {"type": Document.Type.ANNUAL_REPORT}, {}
    )


@public
@require_safe
def by_index(request: HttpRequest, slug: str) -> HttpResponse:
    document = selectors.best_version(request.user, slug, translation.get_language() or "ru")
    if document is None:
        raise Http404
    return redirect(document)


@public
@require_safe
def detail(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    """A plain 404 before the embargo (the same page as for a document that does not exist);
    staff see the document with a preview notice."""
    now = timezone.now()
    document = selectors.document_for(request.user, slug, language, now)
    if document is None:
        raise Http404
    is_preview = not document.is_public(now)
    response = render(
        request,
        "publications/detail.html",
        {
            "document": document,
            "versions": selectors.versions_of(document, request.user, now),
            "attachments": list(document.attachments.all()),
            "is_preview": is_preview,
        },
    )
    if is_preview:
        # Not public yet: no browser or proxy cache may keep a copy.
        response["Cache-Control"] = "private, no-store"
    return response


@public
@require_safe
def attachment(request: HttpRequest, slug: str, language: str, pk: int) -> FileResponse:
    """Attachments have no public URL of their own: each download asks the same rule."""
    item = selectors.attachment_for(request.user, slug, language, pk)
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=str(item.file.name).rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require(selectors.PREVIEW)
@require_safe
def embargoed(request: HttpRequest) -> HttpResponse:
    response = render(
        request, "publications/embargoed.html", {"documents": list(selectors.embargoed())}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@public
@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.sitemap(
        request, sitemaps=SITEMAPS, template_name="publications/sitemap.xml"
    )
    response.render()
    return response
