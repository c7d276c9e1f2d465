"""A visitor becomes a supporter in a real browser, in Russian: from the home page's card to
the sign-up form, the link in the mailbox, the confirmation, "my actions" and a letter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SmtpSink
from vigil.accounts.models import User
from vigil.cases import demo

from .conftest import RequestLog
from .support import IMG, UPDATE_SCREENSHOTS, ru, run_tasks

pytestmark = pytest.mark.browser

PASSWORD = "Svetlova-supporter-2026"


def shot(page: Page, name: str) -> None:
    if UPDATE_SCREENSHOTS:
        page.screenshot(path=str(IMG / f"supporters-{name}.png"), full_page=True)


def test_a_visitor_becomes_a_supporter_and_writes_a_letter(
    live_server: Any, page: Page, smtp_server: SmtpSink, request_log: RequestLog
) -> None:
    base = live_server.url
    list(demo.load())
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_default_timeout(30_000)  # a shared machine; WeasyPrint is slow under load

    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("link", name=ru("Become a supporter to write letters")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ru("Become a supporter"))
    page.get_by_label(ru("Your name")).fill("Лена Светлова")
    page.get_by_label(ru("E-mail address")).fill("lena@example.org")
    page.get_by_label(ru("Country you live in")).select_option(label="Россия")
    page.get_by_label(ru("Language of our e-mails")).select_option("ru")
    shot(page, "sign-up")
    page.get_by_role("button", name=ru("Become a supporter")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ru("Check your e-mail"))

    run_tasks()
    assert smtp_server.envelopes[-1][1] == ["lena@example.org"]
    mail = smtp_server.messages[-1]
    body = str(mail.get_payload(decode=True).decode())  # type: ignore[union-attr]
    assert "сторонник" in body
    link = re.search(r"https?://[^/\s]+(/supporters/confirm/\S+)", body)
    assert link is not None

    page.goto(base + link.group(1))
    expect(page.get_by_label(ru("Your name"))).to_have_value("Лена Светлова")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    shot(page, "confirm")
    page.get_by_role("button", name=ru("Confirm")).click()
    expect(page).to_have_url(re.compile(r"/cases/my-actions/$"))
    expect(page.get_by_role("status")).to_contain_text("сторонник")
    offered = page.locator("#offered").locator("..")
    expect(offered.get_by_role("link", name="Рашид Алиев, журналист")).to_be_visible()
    refused = page.locator("#not-offered").locator("..")
    expect(refused).to_contain_text("Россия")
    expect(page.get_by_role("link", name=ru("Ask to join a local group"))).to_be_visible()
    shot(page, "my-actions")

    offered.get_by_role("link", name=ru("Write a letter")).first.click()
    expect(page.get_by_label(ru("Your name (signature)"))).to_have_value("Лена Светлова")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=ru("Download the letter as PDF")).click()
    assert download_info.value.suggested_filename.endswith(".pdf")
    user = User.objects.get_by_email("lena@example.org")
    assert user is not None and user.country == "RU"
    assert user.case_letters.count() == 1
    assert request_log.foreign() == []
