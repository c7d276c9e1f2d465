"""Logging meetings, reminders (idempotent), group mail with unsubscribe links."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import SmtpSink
from tests.groups.conftest import sign_in
from vigil.accounts.models import User
from vigil.groups import selectors, services
from vigil.groups.models import Group, Meeting, MeetingReminder

pytestmark = pytest.mark.django_db


def letters(*rows: tuple[str, str]) -> dict[str, str]:
    data = {"letters-TOTAL_FORMS": "3", "letters-INITIAL_FORMS": "0"}
    for i, (label, count) in enumerate(rows):
        data[f"letters-{i}-case_label"] = label
        data[f"letters-{i}-count"] = count
    return data


def test_coordinator_logs_a_meeting_with_letters(
    client: Any, kazan: Group, kazan_coordinator: User, kazan_member: User
) -> None:
    sign_in(client, kazan_coordinator)
    day = timezone.localdate() - datetime.timedelta(days=2)
    response = client.post(
        "/en/groups/kazan-1/meetings/new/",
        {
            "held_on": day.isoformat(),
            "attendance": "7",
            "decisions": "Write to the prosecutor.",
            **letters(("UA 12/97", "9"), ("Prisoner of conscience", "4")),
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.held_on == day and meeting.attendance == 7
    assert meeting.logged_by == kazan_coordinator
    assert sorted((r.case_label, r.count) for r in meeting.letters.all()) == [
        ("Prisoner of conscience", 4),
        ("UA 12/97", 9),
    ]
    # Members see it as recent activity.
    client.post("/en/account/logout/")
    sign_in(client, kazan_member)
    page = client.get("/en/groups/kazan-1/").content.decode()
    assert "Write to the prosecutor." in page and "UA 12/97: 9 letters" in page
    assert "Log a meeting" not in page


def test_bad_meeting_input_is_refused_and_nothing_is_written(
    client: Any, kazan: Group, kazan_coordinator: User
) -> None:
    sign_in(client, kazan_coordinator)
    url = "/en/groups/kazan-1/meetings/new/"
    future = timezone.localdate() + datetime.timedelta(days=5)
    page = client.post(url, {"held_on": future.isoformat(), "attendance": "-1", **letters()})
    text = page.content.decode()
    assert page.status_code == 200 and "once it has happened" in text
    assert "greater than or equal to 0" in text
    page = client.post(
        url, {"held_on": "2026-01-10", "attendance": "3", **letters(("", "5"), ("Case", ""))}
    )
    text = page.content.decode()
    assert "Which case were these letters for?" in text and "How many letters" in text
    assert (
        client.post(url, {"held_on": "2026-01-10", "attendance": "3", **letters()}).status_code
        == 302
    )
    page = client.post(url, {"held_on": "2026-01-10", "attendance": "3", **letters()})
    assert "already logged" in page.content.decode()
    assert Meeting.objects.count() == 1


def test_only_coordinators_log_meetings(
    client: Any, kazan: Group, moscow: Group, kazan_coordinator: User, kazan_member: User
) -> None:
    sign_in(client, kazan_member)
    assert client.get("/en/groups/kazan-1/meetings/new/").status_code == 403
    assert client.get("/en/groups/kazan-1/edit/").status_code == 403
    client.post("/en/account/logout/")
    sign_in(client, kazan_coordinator)
    assert client.get("/en/groups/moscow-1/meetings/new/").status_code == 403
    assert client.get("/en/groups/moscow-1/write/").status_code == 403
    assert client.get("/en/groups/kazan-1/meetings/new/").status_code == 200


def test_coordinator_edits_the_schedule_with_a_clear_error_on_a_bad_rule(
    client: Any, kazan: Group, kazan_coordinator: User
) -> None:
    sign_in(client, kazan_coordinator)
    data = {
        "name": "Казань-1", "city": "Казань", "region": kazan.region_id, "status": "active",
        "email": "", "postal_address": "", "meeting_rule": "FREQ=MONTHLY;UNTIL=20010101",
        "meeting_time": "18:30", "meeting_timezone": "Europe/Moscow", "meeting_place": "Кафе",
    }  # fmt: skip
    page = client.post("/en/groups/kazan-1/edit/", data)
    assert page.status_code == 200 and "no meeting in the coming" in page.content.decode()
    assert 'value="Кафе"' in page.content.decode()
    data["meeting_rule"] = "FREQ=MONTHLY;BYDAY=-1FR"
    assert client.post("/en/groups/kazan-1/edit/", data).status_code == 302
    kazan.refresh_from_db()
    assert kazan.meeting_rule == "FREQ=MONTHLY;BYDAY=-1FR"
    assert kazan.meeting_time == datetime.time(18, 30) and kazan.meeting_place == "Кафе"


def test_public_sees_names_and_cities_only(
    client: Any, kazan: Group, kazan_coordinator: User
) -> None:
    index = client.get("/en/groups/").content.decode()
    assert "Казань-1" in index and "Казань" in index
    page = client.get("/en/groups/kazan-1/").content.decode()
    assert "Казань-1" in page
    assert "Рустам" not in page and "Next meetings" not in page
    assert client.get("/groups/kazan-1/").status_code == 200


def test_members_see_next_meetings_in_their_own_time_zone(
    client: Any, kazan: Group, make_user: Callable[..., User]
) -> None:
    far_east = make_user(time_zone="Asia/Vladivostok")
    services.add_member(kazan, far_east)
    sign_in(client, far_east)
    page = client.get("/en/groups/kazan-1/").content.decode()
    first = selectors.upcoming_meetings(kazan, count=1)[0]
    local = first.astimezone(datetime.timezone(datetime.timedelta(hours=10)))
    assert f"{local:%H:%M}" == "02:00"  # 19:00 Moscow is 02:00 the next day in Vladivostok
    assert f"{local.day} " in page and "02:00" in page


def test_reminders_are_sent_once_and_not_to_unsubscribed_members(
    kazan: Group,
    kazan_coordinator: User,
    kazan_member: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    first = selectors.upcoming_meetings(kazan, count=1)[0]
    now = first - datetime.timedelta(days=2)
    membership = selectors.membership_of(kazan_member, kazan)
    assert membership is not None
    services.unsubscribe(membership)
    assert services.send_meeting_reminders(days=3, now=now) == 1
    assert services.send_meeting_reminders(days=3, now=now) == 0
    assert services.send_meeting_reminders(days=1, now=now) == 0
    run_tasks()
    assert [e[1] for e in smtp_server.envelopes] == [[kazan_coordinator.email]]
    body = smtp_server.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "/groups/unsubscribe/" in body and "/groups/kazan-1/" in body
    assert MeetingReminder.objects.count() == 1


def test_reminder_command(kazan: Group, kazan_member: User, capsys: Any) -> None:
    call_command("send_meeting_reminders", "--days", "40")
    assert "Meeting reminders queued: 1" in capsys.readouterr().out
    call_command("send_meeting_reminders", "--days", "40")
    assert "Meeting reminders queued: 0" in capsys.readouterr().out


def test_group_mail_reaches_subscribed_members_and_the_link_unsubscribes(
    client: Any,
    kazan: Group,
    kazan_coordinator: User,
    kazan_member: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    sign_in(client, kazan_coordinator)
    empty = client.post("/en/groups/kazan-1/write/", {"subject": "", "body": ""})
    assert "This field is required" in empty.content.decode()
    sent = client.post(
        "/en/groups/kazan-1/write/", {"subject": "Встреча переносится", "body": "На среду."}
    )
    assert sent.status_code == 302
    run_tasks()
    assert sorted(e[1][0] for e in smtp_server.envelopes) == sorted(
        [kazan_coordinator.email, kazan_member.email]
    )
    to_member = next(
        m for m, e in zip(smtp_server.messages, smtp_server.envelopes, strict=True)
        if e[1] == [kazan_member.email]
    )  # fmt: skip
    assert to_member["Subject"] == "[Казань-1] Встреча переносится"
    body = to_member.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"http://testserver(/groups/unsubscribe/\S+/)", body)
    assert link is not None

    client.post("/account/logout/")
    assert "Unsubscribe" in client.get("/en" + link.group(1)).content.decode()
    assert selectors.membership_of(kazan_member, kazan).receives_group_mail  # type: ignore[union-attr]
    client.post(link.group(1))
    assert not selectors.membership_of(kazan_member, kazan).receives_group_mail  # type: ignore[union-attr]
    assert client.get(link.group(1)[:-5] + "xxxx/").status_code == 400
    assert [m.user for m in services.mail_recipients(kazan)] == [kazan_coordinator]
