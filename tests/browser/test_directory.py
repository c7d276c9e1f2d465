"""The directory in a real browser, in Russian: a region page, an organisation page, nothing
from another host; screenshots for the user guide."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.directory.factories import seed_000
from vigil.accounts.models import User
from vigil.accounts.roles import Role

from .conftest import RequestLog
from .support import IMG

pytestmark = pytest.mark.browser


def test_region_and_organisation_pages_in_russian(
    page: Page, live_server: Any, request_log: RequestLog
) -> None:
    entry = seed_000()
    page.set_viewport_size({"width": 1200, "height": 900})

    response = page.goto(f"{live_server.url}/directory/region/moscow/")
    assert response is not None and response.ok
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    crumbs = page.get_by_role("navigation", name="breadcrumb").get_by_role("listitem")
    # "Directory" in whatever the compiled Russian catalog says (English until translated).
    with translation.override("ru"):
        directory = gettext("Directory")
    expect(crumbs).to_have_text(
        [directory, "Новые независимые государства", "Россия", "Россия к западу от Урала", "Москва"]
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Москва")
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "directory-region.png", full_page=True)

    page.get_by_role("link", name="Амнистия Интернэшнл — Россия").click()
    expect(page).to_have_url(f"{live_server.url}/directory/{entry.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Амнистия Интернэшнл — Россия")
    crumbs = page.get_by_role("navigation", name="breadcrumb").get_by_role("listitem")
    expect(crumbs).to_have_count(6)
    expect(crumbs.nth(4)).to_have_text("Москва")
    expect(crumbs.nth(5)).to_have_text("Амнистия Интернэшнл — Россия")
    expect(crumbs.nth(5).locator("[aria-current=page]")).to_have_count(1)
    expect(page.locator(".stale-flag")).to_be_visible()
    expect(page.locator(".updated")).to_contain_text("март 1996")
    expect(page.get_by_text("Boris Suvorov")).to_be_visible()
    # The honeypot is in the form but out of sight.
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content() or "")
    assert data["@type"] == "NGO"
    # The stylesheet applied under the CSP: the stale flag has its border.
    border = page.locator(".stale-flag").evaluate("e => getComputedStyle(e).borderLeftWidth")
    assert border == "6px"
    page.screenshot(path=IMG / "directory-organisation.png", full_page=True)

    assert request_log.urls, "no request was recorded"
    assert request_log.foreign() == []


def test_suggestion_in_the_browser(page: Page, live_server: Any) -> None:
    entry = seed_000()
    page.goto(f"{live_server.url}/en/directory/{entry.slug}/")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.get_by_text("Write what should change in this entry.")).to_be_visible()
    page.get_by_label("What should change").fill("The St. Petersburg phone has changed.")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you.")


def test_editor_edits_an_entry(
    page: Page, live_server: Any, make_user: Callable[..., User], request_log: RequestLog
) -> None:
    entry = seed_000()
    editor = make_user("editor@example.org", Role.DIRECTORY_EDITOR)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/en/directory/{entry.slug}/edit/")
    expect(page).to_have_url(re.compile(r"/en/account/login/\?next="))
    page.get_by_label("E-mail address").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/{entry.slug}/edit/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit")
    page.locator("#offices-legend").evaluate("legend => legend.scrollIntoView()")
    page.screenshot(path=IMG / "directory-editor.png")

    page.get_by_label("Name in English").fill("Amnesty International Russia")
    page.get_by_label("Mark as verified now").check()
    page.get_by_label("What you changed").fill("Checked by phone")
    page.get_by_role("button", name="Save the entry").click()
    expect(page).to_have_url(f"{live_server.url}/en/directory/{entry.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amnesty International Russia")
    expect(page.locator(".stale-flag")).to_have_count(0)

    page.get_by_role("link", name="History").click()
    expect(page.locator(".revision").first).to_contain_text("Checked by phone")
    page.screenshot(path=IMG / "directory-history.png", full_page=True)
    assert request_log.foreign() == []
