"""A visitor becomes a supporter: the same answer for every address, the link in the mailbox,
the declared country under the own-country rule, letters and "my actions"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.cases.models import Case, Letter
from vigil.cases.policy import may_act
from vigil.groups.models import Group

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "fresh-Supporter-2026!"


def sign_up(client: Any, capture: Any, email: str = "lena@example.org", **changes: str) -> Any:
    data = {"name": "Лена Светлова", "email": email, "country": "RU", "language": "ru"}
    data.update(changes)
    with capture(execute=True):
        return client.post("/supporters/", data)


def link_in(mail: dict[str, Any]) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", mail["body"])
    assert found is not None, mail["body"]
    return found.group(1)


def test_a_visitor_becomes_a_supporter_and_writes(
    client: Any,
    mails: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
    abroad: Case,
    torture_ru: Case,
) -> None:
    page = client.get("/supporters/")
    assert page.status_code == 200 and "Страна, в которой вы живёте" in page.content.decode()
    response = sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/supporters/sent/"
    [mail] = mails
    assert mail["to"] == ["lena@example.org"] and "/supporters/confirm/" in mail["body"]
    user = User.objects.get_by_email("lena@example.org")
    assert user is not None and not user.has_usable_password() and user.has_role(Role.SUPPORTER)
    # The country is encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT country FROM accounts_user WHERE id = %s", [user.pk])
        assert cursor.fetchone()[0].startswith("v1:")
    # Nothing can be done before the link is followed.
    assert not user.check_password(NEW_PASSWORD)
    link = link_in(mail)
    form = client.get(link)
    assert form.status_code == 200 and "Лена Светлова" in form.content.decode()
    done = client.post(
        link,
        {"name": "Лена Светлова", "country": "RU", "language": "ru",
         "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )  # fmt: skip
    assert done.status_code == 302 and done["Location"] == reverse("cases:my_actions")
    user.refresh_from_db()
    assert user.country == "RU" and user.has_usable_password()
    # The own-country rule applies to the declared country as to a group's.
    assert may_act(user, abroad).allowed and not may_act(user, torture_ru).allowed
    actions = client.get("/cases/my-actions/")
    assert [item.case for item in actions.context["offered"]] == [abroad]
    assert reverse("groups:join") in actions.content.decode()
    letter = client.post(
        "/cases/abroad/write/",
        {"official": abroad.officials.get().pk, "language": "ru", "body": "Прошу освободить.",
         "signature": "Лена Светлова", "send": "pdf"},
    )  # fmt: skip
    assert letter["Content-Type"] == "application/pdf"
    assert Letter.objects.get().writer == user
    # The link works once.
    client.logout()
    assert client.get(link).status_code == 404


def test_the_answer_does_not_tell_whether_the_address_has_an_account(
    client: Any,
    mails: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
    make_user: Callable[..., User],
) -> None:
    member = make_user("known@example.org", name="Старое Имя")
    fresh = sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    known = sign_up(client, django_capture_on_commit_callbacks, "known@example.org", name="X")
    assert (fresh.status_code, fresh["Location"]) == (known.status_code, known["Location"])
    assert client.get(fresh["Location"]).content == client.get(known["Location"]).content
    # The difference goes to the mailbox only.
    assert [mail["to"] for mail in mails] == [["new@example.org"], ["known@example.org"]]
    assert "/supporters/confirm/" in mails[0]["body"]
    assert "/supporters/confirm/" not in mails[1]["body"]
    assert "/account/login/" in mails[1]["body"]
    member.refresh_from_db()
    assert member.name == "Старое Имя" and member.country == ""  # nothing changed
    # Signing up again before confirming sends the link again, with the details to check.
    again = sign_up(client, django_capture_on_commit_callbacks, "new@example.org", country="AZ")
    assert again["Location"] == fresh["Location"] and len(mails) == 3
    assert "/supporters/confirm/" in mails[2]["body"]


def test_signing_up_again_cannot_bomb_a_mailbox(
    client: Any,
    mails: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
    make_user: Callable[..., User],
) -> None:
    from vigil.petitions.mailbox import MAILS_PER_WINDOW

    make_user("known@example.org")
    for _n in range(5):
        sign_up(client, django_capture_on_commit_callbacks, "known@example.org")
        sign_up(client, django_capture_on_commit_callbacks, "new@example.org")
    assert [m["to"] for m in mails].count(["known@example.org"]) == MAILS_PER_WINDOW
    assert [m["to"] for m in mails].count(["new@example.org"]) == 1 + MAILS_PER_WINDOW


def test_bad_input_is_told_beside_the_field(client: Any, mails: list[dict[str, Any]]) -> None:
    response = client.post(
        "/en/supporters/", {"name": "", "email": "not-an-address", "country": "XX"}
    )
    assert response.status_code == 400
    assert {"name", "email", "country"} <= set(response.context["form"].errors)
    assert not mails and not User.objects.exists()


def test_a_member_who_declares_a_country_is_barred_in_both(
    client: Any, russian_member: User, abroad: Case, torture_ru: Case
) -> None:
    client.force_login(russian_member)
    assert client.post("/supporters/country/", {"country": "AZ"}).status_code == 302
    russian_member.refresh_from_db()
    assert not may_act(russian_member, abroad).allowed
    assert not may_act(russian_member, torture_ru).allowed


def test_someone_without_a_country_is_told_where_to_say_it(
    client: Any, make_user: Callable[..., User], abroad: Case
) -> None:
    loner = make_user("loner@example.org")
    client.force_login(loner)
    page = client.get("/en/cases/my-actions/").content.decode()
    assert reverse("supporters:country") in page
    refusal = client.get("/en/cases/abroad/write/")
    assert refusal.status_code == 403
    assert "/en/supporters/country/" in refusal.content.decode()
    client.post("/en/supporters/country/", {"country": "RU"})
    assert client.get("/en/cases/abroad/write/").status_code == 200


def test_visitors_are_offered_to_become_supporters(client: Any, abroad: Case) -> None:
    case_page = client.get("/cases/abroad/").content.decode()
    assert reverse("supporters:sign_up") in case_page
    home = client.get("/").content.decode()
    for url in (reverse("cases:index"), reverse("petitions:index"), reverse("groups:join"),
                reverse("supporters:sign_up")):  # fmt: skip
        assert f'href="{url}"' in home
    assert client.get("/supporters/country/").status_code == 302  # sign in first


def test_a_supporter_can_ask_to_join_a_group_later(
    client: Any,
    mails: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
    kazan: Group,
    make_user: Callable[..., User],
) -> None:
    from vigil.groups import joining
    from vigil.groups import services as group_services
    from vigil.groups.models import Membership

    sign_up(client, django_capture_on_commit_callbacks)
    supporter = User.objects.get_by_email("lena@example.org")
    assert supporter is not None
    supporter.set_password(PASSWORD)
    supporter.save()
    result = joining.apply_to_join(
        name="Лена Светлова", email="lena@example.org", city="Казань", region=kazan.region,
        consent=True,
    )  # fmt: skip
    coordinator = make_user(name="Рустам")
    group_services.add_member(kazan, coordinator, Membership.Role.COORDINATOR)
    joining.decide_application(result.application, by=coordinator, accept=True)
    assert kazan.memberships.filter(user=supporter, left_at__isnull=True).exists()
