"""Events in a real browser: the list in Russian, a visitor's reply, a member's calendar link
that a calendar app can read; screenshots for the user guide."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.directory.factories import region_tree
from tests.events.conftest import join
from vigil.accounts.models import User
from vigil.directory.models import Region
from vigil.events import services
from vigil.events.models import Event, Rsvp
from vigil.groups.models import Group, Membership

from .conftest import RequestLog
from .support import IMG, ru

pytestmark = pytest.mark.browser


def _setup(make_user: Callable[..., User]) -> tuple[Group, User, User, Event]:
    region_tree()
    group = Group.objects.create(
        number=1, slug="moscow-1", name="Москва-1", city="Москва",
        region=Region.objects.get(slug="moscow"), meeting_rule="FREQ=MONTHLY;BYDAY=1TU",
        meeting_time=datetime.time(19, 0), meeting_timezone="Europe/Moscow",
        created_at=timezone.now() - datetime.timedelta(days=400),
    )  # fmt: skip
    coordinator = make_user("coordinator@example.org", name="Елена Миронова")
    join(group, coordinator, Membership.Role.COORDINATOR)
    newcomer = make_user("new@example.org", name="Павел Орлов", language="en")
    join(group, newcomer)
    local = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=12), datetime.time(19, 0)
    )
    start = services.venue_time(local, "Europe/Moscow")
    event = services.create_event(
        by=coordinator, organisers=[group], title="Свеча за узников совести",
        kind=Event.Kind.VIGIL, description="Приносите свечи.", venue="Пушкинская площадь",
        address="Москва", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
        time_zone="Europe/Moscow", visibility=Event.Visibility.PUBLIC, capacity=40,
    )  # fmt: skip
    services.create_event(
        by=coordinator, organisers=[group], title="Планирование года",
        kind=Event.Kind.ROUNDTABLE, description="", venue="Библиотека", address="",
        starts_at=start + datetime.timedelta(days=3),
        ends_at=start + datetime.timedelta(days=3, hours=2), time_zone="Europe/Moscow",
        visibility=Event.Visibility.MEMBERS, capacity=None,
    )  # fmt: skip
    return group, coordinator, newcomer, event


def test_events_in_russian_reply_and_calendar(
    live_server: Any, make_user: Callable[..., User], page: Page, request_log: RequestLog
) -> None:
    """``live_server`` first: the test database is set up before Playwright starts its loop
    (when this file runs alone)."""
    group, _coordinator, newcomer, event = _setup(make_user)
    page.set_viewport_size({"width": 1200, "height": 900})

    response = page.goto(f"{live_server.url}/events/")
    assert response is not None and response.ok
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(ru("Events"))
    expect(page.get_by_role("link", name="Свеча за узников совести")).to_be_visible()
    expect(page.get_by_text("Планирование года")).to_have_count(0)  # members only
    expect(page.locator(".event-list")).to_contain_text(ru("candlelight vigil").capitalize())
    IMG.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMG / "events-list.png", full_page=True)

    # A visitor replies with a name and an e-mail address.
    page.get_by_role("link", name="Свеча за узников совести").click()
    expect(page).to_have_url(f"{live_server.url}/events/{event.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Свеча за узников совести")
    page.get_by_role("button", name=ru("I will come")).click()  # empty: explained, kept
    expect(page.get_by_text(ru("Write your name."))).to_be_visible()
    page.get_by_label(ru("Your name")).fill("Анна Гостева")
    page.get_by_label(ru("Your e-mail")).fill("anna@example.org")
    page.screenshot(path=IMG / "events-detail.png", full_page=True)
    page.get_by_role("button", name=ru("I will come")).click()
    thanks = ru(
        "Thank you. We have sent you an e-mail: your reply counts once you follow the link in "
        "it, and the e-mail tells you whether you have a place or are on the waiting list."
    )
    expect(page.get_by_role("status")).to_contain_text(thanks)
    assert Rsvp.objects.get().name == "Анна Гостева"
    assert Rsvp.objects.get().status == Rsvp.Status.PENDING  # no place before the mail confirms

    # The new member signs in and subscribes to the group's calendar.
    page.goto(f"{live_server.url}/en/account/login/?next=/en/events/group/{group.slug}/")
    page.get_by_label("E-mail address").fill(newcomer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/en/events/group/{group.slug}/")
    link = page.get_by_role("link", name="Subscribe in your calendar app")
    href = link.get_attribute("href") or ""
    assert href.startswith("webcal://") and "/events/feed/group/moscow-1/" in href
    address = page.get_by_label("Or copy the address:").input_value()
    assert address == "http://" + href.removeprefix("webcal://")
    page.screenshot(path=IMG / "events-calendar.png", full_page=True)

    feed = page.context.request.get(address, headers={"Cookie": ""})
    assert feed.ok and feed.headers["content-type"] == "text/calendar; charset=utf-8"
    titles = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert "Свеча за узников совести" in titles and "Планирование года" in titles
    assert any(t.startswith("Meeting of") for t in titles)
    assert request_log.foreign() == []
