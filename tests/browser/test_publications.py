"""Documents in a real browser: an embargoed release is not on the news page nor at its
address; at its moment it is, in Russian and English, with nobody acting.  Screenshots for the
user guide (only with VIGIL_UPDATE_SCREENSHOTS=1)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.publications.conftest import SEED
from vigil.publications import services
from vigil.publications.importer import read_file

from .conftest import RequestLog
from .support import IMG

pytestmark = pytest.mark.browser

TITLE = "Russian Federation: Resource Centre plays key role"


def test_embargoed_release_appears_at_its_moment(
    live_server: Any, page: Page, request_log: RequestLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = live_server.url
    document = services.import_document(read_file(SEED)).document
    assert document is not None
    moment = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    document.embargo_at = moment
    services.save_document(document)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.set_default_navigation_timeout(30_000)  # the first page of a cold server on a busy CI

    # Before the moment: not on the news page, and its address is a plain 404.
    page.goto(f"{base}/documents/news/")
    expect(page.locator("main")).not_to_contain_text("Resource Centre")
    response = page.goto(f"{base}/documents/d/eur-46-039-2003/en/")
    assert response is not None and response.status == 404

    # The moment passes (the live server runs in this process and reads the same clock).
    later = moment + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page.goto(f"{base}/documents/news/")
    link = page.get_by_role("link", name=re.compile("Resource Centre plays key role"))
    expect(link).to_be_visible()
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "publications-news.png", full_page=True)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator("main")).to_contain_text("EUR 46/039/2003")
    expect(page.locator("main")).to_contain_text("GMT")
    page.screenshot(path=IMG / "publications-document.png", full_page=True)

    # The same page in English, through the language switcher.
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/documents/d/eur-46-039-2003/en/$"))
    expect(page.locator("main")).to_contain_text(f"{moment.day} {moment:%B %Y}, {moment:%H:%M} GMT")

    # The library with its filters.
    page.goto(f"{base}/en/documents/")
    page.get_by_label("Region or subject").select_option("EUR")
    page.get_by_label("Year").fill("2003")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("link", name=re.compile("Resource Centre"))).to_be_visible()
    page.screenshot(path=IMG / "publications-library.png", full_page=True)
    assert request_log.foreign() == []
