"""Demo events: a candlelight vigil, a benefit concert and a roundtable with a partner NGO.

They are placed a few weeks ahead of today, so the demo always has something coming up.
Running it again adds nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone

from vigil.accounts.models import User
from vigil.directory.models import Organisation
from vigil.groups.models import Group

from . import services
from .models import Event

# group slug, days ahead, local start, hours, (title, English title), kind, venue, address,
# visibility, places
DEMO_EVENTS = [
    ("moscow-1", 10, datetime.time(19, 0), 2,
     ("Свеча за узников совести", "A candle for prisoners of conscience"),
     Event.Kind.VIGIL, "Пушкинская площадь", "Москва", Event.Visibility.PUBLIC, None),
    ("st-petersburg-1", 17, datetime.time(18, 30), 3,
     ("Концерт в поддержку узников совести", "A concert for prisoners of conscience"),
     Event.Kind.CONCERT, "Дом культуры им. Кирова", "Большой пр. В.О., 83, Санкт-Петербург",
     Event.Visibility.PUBLIC, 120),
    ("kazan-1", 24, datetime.time(17, 0), 2,
     ("Круглый стол: права человека и письма узникам",
      "Roundtable: human rights and letters to prisoners"),
     Event.Kind.ROUNDTABLE, "Национальная библиотека, конференц-зал", "ул. Пушкина, 86, Казань",
     Event.Visibility.PUBLIC, 30),
]  # fmt: skip


def load() -> Iterator[str]:
    partner = Organisation.objects.filter(is_published=True).order_by("pk").first()
    today = timezone.localdate()
    for slug, days, start, hours, titles, kind, venue, address, visibility, places in DEMO_EVENTS:
        title, title_en = titles
        group = Group.objects.filter(slug=slug).first()
        if group is None:
            yield f"Events: group {slug} not found, “{title}” skipped"
            continue
        event = Event.objects.filter(title=title, organisers=group).first()
        if event is None:
            local = datetime.datetime.combine(today + datetime.timedelta(days=days), start)
            starts_at = services.venue_time(local, group.meeting_timezone)
            coordinator = User.objects.filter(
                memberships__group=group, memberships__role="coordinator"
            ).first()
            event = services.create_event(
                by=coordinator,
                organisers=[group],
                partners=[partner] if partner and kind == Event.Kind.ROUNDTABLE else [],
                title=title,
                title_en=title_en,
                kind=kind,
                description="",
                venue=venue,
                address=address,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=hours),
                time_zone=group.meeting_timezone,
                visibility=visibility,
                capacity=places,
            )
        elif not event.title_en:  # a demo loaded before events had English titles
            event.title_en = title_en
            event.save(update_fields=["title_en"])
        yield f"Events: {event.title} at /events/{event.pk}/"
