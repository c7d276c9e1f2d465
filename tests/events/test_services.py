"""The events' rules: times in UTC, bad input refused whole, places, the waiting list, mail."""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from tests.conftest import SmtpSink
from vigil.accounts.models import User
from vigil.events import selectors, services
from vigil.events.models import Event, Rsvp
from vigil.groups.models import Group, Membership

from .conftest import BASE_URL, join, make_event

# Messages are matched in English; Russian is the default language.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def body(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


# --- times ---------------------------------------------------------------------------------
def test_venue_time_becomes_utc() -> None:
    local = datetime.datetime(2026, 12, 10, 19, 0)
    assert services.venue_time(local, "Asia/Vladivostok") == datetime.datetime(
        2026, 12, 10, 9, 0, tzinfo=datetime.UTC
    )
    assert services.venue_time(local, "Europe/Moscow").hour == 16


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        services.venue_time(datetime.datetime(2026, 3, 8, 2, 30), "America/New_York")


def test_unknown_time_zone_is_refused_and_nothing_is_written(
    coordinator: User, group: Group
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_event(coordinator, [group], time_zone="Mars/Olympus_Mons")
    assert "time_zone" in caught.value.message_dict
    assert Event.objects.count() == 0


def test_an_event_ending_before_it_starts_is_refused(coordinator: User, group: Group) -> None:
    start = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as caught:
        make_event(coordinator, [group], starts_at=start, ends_at=start - datetime.timedelta(1))
    assert caught.value.message_dict["ends_at"] == ["The event must end after it starts."]
    assert Event.objects.count() == 0


def test_the_database_refuses_it_too(coordinator: User, group: Group) -> None:
    from django.db import IntegrityError, transaction

    event = make_event(coordinator, [group])
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at)


def test_stored_in_utc_with_the_venue_zone_kept(coordinator: User, group: Group) -> None:
    start = services.venue_time(datetime.datetime(2030, 1, 15, 19, 0), "Asia/Vladivostok")
    event = make_event(
        coordinator, [group], starts_at=start, ends_at=start + datetime.timedelta(hours=2),
        time_zone="Asia/Vladivostok",
    )  # fmt: skip
    event.refresh_from_db()
    assert event.starts_at == datetime.datetime(2030, 1, 15, 9, 0, tzinfo=datetime.UTC)
    assert event.local_starts_at.hour == 19
    assert event.time_zone == "Asia/Vladivostok"


# --- who may organise ----------------------------------------------------------------------
def test_only_the_groups_coordinators_and_staff_organise(
    make_user: Callable[..., User], make_group: Callable[..., Group], group: Group, staff: User
) -> None:
    other = make_group("kazan-1", region="kazan")
    stranger = make_user()
    join(other, stranger, Membership.Role.COORDINATOR)
    member = make_user()
    join(group, member)
    for person in (stranger, member):
        with pytest.raises(PermissionDenied):
            make_event(person, [group])
    assert make_event(staff, [group]).organisers.get() == group
    # A coordinator may invite another group to co-organise.
    both = make_event(stranger, [other, group])
    assert set(both.organisers.all()) == {group, other}
    assert both.region == other.region


def test_edit_by_another_groups_coordinator_is_refused(
    event: Event, make_user: Callable[..., User], make_group: Callable[..., Group]
) -> None:
    other = make_group("kazan-1", region="kazan")
    stranger = make_user()
    join(other, stranger, Membership.Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        services.cancel_event(event, by=stranger, base_url=BASE_URL)
    event.refresh_from_db()
    assert not event.is_cancelled


# --- places and the waiting list -----------------------------------------------------------
def test_full_event_puts_people_on_the_waiting_list(
    coordinator: User, group: Group, make_user: Callable[..., User]
) -> None:
    event = make_event(coordinator, [group], capacity=2)
    people = [make_user() for _ in range(4)]
    replies = [services.rsvp_member(event, p, base_url=BASE_URL) for p in people]
    assert [r.waiting for r in replies] == [False, False, True, True]
    assert selectors.places(event) == {"confirmed": 2, "waiting": 2, "left": 0}
    # Twice is once.
    again = services.rsvp_member(event, people[0], base_url=BASE_URL)
    assert not again.created and Rsvp.objects.count() == 4

    promoted = services.cancel_rsvp(replies[1].rsvp, base_url=BASE_URL)
    assert promoted is not None and promoted.user == people[2]
    assert selectors.places(event) == {"confirmed": 2, "waiting": 1, "left": 0}
    assert not Rsvp.objects.filter(user=people[1]).exists()


def test_more_places_move_people_up_and_fewer_than_taken_is_refused(
    coordinator: User, group: Group, make_user: Callable[..., User]
) -> None:
    event = make_event(coordinator, [group], capacity=1)
    for _ in range(3):
        services.rsvp_member(event, make_user(), base_url=BASE_URL)
    fields = {name: getattr(event, name) for name in services.EDITABLE}
    services.update_event(
        event, by=coordinator, organisers=[group], base_url=BASE_URL, **{**fields, "capacity": 2}
    )
    assert selectors.places(event) == {"confirmed": 2, "waiting": 1, "left": 0}
    with pytest.raises(ValidationError) as caught:
        services.update_event(
            event, by=coordinator, organisers=[group], base_url=BASE_URL,
            **{**fields, "capacity": 1, "title": "Changed"},
        )  # fmt: skip
    assert "capacity" in caught.value.message_dict
    event.refresh_from_db()
    assert event.title == "Candlelight vigil" and event.capacity == 2


def test_no_reply_to_a_cancelled_or_past_event(
    event: Event, coordinator: User, group: Group, member: User
) -> None:
    services.cancel_event(event, by=coordinator, base_url=BASE_URL)
    with pytest.raises(ValidationError, match="cancelled"):
        services.rsvp_member(event, member, base_url=BASE_URL)
    over = make_event(coordinator, [group], days=-2)
    with pytest.raises(ValidationError, match="over"):
        services.rsvp_member(over, member, base_url=BASE_URL)
    with pytest.raises(ValidationError, match="over"):
        services.rsvp_visitor(
            over, name="Visitor", email="v@example.org", language="en", base_url=BASE_URL
        )
    assert Rsvp.objects.count() == 0


def test_members_only_event_takes_no_visitors_and_no_strangers(
    coordinator: User, group: Group, member: User
) -> None:
    event = make_event(coordinator, [group], visibility=Event.Visibility.MEMBERS)
    with pytest.raises(PermissionDenied):
        services.rsvp_visitor(
            event, name="Visitor", email="v@example.org", language="en", base_url=BASE_URL
        )
    with pytest.raises(PermissionDenied):
        services.rsvp_member(event, member, base_url=BASE_URL)  # not in the group
    join(group, member)
    assert services.rsvp_member(event, member, base_url=BASE_URL).created


# --- visitors' data ------------------------------------------------------------------------
def test_visitor_is_encrypted_and_found_by_blind_index(event: Event) -> None:
    first = services.rsvp_visitor(
        event, name="Анна Гостева", email="Anna@Example.org", language="ru", base_url=BASE_URL
    )
    again = services.rsvp_visitor(
        event, name="Anna", email=" anna@example.ORG ", language="en", base_url=BASE_URL
    )
    assert first.created and not again.created
    assert Rsvp.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email, email_index FROM events_rsvp")
        name, email, index = cursor.fetchone()
    assert name.startswith("v1:") and "Анна" not in name
    assert email.startswith("v1:") and "anna" not in email.lower()
    assert len(index) == 64
    stored = Rsvp.objects.get()
    assert (stored.name, stored.email) == ("Анна Гостева", "anna@example.org")


# --- a race for the last place -------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_people_asking_for_the_last_place_at_once_do_not_both_get_it(
    coordinator: User, group: Group, make_user: Callable[..., User]
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared in-memory test database locks tables, not rows")
    event = make_event(coordinator, [group], capacity=1)
    people = [make_user() for _ in range(6)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def reply(person: User) -> None:
        try:
            barrier.wait()
            services.rsvp_member(event, person, base_url=BASE_URL)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reply, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert selectors.places(event) == {"confirmed": 1, "waiting": 5, "left": 0}


# --- mail ----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_promotion_and_cancellation_are_mailed(
    coordinator: User,
    group: Group,
    make_user: Callable[..., User],
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    event = make_event(coordinator, [group], capacity=1, title="Concert; songs, candles")
    first = make_user("first@example.org", language="en")
    services.rsvp_member(event, first, base_url=BASE_URL)
    reply = services.rsvp_visitor(
        event, name="Вера Гостева", email="vera@example.org", language="ru", base_url=BASE_URL
    ).rsvp
    waiting = services.confirm_reply(reply, base_url=BASE_URL)
    assert waiting.waiting
    run_tasks()
    assert [to for _frm, to in smtp_server.envelopes] == [
        ["first@example.org"],
        ["vera@example.org"],
        ["vera@example.org"],
    ]
    assert smtp_server.messages[0]["Subject"] == "You have a place: Concert; songs, candles"
    link = re.search(r"http://testserver(\S*/events/reply/\S+/)", body(smtp_server.messages[2]))
    assert link is not None

    services.cancel_rsvp(Rsvp.objects.get(user=first), base_url=BASE_URL)
    run_tasks()
    assert smtp_server.envelopes[3][1] == ["vera@example.org"]
    assert "Вера Гостева" in body(smtp_server.messages[3])
    assert Rsvp.objects.get().status == Rsvp.Status.CONFIRMED

    extra = make_user("second@example.org", language="en")
    services.rsvp_member(event, extra, base_url=BASE_URL)
    run_tasks()
    told = services.cancel_event(
        event, by=coordinator, note="The hall is closed.", base_url=BASE_URL
    )
    assert told == 2
    run_tasks()
    cancelled = smtp_server.messages[-2:]
    assert sorted(to for _frm, to in smtp_server.envelopes[-2:]) == [
        ["second@example.org"],
        ["vera@example.org"],
    ]
    english = next(m for m in cancelled if m["To"] == "second@example.org")
    assert english["Subject"] == "Cancelled: Concert; songs, candles"
    assert "The hall is closed." in body(english)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_mailed_when_the_reply_is_refused(
    coordinator: User,
    group: Group,
    member: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    event = make_event(coordinator, [group], visibility=Event.Visibility.MEMBERS)
    with pytest.raises(PermissionDenied):
        services.rsvp_member(event, member, base_url=BASE_URL)
    run_tasks()
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_an_unconfirmed_reply_is_deleted_when_its_hold_ends(event: Event) -> None:
    from django_tasks_db.models import DBTaskResult

    from vigil.events import tasks

    services._forgetting["at"] = 0.0
    services.rsvp_visitor(event, name="Гость", email="guest@example.org", language="ru")
    services.rsvp_visitor(event, name="Гостья", email="guest2@example.org", language="ru")
    [queued] = DBTaskResult.objects.filter(task_path=tasks.forget_lapsed_replies.module_path)
    assert queued.run_after > timezone.now() + services.REPLY_HOLD
    assert tasks.forget_lapsed_replies.call() == 0  # not yet
    Rsvp.objects.update(created_at=timezone.now() - services.REPLY_HOLD)
    assert tasks.forget_lapsed_replies.call() == 2
    assert not Rsvp.objects.exists()
