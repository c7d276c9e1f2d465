"""Where Django's messages are kept between a POST and the page after it: a signed cookie,
the session for what does not fit (Django's ``FallbackStorage``), with the cookie's value
remembered for the messages it has already encoded.

Every signer is thanked with the same sentence, so the cookie that carries it is the same for
each of them (signed, not timestamped): compressing and signing it again on every signature
was a measurable part of signing's CPU.  The value is a function of the messages and the
signing key alone, so remembering it changes nothing a visitor can see or forge."""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage

from .memo import ProcessMemo

#: How many distinct cookie values a process keeps: every message of the site fits easily.
REMEMBERED = 256

_encoded: ProcessMemo[tuple[Any, ...], str | None] = ProcessMemo(
    "core.message_storage.cookies",
    keeps="the signed cookie value of each list of messages, per signing key",
    bound=REMEMBERED,
)


class RememberingCookieStorage(CookieStorage):
    """Django's cookie storage, computing each distinct cookie value once per process."""

    def _encode_parts(self, messages: Any, encode_empty: bool = False) -> str | None:
        key = (self.signer.key, encode_empty, *messages)  # type: ignore[attr-defined]
        value = _encoded.get(key)
        if value is None:
            value = super()._encode_parts(messages, encode_empty)  # type: ignore[misc]
            _encoded[key] = value
        return value


class MessageStorage(FallbackStorage):
    """The setting's ``MESSAGE_STORAGE``: the cookie first, then the session."""

    storage_classes = (RememberingCookieStorage, SessionStorage)
