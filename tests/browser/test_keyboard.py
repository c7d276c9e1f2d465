"""With the keyboard alone, on a phone-sized screen, in Russian: a visitor signs a petition and
applies to join a group.  Only Tab, typing, Space, arrow keys and Enter; no clicks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from vigil.directory.models import Region
from vigil.directory.regions import ensure_region_tree
from vigil.groups import services as group_services
from vigil.groups.models import Application
from vigil.petitions.models import ConsentText, Petition, Signature

from .support import ru

pytestmark = pytest.mark.browser


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as someone without a mouse does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def choose(page: Page, select: Locator, label: str) -> None:
    """Pick an option of a focused select with the arrow keys."""
    tab_to(page, select)
    for _ in range(200):
        if select.evaluate("s => s.selectedOptions[0].text.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r}")


def test_sign_a_petition_with_the_keyboard(live_server: Any, page: Page) -> None:
    ConsentText.objects.create(version=1, text_ru="Я согласен(на).", text_en="I agree.")
    petition = Petition.objects.create(
        slug="free-the-journalist",
        title_ru="Освободите журналиста",
        title_en="Free the journalist",
        target="Генеральному прокурору",
        text_ru="Мы призываем освободить журналиста.",
        goal=10,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/petitions/{petition.slug}/")
    type_into(page, page.get_by_label(ru("Your name")), "Анна Ахматова")
    type_into(page, page.get_by_label(ru("E-mail address")), "anna@example.org")
    type_into(page, page.get_by_label(ru("Country")), "Россия")
    type_into(page, page.get_by_label(ru("City or town")), "Тверь")
    consent = page.locator("#id_consent")
    tab_to(page, consent)
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    tab_to(page, page.get_by_role("button", name=ru("Sign"), exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_be_visible()
    assert Signature.objects.count() == 1


def test_apply_to_join_a_group_with_the_keyboard(live_server: Any, page: Page) -> None:
    if not Region.objects.filter(slug="kazan").exists():
        ensure_region_tree(Region)
    group_services.create_group(
        number=3, name="Казань-1", slug="kazan-1", city="Казань",
        region=Region.objects.get(slug="kazan"), meeting_rule="FREQ=MONTHLY;BYDAY=1TU",
        meeting_time=datetime.time(19, 0), meeting_timezone="Europe/Moscow",
    )  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/groups/join/")
    type_into(page, page.get_by_label(ru("Your name")), "Дина Гарипова")
    type_into(page, page.get_by_label(ru("E-mail address")), "dina@example.org")
    type_into(page, page.get_by_label(ru("City or town")), "Казань")
    choose(page, page.get_by_label(ru("Region")), "Казань")
    type_into(page, page.get_by_label(ru("Languages you read and write")), "русский, татарский")
    consent = page.locator("input[name=consent]")
    tab_to(page, consent)
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    tab_to(page, page.get_by_role("button", name=ru("Send my application")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_be_visible()
    assert Application.objects.count() == 1
