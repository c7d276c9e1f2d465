"""Encryption at rest for what identifies a person, and keyed blind indexes to find it again.

* Values are sealed with AES-256-GCM.  The stored form is ``v1:<key id>:<base64 nonce+ciphertext>``;
  the key id lets old rows be read after a new key is put first (``vigil keys rotate`` then
  re-encrypts them).
* A blind index is HMAC-SHA256 of the *normalised* value under a separate key: equal e-mails give
  equal indexes, so they can be looked up and de-duplicated without decrypting anything, and the
  index says nothing about the value to someone without the key.

Keys come from settings (``VIGIL_ENCRYPTION_KEYS``, ``VIGIL_BLIND_INDEX_KEY``), never from the code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .memo import memoised

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be opened: unknown key id, wrong key or tampered data."""


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    keys: dict[str, AESGCM]

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        keys: dict[str, AESGCM] = {}
        order: list[str] = []
        for item in (part.strip() for part in spec.split(",")):
            if not item:
                continue
            key_id, sep, encoded = item.partition(":")
            if not sep or not key_id or not key_id.isalnum():
                raise ImproperlyConfigured(
                    "VIGIL_ENCRYPTION_KEYS entries must look like 'k2:<base64 of 32 bytes>'"
                )
            try:
                raw = base64.urlsafe_b64decode(encoded.encode())
            except (binascii.Error, ValueError):
                raise ImproperlyConfigured(
                    f"VIGIL_ENCRYPTION_KEYS: key {key_id!r} is not valid base64"
                ) from None
            if len(raw) != 32:
                raise ImproperlyConfigured(
                    f"VIGIL_ENCRYPTION_KEYS: key {key_id!r} must be 32 bytes, not {len(raw)}"
                )
            if key_id in keys:
                raise ImproperlyConfigured(f"VIGIL_ENCRYPTION_KEYS: key id {key_id!r} repeats")
            keys[key_id] = AESGCM(raw)
            order.append(key_id)
        if not order:
            raise ImproperlyConfigured("VIGIL_ENCRYPTION_KEYS holds no key")
        return cls(primary_id=order[0], keys=keys)

    def encrypt(self, plaintext: str, *, associated_data: bytes = b"") -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.keys[self.primary_id].encrypt(nonce, plaintext.encode(), associated_data)
        token = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{PREFIX}:{self.primary_id}:{token}"

    def decrypt(self, stored: str, *, associated_data: bytes = b"") -> str:
        try:
            prefix, key_id, token = stored.split(":", 2)
        except ValueError:
            raise DecryptionError("not an encrypted value") from None
        if prefix != PREFIX:
            raise DecryptionError(f"unknown format {prefix!r}")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"no key with id {key_id!r} in VIGIL_ENCRYPTION_KEYS")
        try:
            blob = base64.urlsafe_b64decode(token.encode())
            return key.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated_data).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError(f"value sealed with key {key_id!r} does not open") from None

    def key_id_of(self, stored: str) -> str | None:
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


@memoised("core.crypto.keyring", keeps="the keyring parsed from each key setting", bound=8)
def _keyring(spec: str) -> Keyring:
    return Keyring.parse(spec)


def keyring() -> Keyring:
    return _keyring(settings.VIGIL_ENCRYPTION_KEYS)


@memoised("core.crypto.blind_key", keeps="the blind-index key decoded from its setting", bound=8)
def parse_blind_key(encoded: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(encoded.encode())
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured("VIGIL_BLIND_INDEX_KEY is not valid base64") from None
    if len(raw) < 32:
        raise ImproperlyConfigured("VIGIL_BLIND_INDEX_KEY must hold at least 32 bytes")
    return raw


def blind_index(normalised: str, *, purpose: str) -> str:
    """HMAC of an already-normalised value; ``purpose`` keeps indexes of different kinds apart."""
    key = parse_blind_key(settings.VIGIL_BLIND_INDEX_KEY)
    message = purpose.encode() + b"\x00" + normalised.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def normalise_email(value: str) -> str:
    """One form per mailbox: trimmed, NFKC, lower-cased (domains and, in practice, local parts)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def normalise_text(value: str) -> str:
    """Names and other free text: NFKC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def normalise_phone(value: str) -> str:
    """Digits only, with a leading + kept: '+7 (095) 291-29-04' -> '+70952912904'."""
    stripped = value.strip()
    digits = "".join(ch for ch in stripped if ch.isdigit())
    return ("+" if stripped.startswith("+") else "") + digits
