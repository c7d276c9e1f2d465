"""The encrypted field and blind index, as the user model's e-mail uses them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import connection

from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.audit.models import AuditEvent
from vigil.core.env import new_aes_key

pytestmark = pytest.mark.django_db


def raw_row(user: User) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, email_index, name FROM accounts_user WHERE id = %s", [user.pk]
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1], row[2]


def test_email_and_name_are_encrypted_in_the_database() -> None:
    user = create_user(email="Boris@Example.org", password="x" * 12, name="Борис Суворов")
    email, index, name = raw_row(user)
    assert email.startswith("v1:") and "boris" not in email.lower()
    assert name.startswith("v1:") and "Борис" not in name
    assert len(index) == 64
    fresh = User.objects.get(pk=user.pk)
    assert fresh.email == "Boris@example.org"  # the domain is normalised, the mailbox kept
    assert fresh.name == "Борис Суворов"


def test_lookup_by_email_goes_through_the_blind_index_in_any_case() -> None:
    user = create_user(email="asya@example.org", password="x" * 12)
    assert User.objects.get_by_email("  ASYA@example.ORG ") == user
    assert User.objects.get_by_email("other@example.org") is None
    assert User.objects.get_by_natural_key("Asya@Example.org") == user


def test_duplicate_mailbox_is_refused_whatever_the_case() -> None:
    create_user(email="anatoly@example.org", password="x" * 12)
    with pytest.raises(ValidationError) as excinfo:
        create_user(email="ANATOLY@example.org", password="x" * 12)
    assert "email" in excinfo.value.message_dict
    assert User.objects.count() == 1


def test_comparing_ciphertexts_is_refused() -> None:
    with pytest.raises(FieldError):
        list(User.objects.filter(email="a@example.org"))
    with pytest.raises(FieldError):
        list(User.objects.filter(name__icontains="Борис"))
    assert User.objects.filter(email__isnull=True).count() == 0


def test_invalid_email_is_a_field_error_and_writes_nothing() -> None:
    with pytest.raises(ValidationError) as excinfo:
        create_user(email="not an address", password="x" * 12)
    assert "email" in excinfo.value.message_dict
    assert User.objects.count() == 0


def test_key_rotation_re_encrypts_every_row_and_recomputes_indexes(settings: Any) -> None:
    users = [create_user(email=f"p{i}@example.org", password="x" * 12) for i in range(7)]
    old_spec = settings.VIGIL_ENCRYPTION_KEYS
    old_rows = {u.pk: raw_row(u) for u in users}
    new_blind = new_aes_key()
    settings.VIGIL_ENCRYPTION_KEYS = f"k9:{new_aes_key()},{old_spec}"
    settings.VIGIL_BLIND_INDEX_KEY = new_blind
    call_command("keys", "rotate", "--batch-size", "3")
    for user in users:
        email, index, _name = raw_row(user)
        assert email.startswith("v1:k9:")
        assert index != old_rows[user.pk][1]
    # The old key can now be retired: every row opens with the new one alone.
    settings.VIGIL_ENCRYPTION_KEYS = settings.VIGIL_ENCRYPTION_KEYS.split(",")[0]
    assert sorted(u.email for u in User.objects.all()) == sorted(u.email for u in users)
    assert User.objects.get_by_email("p3@example.org") == users[3]
    assert AuditEvent.objects.filter(action="key_rotation", detail__rows=7).exists()
