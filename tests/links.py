"""Mailed row links (``vigil.core.tokens``) as the apps' tests handle them: tokens made the
way links were made before the one rule, and the failures a visitor may bring back."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from unittest import mock

from django.core import signing
from django.utils import timezone


def token_made_by_hand(salt: str, key: str, pk: int, prefix: str) -> str:
    """A token as the links were mailed before ``vigil.core.tokens``: they must still open."""
    return signing.TimestampSigner(salt=salt).sign_object({key: pk, "e": prefix})


def tampered(token: str) -> str:
    """The token with its signature's last two characters changed."""
    return token[:-2] + ("yy" if token.endswith("xx") else "xx")


@contextlib.contextmanager
def past(max_age: datetime.timedelta) -> Iterator[None]:
    """A minute after a link made now has expired."""
    later = timezone.now().timestamp() + max_age.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        yield
