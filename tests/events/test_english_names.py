"""An event's English title and description, and its organisers' English names: on the
English pages, in English mail and in calendars read in English; the Russian ones otherwise,
and on English pages when no English text is entered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import SmtpSink
from vigil.accounts.models import User
from vigil.events import services
from vigil.events.models import Event
from vigil.groups.models import Group

from .conftest import BASE_URL, make_event

pytestmark = pytest.mark.django_db

TITLE_RU = "Свеча за узников совести"
TITLE_EN = "A candle for prisoners of conscience"


@pytest.fixture
def bilingual(coordinator: User, group: Group) -> Event:
    group.name = "Москва-1"
    group.name_en = "Moscow-1"
    group.save(update_fields=["name", "name_en"])
    return make_event(
        coordinator, [group], title=TITLE_RU, title_en=TITLE_EN,
        description="Приходите со свечой.", description_en="Bring a candle.",
    )  # fmt: skip


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_english_page_shows_the_english_title_description_and_group(
    client: Any, bilingual: Event, coordinator: User, group: Group
) -> None:
    english = _page(client, f"/en/events/{bilingual.pk}/")
    assert TITLE_EN in english and "Bring a candle." in english and "Moscow-1" in english
    assert TITLE_RU not in english and "Приходите" not in english and "Москва-1" not in english
    listing = _page(client, "/en/events/")
    assert TITLE_EN in listing and "Moscow-1" in listing and TITLE_RU not in listing

    # No English text entered: the English page shows the Russian.
    plain = make_event(coordinator, [group], title="Лекция о письмах", description="Приходите.")
    english = _page(client, f"/en/events/{plain.pk}/")
    assert "Лекция о письмах" in english and "Приходите." in english

    russian = _page(client, f"/events/{bilingual.pk}/")
    assert TITLE_RU in russian and "Приходите со свечой." in russian and "Москва-1" in russian
    assert TITLE_EN not in russian


def test_the_calendar_read_in_english_carries_the_english_title(
    client: Any, bilingual: Event
) -> None:
    def summaries(url: str) -> list[str]:
        calendar = Calendar.from_ical(client.get(url).content)
        return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]

    assert summaries("/en/events/feed.ics") == [TITLE_EN]
    assert summaries("/events/feed.ics") == [TITLE_RU]


def test_each_reply_mail_names_the_event_in_the_readers_language(
    bilingual: Event,
    make_user: Callable[..., User],
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    services.rsvp_member(bilingual, make_user("en@example.org", language="en"), base_url=BASE_URL)
    services.rsvp_member(bilingual, make_user("ru@example.org", language="ru"), base_url=BASE_URL)
    run_tasks()
    subjects = {
        to[0]: str(m["Subject"])
        for m, (_f, to) in zip(smtp_server.messages, smtp_server.envelopes, strict=True)
    }
    assert subjects["en@example.org"] == f"You have a place: {TITLE_EN}"
    assert TITLE_RU in subjects["ru@example.org"] and TITLE_EN not in subjects["ru@example.org"]
