"""Calendar feeds (RFC 5545): they parse with icalendar, carry the right instants, and show
members-only events and meetings only through a current member's private address."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from vigil.accounts.models import User
from vigil.events import selectors, services
from vigil.events.models import Event
from vigil.groups.models import Group, Membership

from .conftest import BASE_URL, join, make_event, sign_in

pytestmark = pytest.mark.django_db


def parse(response: Any) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def summaries(calendar: Calendar) -> list[str]:
    return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


def next_first_tuesday_19_moscow(after: datetime.datetime) -> datetime.datetime:
    """Worked out by hand, not by the code under test: Moscow is UTC+3 all year."""
    day = after.date()
    while True:
        if day.weekday() == 1 and day.day <= 7:
            instant = datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=datetime.UTC)
            if instant > after:
                return instant
        day += datetime.timedelta(days=1)


def test_new_member_subscribes_and_sees_the_next_meeting(
    client: Any, group: Group, make_user: Callable[..., User], coordinator: User
) -> None:
    newcomer = make_user("new@example.org", language="en")
    join(group, newcomer)
    secret = make_event(
        coordinator, [group], title="Members' planning", visibility=Event.Visibility.MEMBERS
    )
    sign_in(client, newcomer)
    page = client.get(f"/en/events/group/{group.slug}/").content.decode()
    url = selectors.group_feed_url(group, newcomer)
    assert f"/en/events/feed/group/{group.slug}/" in url and url.endswith(".ics")
    assert url in page and "webcal://testserver" + url in page

    client.logout()  # a calendar app has no session
    calendar = parse(client.get(url))
    meetings = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("meeting-")]
    expected = next_first_tuesday_19_moscow(timezone.now())
    assert meetings[0].decoded("DTSTART") == expected
    assert meetings[0]["DTSTART"].to_ical() == expected.strftime("%Y%m%dT%H%M%SZ").encode()
    assert summaries(calendar).count(secret.title) == 1


def test_the_member_feed_follows_membership_on_every_fetch(
    client: Any, group: Group, group_member: User, coordinator: User
) -> None:
    make_event(coordinator, [group], title="Members' planning", visibility="members")
    make_event(coordinator, [group], title="Open vigil")
    url = selectors.group_feed_url(group, group_member)
    assert "Members' planning" in summaries(parse(client.get(url)))

    Membership.objects.filter(user=group_member).update(left_at=timezone.now())
    after = parse(client.get(url))
    assert summaries(after) == ["Open vigil"]
    tampered = url.replace(".ics", "x.ics")
    assert summaries(parse(client.get(tampered))) == ["Open vigil"]


def test_the_public_group_feed_has_public_events_only(
    client: Any, group: Group, coordinator: User
) -> None:
    make_event(coordinator, [group], title="Members' planning", visibility="members")
    make_event(coordinator, [group], title="Open vigil")
    calendar = parse(client.get(f"/events/feed/group/{group.slug}.ics"))
    assert summaries(calendar) == ["Open vigil"]  # no meetings, no members-only event
    assert selectors.group_feed_url(group, None) == f"/events/feed/group/{group.slug}.ics"


def test_event_properties_escaping_and_cancellation(
    client: Any, group: Group, coordinator: User
) -> None:
    start = services.venue_time(datetime.datetime(2031, 5, 20, 19, 0), "Asia/Vladivostok")
    event = make_event(
        coordinator, [group], title="Vigil; candles, songs", venue="Square, north side",
        address="Vladivostok", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
        time_zone="Asia/Vladivostok",
    )  # fmt: skip
    services.cancel_event(event, by=coordinator, base_url=BASE_URL)
    response = client.get("/en/events/feed.ics")
    raw = response.content.decode()
    assert "SUMMARY:Vigil\\; candles\\, songs" in raw
    assert "LOCATION:Square\\, north side\\, Vladivostok" in raw
    assert "DTSTART;TZID=Asia/Vladivostok:20310520T190000" in raw
    assert "BEGIN:VTIMEZONE" in raw and "TZID:Asia/Vladivostok" in raw
    assert "\r\n" in raw
    (component,) = parse(response).walk("VEVENT")
    assert str(component["UID"]) == f"{event.uid}@vigil"
    assert str(component["STATUS"]) == "CANCELLED"
    assert component["SEQUENCE"] == 1
    assert component.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2031, 5, 20, 9, 0, tzinfo=datetime.UTC
    )
    assert str(component["URL"]) == f"http://testserver/en/events/{event.pk}/"
    assert "DTSTAMP" in component
    assert str(component["SUMMARY"]) == "Vigil; candles, songs"


def test_region_feed_covers_the_regions_below(
    client: Any, make_group: Callable[..., Group], make_user: Callable[..., User]
) -> None:
    moscow, kazan = make_group("moscow-1"), make_group("kazan-1", region="kazan")
    lead = make_user()
    join(moscow, lead, Membership.Role.COORDINATOR)
    join(kazan, lead, Membership.Role.COORDINATOR)
    make_event(lead, [moscow], title="Moscow vigil")
    make_event(lead, [kazan], title="Kazan concert")
    make_event(lead, [kazan], title="Kazan members", visibility="members")
    assert sorted(summaries(parse(client.get("/events/feed/region/russia.ics")))) == [
        "Kazan concert",
        "Moscow vigil",
    ]
    assert summaries(parse(client.get("/events/feed/region/moscow.ics"))) == ["Moscow vigil"]
    assert summaries(parse(client.get("/events/feed/region/ukraine.ics"))) == []
    assert client.get("/events/feed/region/atlantis.ics").status_code == 404
    assert sorted(summaries(parse(client.get("/events/feed.ics")))) == [
        "Kazan concert",
        "Moscow vigil",
    ]
