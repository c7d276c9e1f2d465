"""RSS and Atom feeds of the public documents (django.contrib.syndication).

Items come from ``Document.objects.public(now)`` at the moment of each request: the feed is
never cached here, so an embargoed release appears in it at its moment.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from vigil.core.permissions import PUBLIC

from . import selectors
from .models import Document

FEED_SIZE = 30


class DocumentsFeed(Feed):
    vigil_access = PUBLIC

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """A feed is read, never posted to (every public POST is throttled; this has none)."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().__call__(request, *args, **kwargs)

    title = _("Documents and news releases")
    description = _("Public documents and news releases of the network, newest first.")

    def link(self) -> str:
        return reverse("publications:library")

    def items(self) -> list[Document]:
        return list(selectors.public_documents()[:FEED_SIZE])

    def item_title(self, item: Document) -> str:
        return f"{item.index_number}: {item.title}"

    def item_description(self, item: Document) -> str:
        return item.body.split("\n\n", 1)[0]

    def item_link(self, item: Document) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Document) -> str:
        return f"vigil:document:{item.index_number}:{item.language}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Document) -> datetime.datetime | None:
        if item.embargo_at is not None:
            return item.embargo_at
        if item.date is not None:
            return datetime.datetime.combine(item.date, datetime.time(), tzinfo=datetime.UTC)
        return item.created_at

    def item_updateddate(self, item: Document) -> datetime.datetime:
        return item.updated_at

    def item_categories(self, item: Document) -> list[Any]:
        return [item.get_doc_type_display(), item.index_prefix]


class DocumentsAtomFeed(DocumentsFeed):
    feed_type = Atom1Feed
    subtitle = DocumentsFeed.description
