"""Staff access to people's data is logged: who, what, when; the log cannot be edited."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, current_totp
from vigil.accounts.models import User
from vigil.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_staff_viewing_a_person_is_recorded(
    signed_in_staff: Any, staff: User, member: User
) -> None:
    before = AuditEvent.objects.count()
    listing = signed_in_staff.get("/en/back-office/accounts/user/")
    assert listing.status_code == 200
    detail = signed_in_staff.get(f"/en/back-office/accounts/user/{member.pk}/change/")
    assert detail.status_code == 200
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.action, e.actor_id) for e in events] == [("list", staff.pk), ("view", staff.pk)]
    assert events[1].target_id == str(member.pk)
    assert events[1].path == f"/en/back-office/accounts/user/{member.pk}/change/"
    assert events[1].ip_address == "127.0.0.1"


def test_behind_a_proxy_the_client_address_is_recorded(
    signed_in_staff: Any, member: User, settings: Any
) -> None:
    settings.AXES_IPWARE_PROXY_COUNT = 1
    signed_in_staff.get(
        f"/en/back-office/accounts/user/{member.pk}/change/",
        HTTP_X_FORWARDED_FOR="203.0.113.7, 198.51.100.2",
    )
    event = AuditEvent.objects.filter(action="view").latest("id")
    assert event.ip_address == "198.51.100.2"


def test_staff_search_by_email_finds_the_exact_address(signed_in_staff: Any, member: User) -> None:
    found = signed_in_staff.get("/en/back-office/accounts/user/", {"q": "MEMBER@example.org"})
    assert found.status_code == 200
    assert f"/accounts/user/{member.pk}/change/".encode() in found.content
    missed = signed_in_staff.get("/en/back-office/accounts/user/", {"q": "member@"})
    assert f"/accounts/user/{member.pk}/change/".encode() not in missed.content


def test_staff_cannot_read_the_audit_log_nor_edit_people(
    signed_in_staff: Any, member: User
) -> None:
    assert signed_in_staff.get("/en/back-office/audit/auditevent/").status_code == 403
    response = signed_in_staff.post(
        f"/en/back-office/accounts/user/{member.pk}/change/",
        {"email": "changed@example.org", "name": "x", "language": "en",
         "time_zone": "UTC", "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 403
    assert User.objects.get(pk=member.pk).email == "member@example.org"


def test_audit_log_is_read_only_even_for_administrators(client: Any, admin_user: User) -> None:
    client.post("/en/account/login/", {"username": admin_user.email, "password": PASSWORD})
    client.post("/en/account/two-factor/", {"token": current_totp(admin_user)})
    event = AuditEvent.objects.filter(actor=admin_user).first()
    assert event is not None
    assert client.get("/en/back-office/audit/auditevent/").status_code == 200
    assert client.get("/en/back-office/audit/auditevent/add/").status_code == 403
    client.post(f"/en/back-office/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sign_in_and_out_of_staff_are_recorded(client: Any, staff: User) -> None:
    client.post("/en/account/login/", {"username": staff.email, "password": PASSWORD})
    client.post("/en/account/two-factor/", {"token": current_totp(staff)})
    client.post("/en/account/logout/")
    actions = list(AuditEvent.objects.filter(actor=staff).values_list("action", flat=True))
    assert sorted(actions) == ["login", "logout", "two_factor"]


def test_adding_a_person_twice_in_the_back_office_is_a_form_error(
    client: Any, admin_user: User, member: User
) -> None:
    client.post("/en/account/login/", {"username": admin_user.email, "password": PASSWORD})
    client.post("/en/account/two-factor/", {"token": current_totp(admin_user)})
    form = {
        "name": "Второй", "language": "ru", "time_zone": "Europe/Moscow", "is_active": "on",
        "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0",
    }  # fmt: skip
    duplicate = client.post(
        "/en/back-office/accounts/user/add/", {**form, "email": "MEMBER@example.org"}
    )
    assert duplicate.status_code == 200
    assert b"already exists" in duplicate.content
    created = client.post(
        "/en/back-office/accounts/user/add/", {**form, "email": "new@example.org"}
    )
    assert created.status_code == 302
    new = User.objects.get_by_email("new@example.org")
    assert new is not None and not new.has_usable_password()
