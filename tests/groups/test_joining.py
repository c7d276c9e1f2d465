"""Joining: the public form, the coordinator's answer, the new member's first sign-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.conftest import SmtpSink
from tests.groups.conftest import sign_in
from vigil.accounts.models import User
from vigil.directory.models import Region
from vigil.groups.models import Application, Group, Membership
from vigil.groups.selectors import application_index

pytestmark = pytest.mark.django_db


def form(region: str = "kazan", **values: Any) -> dict[str, Any]:
    data = {
        "name": "Дина Гарипова",
        "email": "dina@example.org",
        "city": "Казань",
        "region": Region.objects.get(slug=region).pk,
        "languages": "русский, татарский, English",
        "consent": "on",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def test_an_application_goes_to_the_nearest_group_and_is_encrypted(
    client: Any, kazan: Group, kazan_coordinator: User
) -> None:
    page = client.post("/groups/join/", form())
    assert page.status_code == 200
    assert "Казань-1" in page.content.decode()
    application = Application.objects.get()
    assert application.group == kazan and application.status == "pending"
    assert application.language == "ru"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email, city, languages FROM groups_application")
        row = cursor.fetchone()
    assert all(value.startswith("v1:") for value in row)
    assert "dina" not in " ".join(row).lower()


def test_no_group_in_the_region_goes_to_national_staff_and_says_so(
    client: Any, kazan: Group, staff: User
) -> None:
    page = client.post("/en/groups/join/", form("vladivostok", city="Владивосток"))
    assert "no group in your region yet" in page.content.decode()
    assert Application.objects.get().group is None
    assert staff.has_perm("groups.decide_application", Application.objects.get())


def _mails_to(sink: SmtpSink, address: str) -> list[Any]:
    return [m for m, (_f, to) in zip(sink.messages, sink.envelopes, strict=True) if to == [address]]


@pytest.mark.django_db(transaction=True)
def test_applying_again_while_waiting_is_thanked_alike_told_by_mail_and_counted(
    client: Any,
    kazan: Group,
    kazan_coordinator: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    first = client.post("/en/groups/join/", form())
    again = client.post("/en/groups/join/", form(email="DINA@example.org ", city="Казань"))
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert "already" not in again.content.decode()
    application = Application.objects.get()
    assert application.repeats == 1
    run_tasks()
    # The acknowledgement of the first form, and a reminder for the second.
    bodies = [
        str(m.get_payload(decode=True).decode()) for m in _mails_to(smtp_server, "dina@example.org")
    ]
    assert len(bodies) == 2
    assert sum("still waiting for an answer" in body for body in bodies) == 1
    # The coordinator was told once, about the first form only.
    assert len(_mails_to(smtp_server, kazan_coordinator.email)) == 1
    sign_in(client, kazan_coordinator)
    listing = client.get("/en/groups/applications/").content.decode()
    assert "sent again 1 time" in listing
    detail = client.get(f"/en/groups/applications/{application.pk}/").content.decode()
    assert "sent the form again 1 time" in detail


@pytest.mark.django_db(transaction=True)
def test_reminders_to_one_address_are_limited(
    client: Any, kazan: Group, smtp_server: SmtpSink, run_tasks: Callable[[], None]
) -> None:
    from vigil.petitions.mailbox import MAILS_PER_WINDOW

    # Three forms: the join throttle refuses a fourth for one address within the hour.
    for _n in range(3):
        client.post("/groups/join/", form())
    run_tasks()
    # The acknowledgement and one reminder; the third form's reminder is dropped.
    assert len(_mails_to(smtp_server, "dina@example.org")) == MAILS_PER_WINDOW
    assert Application.objects.get().repeats == 2


def test_missing_consent_and_bad_region_are_clear_errors(client: Any, kazan: Group) -> None:
    page = client.post("/en/groups/join/", {**form(consent=None, email="x@"), "region": "999999"})
    text = page.content.decode()
    assert "only keep your application if you agree" in text
    assert "Select a valid choice" in text
    assert "Enter a valid email address" in text
    assert Application.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_member_who_applies_is_thanked_alike_mailed_and_marked_for_staff(
    client: Any,
    kazan: Group,
    kazan_coordinator: User,
    kazan_member: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    stranger = client.post("/groups/join/", form(email="new@example.org"))
    page = client.post("/groups/join/", form(email=kazan_member.email))
    assert page.content == stranger.content
    client.post("/en/groups/join/", form(email=kazan_member.email))  # a repeat, from English
    application = Application.objects.get(email_index=application_index(kazan_member.email))
    run_tasks()
    # The worker sends in no set order: "you are already a member" first by subject.
    told, reminded = sorted(
        _mails_to(smtp_server, kazan_member.email), key=lambda m: "ждёт" in str(m["Subject"])
    )
    body = str(told.get_payload(decode=True).decode())
    # In the member's own language (Russian), whatever page the form came from.
    assert "Казань-1" in body and "/account/login/" in body
    assert "уже состоите" in str(told["Subject"])
    assert "ждёт ответа" in str(reminded["Subject"])
    sign_in(client, kazan_coordinator)
    listing = client.get("/groups/applications/").content.decode()
    assert listing.count("уже в группе") == 1
    detail = client.get(f"/groups/applications/{application.pk}/").content.decode()
    assert "Казань-1" in detail


def test_whole_journey_with_real_mail(
    client: Any,
    kazan: Group,
    kazan_coordinator: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    # A visitor in Kazan applies in Russian; the coordinator is told (no applicant data in mail).
    client.post("/groups/join/", form())
    run_tasks()
    # The worker sends the queued mails in no set order: the notice is found by its address.
    [notice] = _mails_to(smtp_server, kazan_coordinator.email)
    notice_body = str(notice.get_payload(decode=True).decode())
    assert "Дина" not in notice_body and "dina@" not in notice_body
    link = re.search(r"http://testserver(/groups/applications/\d+/)", notice_body)
    assert link is not None

    # Another group's coordinator may not see it; the Kazan coordinator accepts.
    sign_in(client, kazan_coordinator)
    assert "Дина Гарипова" in client.get("/en/groups/applications/").content.decode()
    page = client.get(link.group(1))
    assert page.status_code == 200 and "dina@example.org" in page.content.decode()
    done = client.post(
        link.group(1), {"decision": "accept", "answer": "Добро пожаловать! Ждём вас."}
    )
    assert done.status_code == 302
    dina = User.objects.get_by_email("dina@example.org")
    assert dina is not None and dina.name == "Дина Гарипова" and dina.language == "ru"
    assert Membership.objects.get(user=dina, left_at__isnull=True).group == kazan
    assert client.post(link.group(1), {"decision": "decline"}).status_code == 200
    assert Application.objects.get().status == "accepted"

    # The applicant is told in Russian, with a link to choose a password.
    run_tasks()
    welcome = smtp_server.messages[-1]
    assert smtp_server.envelopes[-1][1] == ["dina@example.org"]
    assert "Казань-1" in welcome["Subject"]
    body = welcome.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Добро пожаловать! Ждём вас." in body
    invitation = re.search(r"http://testserver(/account/password/reset/\S+/)", body)
    assert invitation is not None

    client.post("/account/logout/")
    choose = client.get(invitation.group(1), follow=True)
    password = "a long new passphrase"
    client.post(
        choose.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    sign_in(client, dina, password)
    group_page = client.get("/en/groups/kazan-1/").content.decode()
    assert "Next meetings" in group_page and "<time datetime=" in group_page
    assert "Рустам Хайруллин" in group_page  # fellow members by name


def test_decline_sends_the_message_and_creates_nobody(
    client: Any,
    kazan: Group,
    kazan_coordinator: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    client.post("/en/groups/join/", form())
    application = Application.objects.get()
    sign_in(client, kazan_coordinator)
    client.post(
        f"/en/groups/applications/{application.pk}/",
        {"decision": "decline", "answer": "Группа сейчас не принимает новых членов."},
    )
    run_tasks()
    assert User.objects.get_by_email("dina@example.org") is None
    bodies = [
        str(m.get_payload(decode=True).decode()) for m in _mails_to(smtp_server, "dina@example.org")
    ]
    assert any("не принимает" in body for body in bodies)  # after the acknowledgement
    # After a decline the same person may apply again.
    assert client.post("/en/groups/join/", form()).status_code == 200
    assert Application.objects.filter(status="pending").count() == 1


def test_other_coordinators_and_members_cannot_decide(
    client: Any,
    kazan: Group,
    moscow: Group,
    kazan_member: User,
    make_user: Callable[..., User],
) -> None:
    from vigil.groups import services

    client.post("/en/groups/join/", form())
    application = Application.objects.get()
    moscow_coordinator = make_user()
    services.add_member(moscow, moscow_coordinator, Membership.Role.COORDINATOR)
    for person in (moscow_coordinator, kazan_member):
        client.post("/en/account/logout/")
        sign_in(client, person)
        assert client.get(f"/en/groups/applications/{application.pk}/").status_code == 403
        response = client.post(f"/en/groups/applications/{application.pk}/", {"decision": "accept"})
        assert response.status_code == 403
    assert Application.objects.get().status == "pending"


def test_staff_must_choose_a_group_for_a_regionless_application(
    signed_in_staff: Any, kazan: Group, smtp_server: SmtpSink
) -> None:
    signed_in_staff.post("/en/groups/join/", form("vladivostok", city="Владивосток"))
    application = Application.objects.get()
    url = f"/en/groups/applications/{application.pk}/"
    page = signed_in_staff.post(url, {"decision": "accept"})
    assert "Choose the group the applicant joins" in page.content.decode()
    assert Application.objects.get().status == "pending"
    assert User.objects.get_by_email("dina@example.org") is None
    signed_in_staff.post(url, {"decision": "accept", "group": kazan.pk})
    assert Application.objects.get().group == kazan


def test_a_robot_filling_the_hidden_field_sees_the_thanks_and_nothing_is_kept(
    client: Any, kazan: Group, kazan_coordinator: User, smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:  # fmt: skip
    form_page = client.get("/en/groups/join/").content.decode()
    assert 'class="hp" aria-hidden="true"' in form_page and 'name="website"' in form_page
    person = client.post("/en/groups/join/", form(email="person@example.org")).content.decode()
    robot = client.post(
        "/en/groups/join/", form(email="robot@example.org", website="http://spam.example")
    ).content.decode()
    thanks = "Your application is with the coordinator of the group “Казань-1”"
    assert thanks in person and thanks in robot
    assert [a.email for a in Application.objects.all()] == ["person@example.org"]
    run_tasks()
    # The coordinator hears of the person only, and the person gets the acknowledgement.
    recipients = sorted(rcpt for _sender, rcpt in smtp_server.envelopes)
    assert recipients == [[kazan_coordinator.email], ["person@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_the_applicant_gets_an_acknowledgement_in_their_mailbox(
    client: Any,
    kazan: Group,
    kazan_coordinator: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    client.post("/groups/join/", form())
    run_tasks()
    sent = list(zip(smtp_server.messages, smtp_server.envelopes, strict=True))
    to_applicant = [message for message, (_s, rcpt) in sent if rcpt == ["dina@example.org"]]
    assert len(to_applicant) == 1
    body = to_applicant[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Дина Гарипова" in body and "Казань-1" in body and "ответит" in body
    # The coordinator's notice still names nobody.
    [notice] = [message for message, (_s, rcpt) in sent if rcpt == [kazan_coordinator.email]]
    assert "Дина" not in notice.get_payload(decode=True).decode()  # type: ignore[union-attr]
