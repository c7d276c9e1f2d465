"""Where Django's messages are kept between a POST and the page after it: a signed cookie,
the session for what does not fit (Django's ``FallbackStorage``), with the cookie's value
remembered for the messages it has already encoded.

Every signer is thanked with the same sentence, so the cookie that carries it is the same for
each of them (signed, not timestamped): serialising, compressing, signing and measuring it
again on every signature was a measurable part of signing's CPU.  The value (and which
messages do not fit in it) is a function of the messages, the size limit and the signing
key alone, so remembering it changes nothing a visitor can see or forge."""

from __future__ import annotations

from typing import Any

from django.contrib.messages.storage.base import BaseStorage, Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing
from django.http import HttpResponseBase
from django.utils.safestring import SafeData

from .memo import ProcessMemo

#: How many distinct cookie values a process keeps: every message of the site fits easily.
REMEMBERED = 256

_encoded: ProcessMemo[tuple[Any, ...], str | None] = ProcessMemo(
    "core.message_storage.cookies",
    keeps="the signed cookie value of each list of messages, per signing key",
    bound=REMEMBERED,
)


_stored: ProcessMemo[tuple[Any, ...], tuple[str | None, int]] = ProcessMemo(
    "core.message_storage.stored",
    keeps="the cookie value of each list of messages and how many of them it leaves out",
    bound=REMEMBERED,
)


_signers: ProcessMemo[str, Any] = ProcessMemo(
    "core.message_storage.signers",
    keeps="the cookie signer of each salt, made from the secret key settings",
    bound=4,
)


class RememberingCookieStorage(CookieStorage):
    """Django's cookie storage, computing each distinct cookie value once per process."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django's makes a signer per request; one holds nothing but the settings' keys.
        BaseStorage.__init__(self, *args, **kwargs)
        signer = _signers.get(self.key_salt)
        if signer is None:
            signer = _signers[self.key_salt] = signing.get_cookie_signer(salt=self.key_salt)
        self.signer = signer

    def _store(
        self,
        messages: list[Message],
        response: HttpResponseBase,
        remove_oldest: bool = True,
        *args: Any,
        **kwargs: Any,
    ) -> list[Message]:
        """Django's ``_store``, its outcome remembered per list of (prepared) messages: the
        cookie's value and how many messages, oldest or newest, it has no room for."""
        key = (
            self.signer.key,
            self.max_cookie_size,
            remove_oldest,
            *(
                (m.level, m.message, m.extra_tags, isinstance(m.message, SafeData))
                for m in messages
            ),
        )
        known = _stored.get(key)
        if known is None:
            self._encoded_now: str | None = None
            left = super()._store(messages, response, remove_oldest, *args, **kwargs)  # type: ignore[misc]
            _stored[key] = (self._encoded_now, len(left))
            return list(left)
        value, count = known
        super()._update_cookie(value, response)  # type: ignore[misc]
        if not count:
            return []
        return messages[:count] if remove_oldest else messages[len(messages) - count :]

    def _update_cookie(self, encoded_data: str | None, response: HttpResponseBase) -> None:
        self._encoded_now = encoded_data
        super()._update_cookie(encoded_data, response)  # type: ignore[misc]

    def _encode_parts(self, messages: Any, encode_empty: bool = False) -> str | None:
        key = (self.signer.key, encode_empty, *messages)
        value = _encoded.get(key)
        if value is None:
            value = super()._encode_parts(messages, encode_empty)  # type: ignore[misc]
            _encoded[key] = value
        return value


class MessageStorage(FallbackStorage):
    """The setting's ``MESSAGE_STORAGE``: the cookie first, then the session."""

    storage_classes = (RememberingCookieStorage, SessionStorage)
