"""Staff import a directory page from the back office, in Russian: the page's first line is a
person, not the organisation, so the entry becomes a draft; the worker imports it, the summary
leads to the review queue, which says why the entry is a draft beside its source; staff fix
the name and publish it, and the organisation appears on the public directory page.
Screenshots of the queue at 390 and 1280 px go to test-results/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.directory.models import Organisation

from .conftest import RequestLog
from .support import IMG, ru, upload_for_import

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Организации Москвы</title></head>
<body>
<p>Иван Зоркин</p>
<p>101000 Москва<br>ул. Садовая, 12<br>Тел: 095-265-43-21</p>
<p>Экологическая организация «Родник» основана в 1991 году учителями и студентами города,
чтобы защищать малые реки Подмосковья.</p>
<p>Return to the Moscow Page.</p>
<p>Last updated: January 1998</p>
</body></html>
"""


def test_staff_upload_a_directory_page_fix_the_draft_and_publish_it_in_russian(
    page: Page,
    live_server: Any,
    make_user: Callable[..., User],
    request_log: RequestLog,
    tmp_path: Path,
) -> None:
    base = live_server.url
    staff = make_user("staff@example.org", Role.STAFF)
    upload = tmp_path / "moscow.html"
    upload.write_bytes(PAGE.encode("utf-8"))
    page.set_default_navigation_timeout(30_000)
    with translation.override("ru"):
        moscow = reverse("directory:region", args=["moscow"])
        search = reverse("directory:search")
        queue = reverse("directory:import_review")

    upload_for_import(page, base, staff, upload, "Directory (handbook pages)")
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text(ru("To review"))
    expect(summary.locator("dd").nth(1)).to_have_text("1")
    page.get_by_role("link", name=ru("Review queue")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ru("Imports to review"))
    draft = page.get_by_role("article")
    expect(draft).to_contain_text(ru("Why it is a draft"))
    expect(draft).to_contain_text(ru("The first line is not the organisation's name."))
    expect(draft.locator("pre")).to_contain_text("Иван Зоркин")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=IMG / f"directory-import-review-{width}.png", full_page=True)

    draft.get_by_role("link", name=ru("Fix the entry")).click()
    page.get_by_label(ru("name in Russian")).fill("Родник")
    page.get_by_label(ru("name in English")).fill("Rodnik")
    page.get_by_role("button", name=ru("Save the entry")).click()
    expect(page.get_by_text(ru("The entry is saved."))).to_be_visible()

    page.goto(f"{base}{queue}")
    draft = page.get_by_role("article")
    expect(draft.get_by_role("heading", level=3)).to_have_text("Родник")
    draft.get_by_role("button", name=ru("Publish")).click()
    expect(page.get_by_text(ru("No drafts to review."))).to_be_visible()

    page.context.clear_cookies()  # the public page, as anyone sees it
    # Found by a visitor's search, whatever else the region holds from other tests' data.
    page.goto(f"{base}{search}?q=Родник")
    expect(page.get_by_role("link", name="Родник")).to_be_visible()
    page.goto(f"{base}{moscow}")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=IMG / f"directory-import-public-{width}.png", full_page=True)

    organisation = Organisation.objects.get()
    assert organisation.is_published and organisation.name_en == "Rodnik"
    assert organisation.import_reasons[0] == {"code": "first_line"}
    assert request_log.foreign() == []
