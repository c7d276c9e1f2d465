"""The one way to make a link absolute, for mail, calendars and feeds read outside the site.

A page's own links are relative; a link that leaves the site (in an e-mail, an iCalendar
feed, a document announcement) needs the scheme and host.  When a request is at hand its
address is the right one (``request_root``: the reader used it, behind whatever proxy);
mail sent without a request (the worker, commands, erasure) uses the site's public address,
``VIGIL_BASE_URL``.  Every app builds such links through these three functions, so the
choice between the two and the trailing slash are decided here once.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_root(base_url: str | None = None) -> str:
    """``base_url`` (a request's root) when there is one, else ``VIGIL_BASE_URL``; without
    the trailing slash, so that a path starting with ``/`` can follow."""
    return (base_url or str(settings.VIGIL_BASE_URL)).rstrip("/")


def absolute_url(path: str, base_url: str | None = None) -> str:
    """The absolute address of ``path`` (as ``reverse`` gives it) at ``site_root(base_url)``."""
    return site_root(base_url) + path


def request_root(request: HttpRequest) -> str:
    """Scheme and host of this request, without the trailing slash: the ``base_url`` that a
    view hands to the services that mail links."""
    return request.build_absolute_uri("/").rstrip("/")
