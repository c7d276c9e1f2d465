"""``{% load publications %}{% latest_news 5 %}``: the home page's block of latest news."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from vigil.publications import selectors

register = template.Library()


@register.inclusion_tag("publications/_latest_news.html")
def latest_news(limit: int = 5) -> dict[str, Any]:
    return {"documents": selectors.latest_news(limit, translation.get_language() or "ru")}


@register.filter
def embargo_display(document: Any) -> str:
    """ "28 May 2003, 10:00 GMT": the embargo in the zone it was announced in."""
    from vigil.core.dates import format_datetime

    local = document.embargo_local
    if local is None:
        return ""
    zone = document.embargo_zone or "UTC"
    return f"{format_datetime(local.replace(tzinfo=None))} {zone}"  # in its own zone
