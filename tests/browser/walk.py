"""Walk the site in one browser page: every page reachable by links, each view once.

The layout, accessibility and wording tests all need "every page"; walking by links (rather
than listing URLs by hand) keeps a new page from being forgotten.  A view is visited once per
language (the first URL met that resolves to it), which keeps the walk to a few hundred loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

#: Links that are not pages to look at: files, feeds, actions.
SKIPPED = (
    ".pdf",
    ".ics",
    ".csv",
    ".json",
    ".vcf",
    ".txt",
    ".png",
    ".jpg",
    ".svg",
    "/logout/",
    "/api/",
    "/static/",
    "/media/",
    "/feed",
    "/export",
    "/download",
    "/delete/",
    "/i18n/",
)

#: Back-office views worth one visit each: the rest are the same templates again.
ADMIN_KINDS = ("index", "changelist", "change", "add", "app_list")


@dataclass
class Visit:
    """One page as the browser showed it."""

    url: str
    view: str


@dataclass
class Walk:
    """What a walk saw: the pages, in order, and what each check said about each."""

    language: str
    visits: list[Visit] = field(default_factory=list)


def view_of(path: str, language: str) -> str | None:
    """The view a path resolves to in ``language``, or None for a path that is not a page."""
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    name = match.view_name
    if name.startswith("admin:"):
        kind = name.rsplit("_", 1)[-1]
        if name == "admin:index":
            return name
        if kind not in ADMIN_KINDS:
            return None
        if kind == "changelist":  # each list: its filters and columns are its own
            return name
        # One model's form stands for the others of its app.
        app = path.split("back-office/", 1)[-1].split("/", 1)[0]
        return f"admin:{app}:{kind}"
    return name


def walk(
    page: Page,
    base: str,
    starts: Iterable[str],
    language: str,
    look: Callable[[Page, Visit], None],
    *,
    limit: int = 400,
) -> Walk:
    """Open ``starts`` and every same-site page linked from them, one URL per view, and call
    ``look`` on each while it is open."""
    prefix = "/en/" if language == "en" else "/"
    queue = list(starts)
    seen_views: set[str] = set()
    seen_urls: set[str] = set()
    result = Walk(language)
    while queue and len(result.visits) < limit:
        path = queue.pop(0)
        if path in seen_urls:
            continue
        seen_urls.add(path)
        view = view_of(path, language)
        if view is None or view in seen_views:
            continue
        try:
            response = page.goto(base + path)
        except PlaywrightError as exc:  # a download, not a page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        final = urlsplit(page.url).path
        if final != urlsplit(path).path and view_of(final, language) in seen_views:
            continue  # redirected to a page already seen (a sign-in page, say)
        seen_views.add(view)
        visit = Visit(url=path, view=view)
        look(page, visit)
        result.visits.append(visit)
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            link = _same_site_path(href, base, prefix, language)
            if link and link not in seen_urls:
                queue.append(link)
    return result


def _same_site_path(href: str, base: str, prefix: str, language: str) -> str | None:
    if href.startswith(base):
        href = href[len(base) :]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = parts.path
    if language == "ru" and path.startswith("/en/"):
        return None  # the other language: walked on its own
    if language == "en" and not path.startswith(prefix):
        return None
    if any(part in path for part in SKIPPED):
        return None
    return path + (f"?{parts.query}" if parts.query else "")
