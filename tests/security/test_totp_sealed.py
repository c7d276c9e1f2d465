"""Staff's second-factor keys are sealed like people's data, and rotate with the keys.

Issue 14, point 4: a database dump alone gave staff's second-factor codes.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, TOTP_KEY
from vigil.accounts.models import User
from vigil.accounts.services import enrol_totp_with_key, pending_totp_device
from vigil.core.env import new_aes_key

pytestmark = pytest.mark.django_db


def database_text() -> str:
    """Every value of the device tables and of Vigil's accounts tables, as stored."""
    tables = [t for t in connection.introspection.table_names() if "otp" in t or "accounts" in t]
    found: list[Any] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found.extend(repr(value) for row in cursor.fetchall() for value in row)
    return "\n".join(found)


def code_for(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def two_factor(client: Any, user: User, code: str) -> int:
    client.post("/en/account/login/", {"username": user.email, "password": PASSWORD})
    return int(client.post("/en/account/two-factor/", {"token": code}).status_code)


def test_no_device_key_is_stored_in_clear(client: Any, staff: User) -> None:
    new = pending_totp_device(User.objects.get(email_index=staff.email_index))
    new_key = new.bin_key.hex()
    stored = database_text()
    assert TOTP_KEY not in stored.lower()
    assert new_key not in stored.lower()
    assert two_factor(client, staff, code_for(TOTP_KEY)) == 302


def test_rotation_reseals_device_keys(client: Any, staff: User, settings: Any) -> None:
    settings.VIGIL_ENCRYPTION_KEYS = f"k8:{new_aes_key()},{settings.VIGIL_ENCRYPTION_KEYS}"
    call_command("keys", "rotate")
    settings.VIGIL_ENCRYPTION_KEYS = settings.VIGIL_ENCRYPTION_KEYS.split(",")[0]
    assert "v1:k8:" in database_text()
    assert two_factor(client, staff, code_for(TOTP_KEY)) == 302


def test_the_migration_seals_keys_stored_in_clear(client: Any, staff: User) -> None:
    # A device as django-otp stores it: the key in clear in its own column.
    TOTPDevice.objects.filter(user=staff).delete()
    TOTPDevice.objects.create(user=staff, name="old", key=TOTP_KEY, confirmed=True)
    assert TOTP_KEY in database_text()
    migration = importlib.import_module("vigil.accounts.migrations.0003_seal_totp_device_keys")
    migration.seal_device_keys(apps, None)
    assert TOTP_KEY not in database_text()
    assert two_factor(client, staff, code_for(TOTP_KEY)) == 302


def test_enrolment_with_a_known_key_still_works(client: Any, make_user: Any) -> None:
    user = make_user("second@example.org", two_factor=False)
    enrol_totp_with_key(user, TOTP_KEY)
    assert TOTP_KEY not in database_text()


def test_the_back_office_neither_shows_nor_sets_a_device_key() -> None:
    from django.contrib.admin import site

    assert TOTPDevice not in site._registry
