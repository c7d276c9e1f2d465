"""The sitemap of the library: its list pages and every public document, in both languages."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import selectors
from .models import Document


class DocumentSitemap(Sitemap):
    i18n = True
    languages = ["ru", "en"]
    changefreq = "monthly"

    def items(self) -> Any:
        return selectors.public_documents().order_by("pk")

    def lastmod(self, item: Document) -> datetime.datetime:
        return item.updated_at


class PagesSitemap(Sitemap):
    i18n = True
    languages = ["ru", "en"]
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["publications:library", "publications:news", "publications:annual_reports"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, Any] = {"pages": PagesSitemap, "documents": DocumentSitemap}
