"""``{% load campaigns %}{% running_campaigns 3 %}``: the home page's block of campaigns.

A template tag, like ``latest_news``, so that ``core`` (which imports no domain app) can show
it on the home page."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.campaigns import selectors

register = template.Library()


@register.inclusion_tag("campaigns/_running.html")
def running_campaigns(limit: int = 3) -> dict[str, Any]:
    return {"campaigns": selectors.running_campaigns(limit)}
