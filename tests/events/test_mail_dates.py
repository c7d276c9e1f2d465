"""An event mail gives a same-day event's date once: "15 декабря 2026 г., 18:00–20:00"."""

from __future__ import annotations

import datetime
import zoneinfo

from django.template.loader import render_to_string
from django.utils import translation

from vigil.events.models import Event

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def _mail(starts: datetime.datetime, ends: datetime.datetime, language: str) -> str:
    event = Event(title="Вечер писем", venue="Библиотека", starts_at=starts, ends_at=ends,
                  time_zone="Europe/Moscow")  # fmt: skip
    with translation.override(language):
        return render_to_string("events/mail/_event.txt", {"event": event, "event_url": "/"})


def test_a_same_day_event_gives_its_date_once() -> None:
    starts = datetime.datetime(2026, 12, 15, 18, 0, tzinfo=MOSCOW)
    text = _mail(starts, starts + datetime.timedelta(hours=2), "ru")
    assert "15 декабря 2026 г., 18:00–20:00" in text
    assert text.count("декабря") == 1


def test_an_event_over_two_days_gives_both() -> None:
    starts = datetime.datetime(2026, 12, 15, 18, 0, tzinfo=MOSCOW)
    text = _mail(starts, starts + datetime.timedelta(days=1), "ru")
    assert text.count("декабря") == 2 and "16 декабря" in text
