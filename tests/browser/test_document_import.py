"""Staff import a Russian press-release page from the back office, in Russian: the upload is
queued, the worker imports it, the summary leads to the review queue, and staff complete the
index number the page printed without its prefix and publish the draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.publications.models import Document

from .conftest import RequestLog
from .support import ru, upload_for_import

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="windows-1251"><title>Пресс-релиз</title></head>
<body><p>МЕЖДУНАРОДНАЯ АМНИСТИЯ</p>
<p>Служба новостей 168/02 МА Индекс: 46/012/02 15 апреля 2002 г.</p>
<h1>Российская Федерация: правозащитники Воронежа просят защиты</h1>
<p>Члены воронежской группы наблюдения получают угрозы после публикации доклада.</p>
</body></html>
"""


def test_staff_upload_a_page_and_publish_the_draft_in_russian(
    page: Page,
    live_server: Any,
    make_user: Callable[..., User],
    request_log: RequestLog,
    tmp_path: Path,
) -> None:
    base = live_server.url
    staff = make_user("staff@example.org", Role.STAFF)
    upload = tmp_path / "voronezh.html"
    upload.write_bytes(PAGE.encode("cp1251"))
    page.set_default_navigation_timeout(30_000)

    upload_for_import(page, base, staff, upload, "Documents (press releases, reports)")
    expect(page.locator("#import-summary")).to_contain_text(ru("To review"))
    page.get_by_role("link", name=re.compile("Перейти к очереди проверки")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ru("Documents waiting for review"))
    draft = page.get_by_role("article")
    expect(draft).to_contain_text("Российская Федерация: правозащитники Воронежа просят защиты")
    expect(draft).to_contain_text(ru("the index number was printed without its region prefix"))
    expect(draft.locator("pre")).to_contain_text("МА Индекс: 46/012/02")
    draft.get_by_label(re.compile("индексный номер", re.I)).fill("EUR 46/012/2002")
    draft.get_by_role("button", name=ru("Publish")).click()
    expect(page.get_by_text(ru("The document is published."))).to_be_visible()
    expect(page.get_by_text(ru("No document is waiting for review."))).to_be_visible()

    document = Document.objects.get()
    assert document.index_number == "EUR 46/012/2002" and document.language == "ru"
    assert document.index_as_printed == "46/012/02" and document.is_public()
    assert request_log.foreign() == []
