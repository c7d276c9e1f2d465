"""Campaigns in a real browser, in Russian: the home page shows the running campaign, its link
opens the campaign page with its picture (served by Vigil) and the petition to sign, and the
petition's link leads to the petition.  Screenshots for the user guide
(docs/img/campaigns-*.png) only with VIGIL_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from vigil.campaigns import services
from vigil.campaigns.models import Campaign
from vigil.petitions.models import Petition

from .conftest import RequestLog
from .support import IMG

pytestmark = pytest.mark.browser


def _picture() -> ContentFile[bytes]:
    out = io.BytesIO()
    Image.new("RGB", (900, 360), (28, 36, 58)).save(out, "JPEG")
    return services.clean_hero_image(ContentFile(out.getvalue(), name="banner.jpg"))


def test_home_to_campaign_to_petition_in_russian(
    live_server: Any,
    page: Page,
    request_log: RequestLog,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        Campaign._meta.get_field("hero_image"), "storage", FileSystemStorage(location=tmp_path)
    )
    base = live_server.url
    petition = Petition.objects.create(
        slug="free-the-journalist",
        title_ru="Освободите журналиста Ивана Сидорова",
        title_en="Free the journalist Ivan Sidorov",
        target="Генеральному прокурору Российской Федерации",
        text_ru="Мы призываем немедленно освободить журналиста Ивана Сидорова.",
        goal=100,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    campaign = services.save_campaign(
        Campaign(
            slug="free-the-journalists",
            title_ru="Свободу журналистам",
            title_en="Free the journalists",
            summary_ru="Журналисты сидят в тюрьме за свою работу.",
            body_ru="Подпишите петицию и расскажите о ней друзьям.",
            status=Campaign.Status.ACTIVE,
            starts_at=timezone.now() - datetime.timedelta(days=3),
            hero_image=_picture(),
            hero_alt_ru="Тёмно-синий баннер",
        )
    )
    campaign.petitions.add(petition)
    services.save_campaign(
        Campaign(slug="draft", title_ru="Черновик кампании", summary_ru="-",
                 status=Campaign.Status.DRAFT)
    )  # fmt: skip
    page.set_viewport_size({"width": 1200, "height": 900})
    page.set_default_navigation_timeout(30_000)  # the first page of a cold server on a busy CI

    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("main")).not_to_contain_text("Черновик кампании")
    link = page.locator("main").get_by_role("link", name="Свободу журналистам")
    expect(link).to_be_visible()
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "campaigns-home.png", full_page=True)
    link.click()

    expect(page).to_have_url(f"{base}/campaigns/free-the-journalists/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Свободу журналистам")
    picture = page.get_by_role("img", name="Тёмно-синий баннер")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 900  # it loaded, from Vigil
    petition_link = page.get_by_role("link", name=petition.title_ru)
    expect(petition_link).to_be_visible()
    page.screenshot(path=IMG / "campaigns-detail.png", full_page=True)
    petition_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(petition.title_ru)
    assert request_log.foreign() == []
