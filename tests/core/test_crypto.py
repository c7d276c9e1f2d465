from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from vigil.core.crypto import (
    DecryptionError,
    Keyring,
    blind_index,
    normalise_email,
    normalise_phone,
    normalise_text,
)
from vigil.core.env import new_aes_key


def ring(*ids: str) -> tuple[Keyring, dict[str, str]]:
    keys = {key_id: new_aes_key() for key_id in ids}
    return Keyring.parse(",".join(f"{k}:{v}" for k, v in keys.items())), keys


def test_round_trip_and_format() -> None:
    keyring, _keys = ring("k1")
    sealed = keyring.encrypt("Борис Суворов <boris@example.org>")
    assert sealed.startswith("v1:k1:")
    assert "boris" not in sealed
    assert keyring.decrypt(sealed) == "Борис Суворов <boris@example.org>"


def test_same_value_seals_differently_each_time() -> None:
    keyring, _keys = ring("k1")
    assert keyring.encrypt("same") != keyring.encrypt("same")


def test_tampered_value_is_refused() -> None:
    keyring, _keys = ring("k1")
    sealed = keyring.encrypt("secret")
    prefix, key_id, token = sealed.split(":", 2)
    blob = bytearray(base64.urlsafe_b64decode(token))
    blob[-1] ^= 0x01
    tampered = f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(blob)).decode()}"
    with pytest.raises(DecryptionError):
        keyring.decrypt(tampered)


def test_old_key_still_opens_after_a_new_key_goes_first() -> None:
    old, keys = ring("k1")
    sealed_with_old = old.encrypt("value")
    new_key = new_aes_key()
    rotated = Keyring.parse(f"k2:{new_key},k1:{keys['k1']}")
    assert rotated.decrypt(sealed_with_old) == "value"
    assert rotated.encrypt("value").startswith("v1:k2:")
    without_old = Keyring.parse(f"k2:{new_key}")
    with pytest.raises(DecryptionError, match="k1"):
        without_old.decrypt(sealed_with_old)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "holds no key"),
        ("nokeyid", "must look like"),
        ("k1:not base64!!", "32 bytes|base64"),
        ("k1:" + base64.urlsafe_b64encode(b"short").decode(), "32 bytes"),
        (f"k1:{'A' * 43}=,k1:{'A' * 43}=", "repeats"),
    ],
)
def test_bad_key_settings_say_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        Keyring.parse(spec)


def test_blind_index_is_keyed_deterministic_and_separated_by_purpose(settings: Any) -> None:
    a = blind_index("boris@example.org", purpose="accounts.user.email")
    assert a == blind_index("boris@example.org", purpose="accounts.user.email")
    assert a != blind_index("boris@example.org", purpose="petitions.signature.email")
    assert "boris" not in a and len(a) == 64
    settings.VIGIL_BLIND_INDEX_KEY = new_aes_key()
    assert blind_index("boris@example.org", purpose="accounts.user.email") != a


def test_normalisers() -> None:
    assert normalise_email("  Boris.Suvorov@Example.ORG ") == "boris.suvorov@example.org"
    assert normalise_email("ｂｏｒｉｓ@example.org") == "boris@example.org"  # full-width letters
    assert normalise_text("  Борис   СУВОРОВ ") == "борис суворов"
    assert normalise_phone("+7 (095) 291-29-04") == "+70952912904"
    assert normalise_phone("095-291-29-04") == "0952912904"
