"""Issuing, checking and revoking personal API tokens: every write to ``ApiToken``.

A token is ``vigil_`` + 43 URL-safe characters (256 random bits).  Only its SHA-256 is kept;
the person who issues it sees it once.  A token acts for its owner and never for more than the
owner may do today: an owner who lost the staff role or was switched off stops every token.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.roles import BACK_OFFICE_ROLES

from .models import ApiToken, Scope

PREFIX = "vigil_"
MAX_LIFETIME = datetime.timedelta(days=366)
DEFAULT_LIFETIME = datetime.timedelta(days=90)
#: ``last_used_at`` is written at most this often per token: a busy integration would
#: otherwise write a row on every read.
LAST_USE_PRECISION = datetime.timedelta(minutes=1)


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def may_hold_tokens(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_role(*BACK_OFFICE_ROLES)
    )


def check(scopes: list[str], expires_at: datetime.datetime, now: datetime.datetime) -> None:
    errors: dict[str, str] = {}
    known = set(Scope.values)
    if not scopes or any(scope not in known for scope in scopes):
        errors["scopes"] = _("Choose at least one scope.")
    if expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = _("A token lives one year at most.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def issue(
    owner: Any,
    *,
    name: str,
    scopes: list[str],
    expires_at: datetime.datetime | None = None,
    per_minute: int = 120,
) -> tuple[ApiToken, str]:
    """A new token for ``owner``: the row and the token itself, which is not kept."""
    if not may_hold_tokens(owner):
        raise ValidationError(_("Only staff may hold API tokens."))
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_LIFETIME
    ordered = [scope for scope in Scope.values if scope in set(scopes)]
    check(ordered, expires_at, now)
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name.strip()[:100],
        prefix=raw[: len(PREFIX) + 8],
        digest=digest_of(raw),
        scopes=ordered,
        per_minute=max(1, per_minute),
        created_at=now,
        expires_at=expires_at,
    )
    return token, raw


def revoke(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@dataclass(frozen=True)
class Found:
    token: ApiToken | None
    #: "" when usable, else why not: "unknown", "expired", "revoked", "owner".
    problem: str = ""


def find(raw: str, *, now: datetime.datetime | None = None) -> Found:
    """The token presented, if it may be used now; notes its use (once a minute)."""
    now = now or timezone.now()
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return Found(None, "unknown")
    token = ApiToken.objects.select_related("owner").filter(digest=digest_of(raw)).first()
    if token is None:
        return Found(None, "unknown")
    if token.revoked_at is not None:
        return Found(None, "revoked")
    if token.expires_at <= now:
        return Found(None, "expired")
    if not may_hold_tokens(token.owner):
        return Found(None, "owner")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Found(token)
