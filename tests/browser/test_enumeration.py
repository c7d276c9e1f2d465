"""The public forms in a real browser, in Russian, as a visitor who tries someone else's address:
signing, joining and replying say the same for a known address as for a new one, and a
visitor's reply waits for the link in the mail.  Screenshots go to test-results/."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import SmtpSink
from tests.directory.factories import region_tree
from vigil.accounts.models import User
from vigil.core.fields import blind_index_for
from vigil.directory.models import Region
from vigil.events import services as events
from vigil.events.models import Event, Rsvp
from vigil.groups import services as groups
from vigil.groups.models import Membership
from vigil.petitions import services as petitions
from vigil.petitions.models import ConsentText, Petition, Signature

from .support import IMG, ru, run_tasks

pytestmark = pytest.mark.browser


def _status_after(page: Page, submit: Callable[[], None]) -> str:
    submit()
    status = page.get_by_role("status")
    expect(status).to_be_visible()
    return str(status.inner_text())


def test_the_forms_answer_a_known_address_as_a_new_one(
    live_server: Any, page: Page, make_user: Callable[..., User], smtp_server: SmtpSink
) -> None:
    base = live_server.url
    IMG.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1100, "height": 900})

    # --- a petition: a new address, and one whose signature already counts ---------------
    ConsentText.objects.create(version=1, text_ru="Я согласна.", text_en="I agree.")
    petition = Petition.objects.create(
        slug="free-them", title_ru="Освободите узников совести", target="Прокурору",
        text_ru="Мы призываем освободить их.", goal=10,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )  # fmt: skip
    signed = petitions.sign(
        petition, name="Вера", email="vera@example.org", country="Россия", city="Тверь",
        consent_version=1, language="ru",
    )  # fmt: skip
    petitions.confirm(Signature.objects.get(pk=signed.signature_id))

    def sign(email: str) -> str:
        page.context.clear_cookies()
        page.goto(f"{base}/petitions/{petition.slug}/")
        page.get_by_label(ru("Your name")).fill("Анна Ахматова")
        page.get_by_label(ru("E-mail address")).fill(email)
        page.get_by_label(ru("Country")).fill("Россия")
        page.get_by_label(ru("City or town")).fill("Тверь")
        page.locator("#id_consent").check()
        button = page.get_by_role("button", name=ru("Sign"), exact=True)
        return _status_after(page, button.click)

    new = sign("anna@example.org")
    assert sign("vera@example.org") == new
    assert "Спасибо" in new and "уже" not in new.replace("Если вы уже подписывали", "")
    page.screenshot(path=IMG / "enumeration-petition.png", full_page=True)
    run_tasks()
    told = [m for m, e in zip(smtp_server.messages, smtp_server.envelopes, strict=True)
            if e[1] == ["vera@example.org"]]  # fmt: skip
    assert [str(m["Subject"]) for m in told] == ["Вы уже подписали: Освободите узников совести"]

    # --- joining: a new address, and a member's -----------------------------------------
    region_tree()
    kazan = Region.objects.get(slug="kazan")
    group = groups.create_group(number=77, name="Казань-1", slug="kazan-1", city="Казань",
                                region=kazan)  # fmt: skip
    coordinator = make_user("coordinator@example.org", name="Рустам Хайруллин")
    groups.add_member(group, coordinator, Membership.Role.COORDINATOR)

    def join(email: str) -> str:
        page.context.clear_cookies()
        page.goto(f"{base}/groups/join/")
        page.get_by_label(ru("Your name")).fill("Дина Гарипова")
        page.get_by_label(ru("E-mail address")).fill(email)
        page.get_by_label(ru("City or town")).fill("Казань")
        page.locator("#id_region").select_option(str(kazan.pk))
        page.locator("#id_consent").check()
        page.get_by_role("button", name=ru("Send my application")).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        return str(page.locator("main").inner_text())

    assert join("dina@example.org") == join(coordinator.email)
    page.screenshot(path=IMG / "enumeration-join.png", full_page=True)

    # --- an event with one place, held by a visitor who confirmed -------------------------
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=7)
    event = events.create_event(
        by=coordinator, organisers=[group], title="Концерт в поддержку узников", kind="concert",
        description="", venue="Клуб", address="Казань", starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), time_zone="Europe/Moscow",
        visibility=Event.Visibility.PUBLIC, capacity=1,
    )  # fmt: skip
    holder = events.rsvp_visitor(event, name="Вера", email="vera@example.org", language="ru")
    events.confirm_reply(holder.rsvp)

    def reply(email: str) -> str:
        page.context.clear_cookies()
        page.goto(f"{base}/events/{event.pk}/")
        page.get_by_label(ru("Your name")).fill("Гость Гостев")
        page.get_by_label(ru("Your e-mail")).fill(email)
        return _status_after(page, page.get_by_role("button", name=ru("I will come")).click)

    assert reply("guest@example.org") == reply("vera@example.org")
    page.screenshot(path=IMG / "enumeration-event.png", full_page=True)
    guest = blind_index_for(Rsvp, "email_index", "guest@example.org")
    assert Rsvp.objects.get(email_index=guest).status == Rsvp.Status.PENDING

    # The guest follows the link in the mail: the event is full, so the waiting list.
    run_tasks()
    mail = next(m for m, e in zip(smtp_server.messages, smtp_server.envelopes, strict=True)
                if e[1] == ["guest@example.org"])  # fmt: skip
    assert str(mail["Subject"]).startswith("Подтвердите ответ")
    body = str(mail.get_payload(decode=True).decode())  # type: ignore[union-attr]
    link = re.search(r"https?://[^/\s]+(/events/reply/confirm/\S+/)", body)
    assert link is not None
    page.goto(base + link.group(1))
    page.screenshot(path=IMG / "enumeration-event-confirm.png", full_page=True)
    page.get_by_role("button", name=ru("Confirm my reply")).click()
    expect(page.get_by_role("status")).to_contain_text("лист")
    page.screenshot(path=IMG / "enumeration-event-confirmed.png", full_page=True)
