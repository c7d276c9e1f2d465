"""Erasing an account: nothing left that names the person or lets anyone sign in as them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import account_data, create_user, erase_account
from vigil.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_erasing_empties_the_account_and_records_it(
    make_user: Callable[..., User], admin_user: User
) -> None:
    person = make_user("leila@example.org", Role.MEMBER, Role.STAFF, name="Лейла Алиева")
    assert TOTPDevice.objects.filter(user=person).exists()  # staff have a second factor
    erase_account(person, by=admin_user)
    erased = User.objects.get(pk=person.pk)
    assert erased.name == "" and not erased.is_active and not erased.has_usable_password()
    assert erased.email.endswith("@erased.invalid") and "leila" not in erased.email
    assert not erased.role_assignments.exists()
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert User.objects.get_by_email("leila@example.org") is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, name FROM accounts_user WHERE id = %s", [person.pk])
        stored = " ".join(cursor.fetchone())
    assert "leila" not in stored.lower() and "Лейла" not in stored
    event = AuditEvent.objects.get(action="delete", target_id=str(person.pk))
    assert event.actor == admin_user and event.detail["erased"] == "account"
    assert event.detail["roles"] == sorted([Role.MEMBER, Role.STAFF])
    assert "name" in event.detail["fields"] and "email" in event.detail["fields"]


def test_the_address_can_open_a_new_account_after_erasure(
    make_user: Callable[..., User], client: Any
) -> None:
    first = make_user("again@example.org")
    second = make_user("other@example.org")
    erase_account(first)
    erase_account(second)  # two erased accounts do not collide on the unique blind index
    refused = client.post(
        "/en/account/login/", {"username": "again@example.org", "password": PASSWORD}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    fresh = create_user(email="again@example.org", password=PASSWORD)
    assert fresh.pk != first.pk and fresh.is_active
    assert AuditEvent.objects.get(target_id=str(first.pk)).actor_id == first.pk


def test_the_accounts_part_of_a_copy(make_user: Callable[..., User]) -> None:
    person = make_user("copy@example.org", Role.MEMBER, name="Анна", time_zone="Asia/Omsk")
    data = account_data(person)
    assert data["email"] == "copy@example.org" and data["name"] == "Анна"
    assert data["time_zone"] == "Asia/Omsk" and data["roles"] == [Role.MEMBER]
