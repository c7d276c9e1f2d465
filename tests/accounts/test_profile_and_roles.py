from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.conftest import PASSWORD
from vigil.accounts.models import RoleAssignment, User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role, revoke_role

pytestmark = pytest.mark.django_db


def test_profile_saves_language_and_time_zone(client: Any, member: User) -> None:
    client.post("/en/account/login/", {"username": member.email, "password": PASSWORD})
    response = client.post(
        "/en/account/",
        {"name": "Anatoly Chezlov", "language": "en", "time_zone": "Asia/Vladivostok"},
    )
    assert response.status_code == 302 and response["Location"] == "/en/account/"
    member.refresh_from_db()
    assert member.time_zone == "Asia/Vladivostok" and member.name == "Anatoly Chezlov"
    to_russian = client.post(
        "/en/account/", {"name": "Анатолий", "language": "ru", "time_zone": "Asia/Vladivostok"}
    )
    assert to_russian["Location"] == "/account/"
    assert "Настройки сохранены" in client.get("/account/").content.decode()


def test_a_bad_profile_form_keeps_input_and_explains(client: Any, member: User) -> None:
    client.post("/en/account/login/", {"username": member.email, "password": PASSWORD})
    response = client.post(
        "/en/account/", {"name": "x" * 500, "language": "xx", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert response.content.count(b'class="errorlist') >= 3
    member.refresh_from_db()
    assert member.time_zone == "Europe/Moscow"


def test_times_are_stored_in_utc_and_shown_in_the_viewer_zone(
    client: Any, make_user: Callable[..., User]
) -> None:
    joined = datetime(2003, 5, 28, 10, 0, tzinfo=UTC)  # the seed's embargo hour
    west = make_user("west@example.org", time_zone="Europe/Kaliningrad", date_joined=joined)
    east = make_user("east@example.org", time_zone="Asia/Kamchatka", date_joined=joined)
    stored = User.objects.get(pk=west.pk).date_joined
    assert stored.utcoffset() is not None and stored == joined
    shown = {}
    for user in (west, east):
        client.post("/en/account/login/", {"username": user.email, "password": PASSWORD})
        shown[user.time_zone] = client.get("/en/account/").content.decode()
        client.post("/en/account/logout/")
    local_west = joined.astimezone(zoneinfo.ZoneInfo("Europe/Kaliningrad"))
    local_east = joined.astimezone(zoneinfo.ZoneInfo("Asia/Kamchatka"))
    assert local_west.isoformat() in shown["Europe/Kaliningrad"]
    assert local_east.isoformat() in shown["Asia/Kamchatka"]
    assert "Europe/Kaliningrad" in shown["Europe/Kaliningrad"]


def test_anonymous_viewer_zone_comes_from_the_browser_cookie(client: Any) -> None:
    client.cookies["vigil_tz"] = "Asia/Yakutsk"
    assert b"Asia/Yakutsk" in client.get("/en/").content
    client.cookies["vigil_tz"] = "Not/AZone"
    assert b"Europe/Moscow" in client.get("/en/").content


def test_scoped_roles_need_their_scope(member: User) -> None:
    with pytest.raises(ValidationError):
        assign_role(member, Role.GROUP_COORDINATOR)
    with pytest.raises(ValidationError):
        assign_role(member, "emperor")


def test_roles_are_granted_once_and_revoked(member: User, staff: User) -> None:
    assign_role(member, Role.TRANSLATOR)
    assign_role(member, Role.TRANSLATOR)
    assert member.role_assignments.filter(role=Role.TRANSLATOR).count() == 1
    scope = staff  # any row can be a scope; groups and regions will be
    assign_role(member, Role.GROUP_COORDINATOR, scope)
    assign_role(member, Role.GROUP_COORDINATOR, scope)
    assert member.role_assignments.filter(role=Role.GROUP_COORDINATOR).count() == 1
    assert revoke_role(member, Role.TRANSLATOR) == 1
    assert not User.objects.get(pk=member.pk).has_role(Role.TRANSLATOR)


def test_database_refuses_half_a_scope(member: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=member, role=Role.GROUP_COORDINATOR,
            scope_type=ContentType.objects.get_for_model(User), scope_id=None,
        )  # fmt: skip


def test_closed_account_cannot_sign_in_or_act(client: Any, member: User) -> None:
    member.is_active = False
    member.save()
    response = client.post("/en/account/login/", {"username": member.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not member.has_perm("accounts.view_own_account")
