"""Every page of the demo, in both languages, as a visitor and as staff, in one walk.

One browser page walks the site by its links (tests/browser/walk.py), one view once per
language.  On each page it measures the horizontal overflow at 1280 and 390 px; on the public
pages it runs axe-core (vendored from npm in tests/browser/vendor/axe-core, never from a CDN);
on every Russian page, the back office included, it looks for English words left in the
interface.  The tests below read what the walk found, so
the site is loaded once for all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from tests.conftest import current_totp
from vigil.accounts.models import User
from vigil.directory.models import Region
from vigil.directory.regions import ensure_region_tree

from .conftest import RESULTS_DIR, RequestLog
from .support import ru, sign_in
from .walk import Visit, walk

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)
STAFF_EMAIL = "staff@vigil.example"  # vigil/accounts/demo.py
DEMO_PASSWORD = "vigil-demo-password"  # the demo's published password
#: Pages reached through a form rather than a link: the searches with an answer.
FORM_PAGES = ("directory/search/?q=права", "documents/?q=Russian")

#: The width by which the page is wider than the window.
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
#: The visible text of the page outside what is not interface: content marked as another
#: language, code, addresses.  Latin words in what is left are English left untranslated.
INTERFACE_TEXT = """() => {
  const skip = '[lang]:not([lang=ru]), code, kbd, samp, pre, .secret, input, textarea, '
    + 'option:not([value=""]), script, style, [aria-hidden=true], .hp';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
    parts.push(node.textContent);
  }
  for (const select of document.querySelectorAll('select')) {  // a placeholder shows as text
    const shown = select.selectedOptions[0];
    if (shown && shown.value === '' && select.checkVisibility()) parts.push(shown.text);
  }
  return parts.join(' ');
}"""
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")
#: Codes rather than words: addresses, links, time zones (Europe/Moscow), rules (FREQ=MONTHLY),
#: identifiers (an event's calendar UID).
CODE = re.compile(r"\S*[/=@]\S*|\b[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\b")
#: Latin words that are names, not interface: the product, formats, apps, keys.
NAMES = {
    "Vigil", "RSS", "Atom", "PDF", "CSV", "JSON", "HTML", "JPEG", "PNG", "XLIFF", "CAT", "API",
    "iCal", "vCard", "UTC", "GMT", "FreeOTP", "Aegis", "Google", "Authenticator", "Apple",
    "Calendar", "Thunderbird", "Outlook", "Telegram", "WhatsApp", "Ctrl", "Mac", "Cmd", "zip",
    "Control", "Command", "WebP",
    # A language's own name, as language lists write it.
    "English",
}  # fmt: skip


def _data_words() -> set[str]:
    """Every Latin word stored in the database: names and texts people entered (an
    organisation's English name, a contact's role as the source writes it) are not interface."""
    from django.apps import apps
    from django.db import models

    words: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin", "contenttypes", "auth"}:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if not fields:
            continue
        for row in model._default_manager.all().iterator():
            for name in fields:
                words.update(LATIN_WORD.findall(str(getattr(row, name) or "")))
    return words


@dataclass
class Found:
    """What the walk saw on each page."""

    pages: dict[str, list[Visit]] = field(default_factory=dict)
    overflow: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    latin: list[str] = field(default_factory=list)
    data_words: set[str] = field(default_factory=set)
    requests: RequestLog = field(default_factory=RequestLog)


def _shot(page: Page, name: str) -> None:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=RESULTS_DIR / f"every-page-{re.sub(r'[^\w.-]+', '_', name)}.png")


def _looker(found: Found, who: str, language: str) -> Callable[[Page, Visit], None]:
    def look(page: Page, visit: Visit) -> None:
        where = f"{who} {visit.url}"
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            extra = page.evaluate(OVERFLOW)
            if extra > 0:
                found.overflow.append(f"{where} is {extra}px too wide at {width}px")
                _shot(page, f"{where}-{width}")
        if who == "visitor":
            page.add_script_tag(path=AXE)
            result = page.evaluate(
                "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                ".filter(v => ['serious', 'critical'].includes(v.impact))"
                ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' '))"
                ".join(', ')))"
            )
            found.axe.extend(f"{where}: {line}" for line in result)
        if language == "ru":
            text = CODE.sub(" ", page.evaluate(INTERFACE_TEXT))
            words = set(LATIN_WORD.findall(text)) - NAMES - found.data_words
            words = {word for word in words if not word.isupper()}  # ISO, ID: abbreviations
            if words:
                found.latin.append(f"{where}: {' '.join(sorted(words))}")

    return look


def _staff_signs_in(page: Page, base: str) -> None:
    staff = User.objects.get_by_email(STAFF_EMAIL)
    assert staff is not None, "the demo has no staff account"
    sign_in(page, base, STAFF_EMAIL, DEMO_PASSWORD)
    page.get_by_label(ru("Six-digit code from your authenticator app")).fill(current_totp(staff))
    page.get_by_role("button", name=ru("Confirm")).click()
    expect(page).not_to_have_url(re.compile(r"/two-factor/"))


@pytest.fixture(scope="module")
def found(browser: Browser, live_server: Any, django_db_blocker: Any) -> Iterator[Found]:
    """The walk, once for the module, over the demo data.  The first test's teardown flushes
    the database, as after any test with the live server."""
    base = live_server.url
    result = Found()
    with django_db_blocker.unblock():
        if not Region.objects.filter(slug="kazan").exists():
            ensure_region_tree(Region)
        call_command("load_demo", stdout=StringIO())
        result.data_words = _data_words()
        # No CSP here: axe is injected as an inline script (the CSP has its own test).
        context = browser.new_context(bypass_csp=True, locale="ru-RU", timezone_id="Europe/Moscow")
        context.set_default_timeout(10_000)
        context.on("request", result.requests)
        page = context.new_page()
        for who in ("visitor", "staff"):
            if who == "staff":
                _staff_signs_in(page, base)
            for language in ("ru", "en"):
                prefix = "/" if language == "ru" else "/en/"
                starts = [prefix, *(prefix + p for p in FORM_PAGES)]
                if who == "staff":
                    starts.append(f"{prefix}back-office/")
                look = _looker(result, who, language)
                result.pages[f"{who} {language}"] = walk(page, base, starts, language, look).visits
        context.close()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "every-page.txt").write_text(
        "\n".join(["overflow:", *result.overflow, "axe:", *result.axe, "latin:", *result.latin])
    )
    yield result


def test_the_walk_reaches_every_kind_of_page(found: Found) -> None:
    counts = {key: len(visits) for key, visits in found.pages.items()}
    assert counts["visitor ru"] >= 20 and counts["visitor ru"] == counts["visitor en"], counts
    assert counts["staff ru"] >= 55 and counts["staff ru"] == counts["staff en"], counts
    staff_views = {visit.view for visit in found.pages["staff ru"]}
    assert {
        "coordination:dashboard",
        "bulletin:index",
        "partners:index",
        "distribution:index",  # linked from the staff menu
        "distribution:detail",
        "directory:search",
    } <= staff_views
    assert any(view.startswith("admin:") for view in staff_views)


def test_no_page_loads_anything_from_another_host(found: Found) -> None:
    assert found.requests.urls, "no request was recorded"
    assert found.requests.foreign() == []


def test_every_page_fits_from_390_to_1280_px(found: Found) -> None:
    assert found.overflow == [], "\n".join(found.overflow)


def test_no_serious_accessibility_violation_on_public_pages(found: Found) -> None:
    assert found.axe == [], "\n".join(found.axe)


def test_russian_pages_have_no_english_interface_words(found: Found) -> None:
    assert found.latin == [], "\n".join(found.latin)


def test_the_menu_folds_on_a_phone_without_javascript(
    new_context: CreateContextCallback, live_server: Any
) -> None:
    page = new_context(java_script_enabled=False, viewport={"width": 390, "height": 800}).new_page()
    page.goto(f"{live_server.url}/")
    petitions = page.locator(".site-nav").get_by_role("link", name=ru("Petitions"), exact=True)
    expect(petitions).to_be_hidden()
    page.get_by_text(ru("Menu")).click()
    expect(petitions).to_be_visible()
    expect(petitions).to_be_in_viewport()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text(ru("Menu"))).to_be_hidden()
    expect(petitions).to_be_visible()
    expect(page.locator(".site-nav").get_by_role("link", name=ru("Sign in"))).to_be_in_viewport()


def test_search_and_filter_forms_are_styled_for_a_thumb(page: Page, live_server: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    for path, form in (("/directory/search/", "form.search-form"), ("/documents/", "form.filters")):
        page.goto(live_server.url + path)
        fields = page.locator(f"{form} input:not([type=hidden]), {form} select, {form} button")
        assert fields.count() >= 3, path
        for index in range(fields.count()):
            box = fields.nth(index).bounding_box()
            assert box is not None and box["height"] >= 44, f"{path}: field {index} is too small"
        border = page.locator(f"{form} select").first.evaluate(
            "e => getComputedStyle(e).borderTopLeftRadius"
        )
        assert border != "0px", f"{path}: the fields are not styled"
