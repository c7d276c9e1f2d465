"""Template helpers of the events pages, and the group page's calendar link.

``{% load events %}{% group_feed_url group as url %}`` gives the absolute address of the
group's calendar for the viewer (a member's private address carries their token).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats, timezone

from vigil.core.links import absolute_url, request_root
from vigil.events import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def group_feed_url(context: Any, group: Any) -> str:
    request = context.get("request")
    path = selectors.group_feed_url(group, getattr(request, "user", None))
    return absolute_url(path, request_root(request) if request is not None else None)


@register.filter
def webcal(url: str) -> str:
    """The same address for calendar apps (``webcal://`` opens the subscribe dialog)."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme) :]
    return url


@register.filter
def venue_clock_differs(event: Any) -> bool:
    """True when the venue's clock shows another time than the viewer's zone."""
    viewer = event.starts_at.astimezone(timezone.get_current_timezone())
    return viewer.utcoffset() != event.local_starts_at.utcoffset()


@register.filter
def venue_span(event: Any) -> str:
    """When the event is, on the venue's clock: one date for a same-day event
    ("15 декабря 2026 г., 18:00–20:00"), both in full when it runs over several days."""
    starts, ends = event.local_starts_at, event.local_ends_at
    if starts.date() == ends.date():
        day = formats.date_format(starts, "DATE_FORMAT")
        start_time = formats.time_format(starts, "TIME_FORMAT")
        return f"{day}, {start_time}–{formats.time_format(ends, 'TIME_FORMAT')}"
    start_text = formats.date_format(starts, "DATETIME_FORMAT")
    return f"{start_text} – {formats.date_format(ends, 'DATETIME_FORMAT')}"
