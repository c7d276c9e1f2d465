"""Petitions in a real browser, in Russian: a visitor signs, confirms through the link in the
mail, and the counter on the page they left open moves without a reload.  Screenshots for the
user guide (docs/img/petitions-*.png) only with VIGIL_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import SmtpSink
from vigil.petitions.models import ConsentText, Petition, Signature

from .conftest import RequestLog
from .support import IMG, ru, run_tasks

pytestmark = pytest.mark.browser


def test_sign_in_russian_confirm_by_mail_and_watch_the_counter_move(
    live_server: Any, page: Page, smtp_server: SmtpSink, request_log: RequestLog
) -> None:
    base = live_server.url
    ConsentText.objects.create(
        version=1,
        text_ru="Я согласен(на), что мои данные хранятся в зашифрованном виде, а имя и город "
        "передаются адресату петиции.",
        text_en="I agree that my data is stored encrypted and my name and city are handed over.",
    )
    petition = Petition.objects.create(
        slug="free-the-journalist",
        title_ru="Освободите журналиста Ивана Сидорова",
        title_en="Free the journalist Ivan Sidorov",
        target="Генеральному прокурору Российской Федерации",
        text_ru="Мы призываем немедленно и безусловно освободить журналиста Ивана Сидорова.",
        goal=4,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    page.set_viewport_size({"width": 1200, "height": 900})
    # Timers under the test's control: the counter polls every 10 s.
    page.clock.install()

    # 1. A visitor opens the petition in Russian and signs.
    page.goto(f"{base}/petitions/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("link", name=petition.title_ru).click()
    counter = page.locator("[data-counter=count]")
    expect(counter).to_have_text("0")
    page.get_by_label(ru("Your name")).fill("Анна Ахматова")
    page.get_by_label(ru("E-mail address")).fill("anna@example.org")
    page.get_by_label(ru("Country")).fill("Россия")
    page.get_by_label(ru("City or town")).fill("Тверь")
    page.locator("#id_consent").check()
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "petitions-sign.png", full_page=True)
    page.get_by_role("button", name=ru("Sign"), exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(counter).to_have_text("0")  # not counted before confirmation
    assert Signature.objects.get().confirmed_at is None

    # 2. The confirmation mail arrives over SMTP; the visitor follows the link in a new tab.
    run_tasks()
    assert smtp_server.envelopes[-1][1] == ["anna@example.org"]
    body = str(smtp_server.messages[-1].get_payload(decode=True).decode())  # type: ignore[union-attr]
    link = re.search(r"https?://[^/\s]+(/petitions/confirm/\S+/)", body)
    assert link is not None, body
    mail_tab = page.context.new_page()
    mail_tab.goto(base + link.group(1))
    mail_tab.get_by_role("button", name=ru("Confirm my signature")).click()
    expect(mail_tab.get_by_role("status")).to_be_visible()
    expect(mail_tab.locator("[data-counter=count]")).to_have_text("1")
    mail_tab.screenshot(path=IMG / "petitions-confirmed.png", full_page=True)
    mail_tab.close()

    # 3. The first tab, never reloaded, catches up on its next poll.
    page.bring_to_front()
    page.clock.run_for(11_000)
    expect(counter).to_have_text("1")
    expect(page.locator("progress[data-counter=bar]")).to_have_attribute("value", "1")
    assert Signature.objects.get().confirmed_at is not None
    assert request_log.foreign() == []
