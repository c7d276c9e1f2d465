"""Cases in a real browser, in Russian: a member in Kazan sees which cases are offered and why
one is not, writes a letter for a death-penalty case in Russia and downloads the PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.cases import demo
from vigil.directory.models import Region
from vigil.directory.regions import ensure_region_tree
from vigil.groups import services
from vigil.groups.models import Membership

from .conftest import RequestLog
from .support import IMG, UPDATE_SCREENSHOTS, ru

pytestmark = pytest.mark.browser


def shot(page: Page, name: str) -> None:
    if UPDATE_SCREENSHOTS:
        page.screenshot(path=str(IMG / f"cases-{name}.png"), full_page=True)


def test_member_in_russia_writes_for_the_right_cases(
    live_server: Any, page: Page, make_user: Callable[..., User], request_log: RequestLog
) -> None:
    base = live_server.url
    if not Region.objects.filter(slug="kazan").exists():
        ensure_region_tree(Region)
    kazan = services.create_group(
        number=3, name="Казань-1", slug="kazan-1", city="Казань",
        region=Region.objects.get(slug="kazan"),
    )  # fmt: skip
    member = make_user("kazan-member@example.org", name="Алексей Петров")
    services.add_member(kazan, member, Membership.Role.MEMBER)
    list(demo.load())
    page.set_viewport_size({"width": 1200, "height": 900})
    # The machine is shared: WeasyPrint and a busy server need more than the default 5 s.
    page.set_default_timeout(30_000)

    page.goto(f"{base}/cases/")
    expect(page.get_by_role("link", name="Рашид Алиев, журналист")).to_be_visible()
    shot(page, "list")

    page.goto(f"{base}/account/login/")
    page.get_by_label(ru("E-mail address")).fill("kazan-member@example.org")
    page.get_by_label(ru("Password")).fill(PASSWORD)
    page.get_by_role("button", name=ru("Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/account/login/"))

    page.goto(f"{base}/cases/my-actions/")
    offered = page.locator("#offered").locator("..")
    expect(offered.get_by_role("link", name="Рашид Алиев, журналист")).to_be_visible()
    expect(offered.get_by_role("link", name="Сергей Иванов: смертный приговор")).to_be_visible()
    refused = page.locator("#not-offered").locator("..")
    expect(refused.get_by_text("Анна Петрова: пытки в изоляторе")).to_be_visible()
    expect(refused).to_contain_text("Россия")
    shot(page, "my-actions")

    page.goto(f"{base}/cases/petrova-torture/write/")
    expect(page.get_by_role("alert")).to_contain_text("Россия")

    page.goto(f"{base}/cases/ivanov-death-sentence/write/")
    expect(page.get_by_label(ru("Your name (signature)"))).to_have_value("Алексей Петров")
    body = page.get_by_label(ru("Your letter"))
    body.fill(body.input_value() + "\n\nПрошу отменить смертный приговор.")
    shot(page, "write")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=ru("Download the letter as PDF")).click()
    path = download_info.value.path()
    text = pypdf.PdfReader(io.BytesIO(Path(path).read_bytes())).pages[0].extract_text()
    assert "Прошу отменить смертный приговор" in text
    assert "Уважаемый господин Генеральный прокурор" in text
    assert "Алексей Петров" in text
    assert request_log.foreign() == []
