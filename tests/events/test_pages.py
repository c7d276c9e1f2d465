"""The events pages: who sees what, organising with bad input, replies, attendee lists."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.conftest import SmtpSink
from tests.links import past, tampered, token_made_by_hand
from vigil.accounts.models import User
from vigil.audit.models import AuditEvent
from vigil.events.models import Event, Rsvp
from vigil.groups.models import Group, Membership

from .conftest import join, make_event, sign_in

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return str(response.content.decode())


def in_russian(message: str) -> str:
    with translation.override("ru"):
        return gettext(message)


# --- who sees what -------------------------------------------------------------------------
def test_public_sees_public_events_only(
    client: Any, group: Group, coordinator: User, group_member: User, member: User
) -> None:
    public = make_event(coordinator, [group], title="Open vigil")
    secret = make_event(coordinator, [group], title="Members planning", visibility="members")
    page = text(client.get("/en/events/"))
    assert "Open vigil" in page and "Members planning" not in page
    assert client.get(f"/en/events/{public.pk}/").status_code == 200
    response = client.get(f"/en/events/{secret.pk}/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]

    sign_in(client, member)  # signed in, but not in the group
    assert "Members planning" not in text(client.get("/en/events/"))
    assert client.get(f"/en/events/{secret.pk}/").status_code == 404
    client.logout()

    sign_in(client, group_member)
    assert "Members planning" in text(client.get("/en/events/"))
    assert client.get(f"/en/events/{secret.pk}/").status_code == 200
    assert client.get("/en/events/999999/").status_code == 404


def test_staff_see_members_only_events(
    signed_in_staff: Any, group: Group, coordinator: User
) -> None:
    secret = make_event(coordinator, [group], title="Members planning", visibility="members")
    assert "Members planning" in text(signed_in_staff.get("/en/events/"))
    assert signed_in_staff.get(f"/en/events/{secret.pk}/").status_code == 200


def test_viewer_zone_and_venue_time_are_both_shown(
    client: Any, group: Group, coordinator: User, make_user: Callable[..., User]
) -> None:
    start = datetime.datetime(2031, 5, 20, 9, 0, tzinfo=datetime.UTC)
    event = make_event(
        coordinator, [group], starts_at=start, ends_at=start + datetime.timedelta(hours=2),
        time_zone="Asia/Vladivostok",
    )  # fmt: skip
    viewer = make_user(time_zone="Europe/Moscow")
    sign_in(client, viewer)
    page = text(client.get(f"/en/events/{event.pk}/"))
    assert "20 May 2031, 12:00" in page  # Moscow, the viewer's zone
    assert "20 May 2031, 19:00" in page and "Asia/Vladivostok" in page  # at the venue
    listing = text(client.get("/en/events/"))
    assert "at the venue" in listing


# --- organising ----------------------------------------------------------------------------
def form_data(group: Group, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Candlelight vigil",
        "kind": "vigil",
        "description": "Bring a candle.",
        "organisers": [group.pk],
        "venue": "Pushkin Square",
        "address": "Moscow",
        "starts_at": "2031-12-10T19:00",
        "ends_at": "2031-12-10T21:00",
        "time_zone": "Asia/Vladivostok",
        "visibility": "public",
        "capacity": "",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_an_event_in_venue_time(
    client: Any, group: Group, coordinator: User
) -> None:
    sign_in(client, coordinator)
    form = client.get("/en/events/new/")
    assert form.status_code == 200 and group.name in text(form)
    response = client.post("/en/events/new/", form_data(group))
    assert response.status_code == 302, text(response)
    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2031, 12, 10, 9, 0, tzinfo=datetime.UTC)
    assert list(event.organisers.all()) == [group]
    assert event.region == group.region
    edit = client.get(f"/en/events/{event.pk}/edit/")
    assert 'value="2031-12-10T19:00"' in text(edit)


@pytest.mark.parametrize(
    ("language", "prefix", "overrides", "message"),
    [
        ("en", "/en", {"ends_at": "2031-12-10T18:00"}, "The event must end after it starts."),
        ("ru", "", {"ends_at": "2031-12-10T18:00"}, "The event must end after it starts."),
        (
            "en",
            "/en",
            {"time_zone": "Moscow/Kremlin"},
            "“Moscow/Kremlin” is not a time zone name such as Europe/Moscow or Asia/Vladivostok.",
        ),
        ("en", "/en", {"starts_at": "tomorrow"}, "Enter a date and time, for example"),
        ("en", "/en", {"capacity": "0"}, "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_event_input_is_explained_and_kept(
    client: Any,
    group: Group,
    coordinator: User,
    language: str,
    prefix: str,
    overrides: dict[str, Any],
    message: str,
) -> None:
    sign_in(client, coordinator)
    response = client.post(f"{prefix}/events/new/", form_data(group, **overrides))
    assert response.status_code == 200
    page = text(response)
    with translation.override(language):
        expected = gettext(message)
    from django.utils.html import escape

    assert escape(expected) in page
    assert 'value="Candlelight vigil"' in page  # what was typed stays
    assert Event.objects.count() == 0


def test_other_people_cannot_organise(
    client: Any, group: Group, event: Event, group_member: User
) -> None:
    assert client.get("/en/events/new/").status_code == 302
    sign_in(client, group_member)
    assert client.get("/en/events/new/").status_code == 403
    assert client.get(f"/en/events/{event.pk}/edit/").status_code == 403
    assert client.post(f"/en/events/{event.pk}/cancel/").status_code == 403
    assert client.get(f"/en/events/{event.pk}/attendees/").status_code == 403


def test_coordinator_of_another_group_cannot_name_this_group(
    client: Any, group: Group, make_group: Callable[..., Group], make_user: Callable[..., User]
) -> None:
    other = make_group("kazan-1", region="kazan")
    lead = make_user()
    join(other, lead, Membership.Role.COORDINATOR)
    sign_in(client, lead)
    response = client.post("/en/events/new/", form_data(group))
    assert response.status_code == 200  # the group is not among the choices
    assert Event.objects.count() == 0


def test_cancel_page(client: Any, event: Event, coordinator: User) -> None:
    sign_in(client, coordinator)
    assert client.get(f"/en/events/{event.pk}/cancel/").status_code == 200
    response = client.post(f"/en/events/{event.pk}/cancel/", {"note": "Rain"}, follow=True)
    assert "The event is cancelled." in text(response)
    event.refresh_from_db()
    assert event.is_cancelled and event.cancellation_note == "Rain"
    again = client.post(f"/en/events/{event.pk}/cancel/", {"note": ""}, follow=True)
    assert "already cancelled" in text(again)
    assert client.get(f"/en/events/{event.pk}/edit/").status_code == 302


# --- replies -------------------------------------------------------------------------------
def test_member_replies_with_one_click_and_is_told_when_full(
    client: Any, coordinator: User, group: Group, make_user: Callable[..., User]
) -> None:
    event = make_event(coordinator, [group], capacity=1)
    first, second = make_user(), make_user()
    sign_in(client, first)
    response = client.post(f"/en/events/{event.pk}/rsvp/", follow=True)
    assert "You have a place." in text(response)
    client.logout()
    sign_in(client, second)
    response = client.post(f"/en/events/{event.pk}/rsvp/", follow=True)
    assert "you are on the waiting list" in text(response)
    assert Rsvp.objects.get(user=second).status == Rsvp.Status.WAITING
    response = client.post(f"/en/events/{event.pk}/rsvp/withdraw/", follow=True)
    assert "Your reply is cancelled." in text(response)
    assert not Rsvp.objects.filter(user=second).exists()


def test_reply_to_a_past_event_is_refused_in_russian(
    client: Any, coordinator: User, group: Group, member: User
) -> None:
    over = make_event(coordinator, [group], days=-3)
    sign_in(client, member)
    response = client.post(f"/events/{over.pk}/rsvp/", follow=True)
    assert response.status_code == 200
    assert in_russian("This event is over: replies are closed.") in text(response)
    assert Rsvp.objects.count() == 0


def test_visitor_form_errors_keep_what_was_typed(client: Any, event: Event) -> None:
    response = client.post(
        f"/en/events/{event.pk}/rsvp/", {"name": "Анна", "email": "not-an-address"}
    )
    assert response.status_code == 400
    assert "Enter a valid e-mail address." in text(response)
    assert 'value="Анна"' in text(response)
    assert Rsvp.objects.count() == 0


def test_a_members_only_event_answers_a_stranger_as_a_missing_one(
    client: Any, group: Group, coordinator: User, member: User
) -> None:
    secret = make_event(coordinator, [group], title="Members planning", visibility="members")
    sign_in(client, member)  # signed in, but not in the group

    def page(response: Any, pk: int) -> str:
        """The page, but for its CSRF token and its links to itself in the other language."""
        masked = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1CSRF", text(response))
        return masked.replace(f"/events/{pk}/", "/events/ID/")

    for path in ("/en/events/{}/", "/en/events/{}/attendees/", "/en/events/{}/edit/"):
        hidden, missing = client.get(path.format(secret.pk)), client.get(path.format(999999))
        assert hidden.status_code == missing.status_code == 404
        assert page(hidden, secret.pk) == page(missing, 999999)
    for path in ("/en/events/{}/rsvp/", "/en/events/{}/rsvp/withdraw/"):
        hidden, missing = client.post(path.format(secret.pk)), client.post(path.format(999999))
        assert hidden.status_code == missing.status_code == 404
        assert page(hidden, secret.pk) == page(missing, 999999)
    assert not Rsvp.objects.exists()


def test_visitor_cannot_reply_to_members_only_event(
    client: Any, coordinator: User, group: Group
) -> None:
    secret = make_event(coordinator, [group], visibility="members")
    response = client.post(f"/en/events/{secret.pk}/rsvp/", {"name": "A", "email": "a@b.org"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert Rsvp.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_visitor_confirms_by_mail_then_cancels_through_the_signed_link(
    client: Any,
    coordinator: User,
    group: Group,
    make_user: Callable[..., User],
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    event = make_event(coordinator, [group], capacity=1)
    response = client.post(
        f"/en/events/{event.pk}/rsvp/", {"name": "Anna Visitor", "email": "anna@example.org"},
        follow=True,
    )  # fmt: skip
    assert "your reply counts once you follow the link" in text(response)
    # Not confirmed yet: the reply holds no place.
    assert Rsvp.objects.get().status == Rsvp.Status.PENDING
    run_tasks()
    assert smtp_server.envelopes[0][1] == ["anna@example.org"]
    assert "Confirm your reply" in str(smtp_server.messages[0]["Subject"])
    payload = str(smtp_server.messages[0].get_payload(decode=True).decode())  # type: ignore[union-attr]
    confirm = re.search(r"http://testserver(/en/events/reply/confirm/\S+/)", payload)
    assert confirm is not None

    page = client.get(confirm.group(1))  # opening the link changes nothing
    assert page.status_code == 200 and Rsvp.objects.get().status == Rsvp.Status.PENDING
    done = client.post(confirm.group(1), follow=True)
    assert "You have a place. See you there!" in text(done)
    assert Rsvp.objects.get().status == Rsvp.Status.CONFIRMED
    client.post(confirm.group(1))  # a second click changes nothing
    assert Rsvp.objects.get().status == Rsvp.Status.CONFIRMED

    waiting = make_user("waiting@example.org", language="en")
    sign_in(client, waiting)
    client.post(f"/en/events/{event.pk}/rsvp/")
    client.logout()
    run_tasks()
    assert smtp_server.envelopes[1][1] == ["anna@example.org"]
    payload = str(smtp_server.messages[1].get_payload(decode=True).decode())  # type: ignore[union-attr]
    link = re.search(r"http://testserver(/en/events/reply/(?!confirm/)\S+/)", payload)
    assert link is not None

    page = client.get(link.group(1))  # opening the link changes nothing
    assert page.status_code == 200 and Rsvp.objects.count() == 2
    done = client.post(link.group(1), follow=True)
    assert "Your reply is cancelled." in text(done)
    assert Rsvp.objects.get().user == waiting
    assert Rsvp.objects.get().status == Rsvp.Status.CONFIRMED
    assert client.get(link.group(1)).status_code == 404
    assert client.get(confirm.group(1)).status_code == 404
    assert client.get("/en/events/reply/forged:token/").status_code == 404
    assert client.get("/en/events/reply/confirm/forged:token/").status_code == 404
    run_tasks()
    assert smtp_server.envelopes[-1][1] == ["waiting@example.org"]
    assert "A place is free for you" in str(smtp_server.messages[-1]["Subject"])


def test_replies_never_confirmed_hold_no_place_and_lapse(
    client: Any, coordinator: User, group: Group
) -> None:
    from vigil.events import services

    event = make_event(coordinator, [group], capacity=2)
    for n in range(30):  # someone types other people's addresses, or a robot does
        client.post(
            f"/en/events/{event.pk}/rsvp/",
            {"name": f"Guest {n}", "email": f"g{n}@example.org"},
            REMOTE_ADDR=f"10.{n}.0.1",
        )
    assert services.selectors.places(event) == {"confirmed": 0, "waiting": 0, "left": 2}
    stale = timezone.now() - services.REPLY_HOLD - datetime.timedelta(minutes=1)
    Rsvp.objects.update(created_at=stale)
    token = services.confirm_token(Rsvp.objects.first())  # type: ignore[arg-type]
    with mock.patch("django.core.signing.time.time", return_value=stale.timestamp()):
        old_token = services.confirm_token(Rsvp.objects.first())  # type: ignore[arg-type]
    assert client.get(f"/en/events/reply/confirm/{old_token}/").status_code == 404
    services.rsvp_visitor(event, name="New", email="new@example.org", language="en")
    assert Rsvp.objects.count() == 1  # the lapsed replies are gone, names and addresses too
    assert client.get(f"/en/events/reply/confirm/{token}/").status_code == 404


def test_confirm_links_mailed_before_still_open_and_every_failure_looks_the_same(
    client: Any, event: Event
) -> None:
    from vigil.events import services

    mine = services.rsvp_visitor(event, name="Анна", email="anna@example.org", language="en").rsvp
    other = services.rsvp_visitor(event, name="Пётр", email="petr@example.org", language="en").rsvp
    prefix = str(mine.email_index)[:16]

    def made_by_hand(pk: int, e: str) -> str:
        return token_made_by_hand("vigil.events.rsvp-confirm", "r", pk, e)

    old = made_by_hand(mine.pk, prefix)
    assert services.reply_for_confirm_token(old) == mine
    assert client.get(f"/en/events/reply/confirm/{old}/").status_code == 200

    def shown(token: str) -> tuple[int, str]:
        """The page, without its own address (the language switcher repeats it)."""
        response = client.post(f"/en/events/reply/confirm/{token}/")
        return response.status_code, text(response).replace(token, "TOKEN")

    answers = {
        "tampered": shown(tampered(old)),
        "another row": shown(made_by_hand(other.pk, prefix)),
    }
    with past(services.REPLY_HOLD):
        answers["expired"] = shown(old)
    mine.email = "someone-else@example.org"
    mine.save()
    answers["another address"] = shown(old)
    Rsvp.objects.filter(pk=mine.pk).delete()
    answers["withdrawn"] = shown(old)
    first = answers["tampered"]
    assert first[0] == 404 and "Reply not found" in first[1]
    assert answers == dict.fromkeys(answers, first)
    assert not Rsvp.objects.filter(status=Rsvp.Status.CONFIRMED).exists()


# --- attendee lists ------------------------------------------------------------------------
def test_attendee_list_is_for_coordinators_and_staff_and_is_audited(
    client: Any, event: Event, coordinator: User, group_member: User
) -> None:
    from vigil.events import services

    from .conftest import BASE_URL

    reply = services.rsvp_visitor(
        event, name="Анна Гостева", email="anna@example.org", language="ru", base_url=BASE_URL
    ).rsvp
    services.rsvp_visitor(
        event, name="Пётр Неподтвердивший", email="petr@example.org", language="ru"
    )  # never confirmed: not coming, so not listed
    services.confirm_reply(reply, base_url=BASE_URL)
    assert "Анна Гостева" not in text(client.get(f"/en/events/{event.pk}/"))
    sign_in(client, group_member)
    assert client.get(f"/en/events/{event.pk}/attendees/").status_code == 403
    client.logout()
    sign_in(client, coordinator)
    page = text(client.get(f"/en/events/{event.pk}/attendees/"))
    assert "Анна Гостева" in page and "anna@example.org" not in page
    assert "Пётр" not in page
    audit = AuditEvent.objects.get(action="list")
    assert audit.actor == coordinator and audit.target_id == str(event.pk)


def test_list_in_russian(client: Any, event: Event) -> None:
    page = text(client.get("/events/"))
    assert '<html lang="ru">' in page
    assert in_russian("Events") in page and event.title in page
    assert in_russian("candlelight vigil").capitalize() in page


def test_past_events_tab(client: Any, coordinator: User, group: Group) -> None:
    make_event(coordinator, [group], title="Last year vigil", days=-300)
    assert "Last year vigil" not in text(client.get("/en/events/"))
    assert "Last year vigil" in text(client.get("/en/events/?when=past"))
    assert timezone.now()  # the list never fails on an empty page number
    assert client.get("/en/events/?page=abc").status_code == 200
