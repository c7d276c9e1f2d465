"""The one rule for mailed links that name a row: the format, every refusal alike, one place.

The rows here are accounts (any model with an ``email_index`` does); the petitions, events
and partners tests show that links mailed before the rule moved here still open."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from vigil.accounts.models import User
from vigil.core.tokens import RowLink, row_for_token, row_token

LINK = RowLink(salt="vigil.tests.row-link", key="u", max_age=datetime.timedelta(hours=1))


def _signed(payload: Any, salt: str = LINK.salt) -> str:
    """A token signed with the site's key, as only the site can make one."""
    return signing.TimestampSigner(salt=salt).sign_object(payload)


def test_the_format_is_the_one_links_were_mailed_with(make_user: Callable[..., User]) -> None:
    user = make_user()
    assert user.email_index
    with mock.patch("django.core.signing.time.time", return_value=1_800_000_000):
        made = row_token(LINK, user)
        by_hand = _signed({"u": user.pk, "e": user.email_index[:16]})
    assert made == by_hand
    assert row_for_token(LINK, by_hand, User.objects.all()) == user


def test_every_refusal_is_the_same_none(make_user: Callable[..., User]) -> None:
    user, other = make_user(), make_user()
    rows = User.objects.all()
    token = row_token(LINK, user)
    assert row_for_token(LINK, token, rows) == user
    prefix = str(user.email_index)[:16]
    later = timezone.now().timestamp() + LINK.max_age.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert row_for_token(LINK, token, rows) is None  # expired
    refused = [
        token[:-2] + ("xx" if not token.endswith("xx") else "yy"),  # tampered
        token.replace(":", "", 1),  # cut
        "",
        "not a token",
        "ключ:подпись",  # not ASCII
        _signed({"u": user.pk, "e": prefix}, salt="vigil.tests.another-link"),
        signing.Signer(salt=LINK.salt).sign_object({"u": user.pk, "e": prefix}),  # no time
        _signed({"u": other.pk, "e": prefix}),  # another row
        _signed({"u": user.pk, "e": str(other.email_index)[:16]}),  # another address
        _signed({"u": user.pk + 10_000, "e": prefix}),  # no such row
        _signed({"u": str(user.pk), "e": prefix}),
        _signed({"u": True, "e": prefix}),
        _signed({"u": user.pk}),
        _signed({"u": user.pk, "e": None}),
        _signed([user.pk, prefix]),
        _signed("plain"),
    ]
    assert [row_for_token(LINK, each, rows) for each in refused] == [None] * len(refused)
    assert row_for_token(LINK, token, rows.exclude(pk=user.pk)) is None  # not the caller's row


def test_a_link_stops_when_the_address_changes_or_is_erased(
    make_user: Callable[..., User],
) -> None:
    user = make_user("before@example.org")
    token = row_token(LINK, user)
    user.email = "after@example.org"
    user.save()
    assert row_for_token(LINK, token, User.objects.all()) is None
    user.email = "before@example.org"
    user.save()
    assert row_for_token(LINK, token, User.objects.all()) == user  # the same address again
    User.objects.filter(pk=user.pk).update(email_index=None)
    assert row_for_token(LINK, token, User.objects.all()) is None
    # An erased row's own empty prefix does not open it either.
    assert row_for_token(LINK, _signed({"u": user.pk, "e": ""}), User.objects.all()) is None


# --- the guard ------------------------------------------------------------------------------
#: Where the rule may be spelled out: the rule itself.
OWN = "core/tokens.py"
#: Spelling the rule out again: cutting a blind index, signing a payload that carries an
#: index under "e", or reading "e" back.  (The events cancel link's "e" is an event id.)
PATTERNS = (
    re.compile(r"email_index\b[^\n]*\[\s*:\s*\w+\s*\]"),
    re.compile(r"sign_object\(\s*\{[^}]*[\"']e[\"']\s*:[^}]*index"),
    re.compile(r"\.get\(\s*[\"']e[\"']\s*\)"),
)
#: How the three copies spelled it before ``vigil.core.tokens``; the guard must catch each.
OLD_COPIES = (
    "signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(\n"
    '    {"s": signature.pk, "e": (signature.email_index or "")[:16]}\n)',
    'if rsvp is None or (rsvp.email_index or "")[:16] != data.get("e"):',
    'if invitation is None or (invitation.email_index or "")[:16] != data.get("e"):',
)


def _spelt_out(text: str) -> list[str]:
    return [m.group(0) for pattern in PATTERNS for m in pattern.finditer(text)]


@pytest.mark.parametrize("copy", OLD_COPIES)
def test_the_guard_catches_the_old_copies(copy: str) -> None:
    assert _spelt_out(copy)


def test_no_module_writes_the_row_link_rule_again() -> None:
    """A rule lives in one place: three copies of it caught different errors, and a fourth
    could forget the address check (a link that outlives an address change) or say why a
    link failed (telling a stranger whether an address signed, joined or attends)."""
    root = Path(__file__).resolve().parents[2] / "vigil"
    found = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative == OWN:
            continue
        found += [f"{relative}: {hit}" for hit in _spelt_out(path.read_text())]
    assert found == []
