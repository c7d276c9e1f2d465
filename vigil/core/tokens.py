"""The one rule for the tokens in mailed links that name a row: made here, checked here.

A petition's confirmation link, a visitor's event reply and a roundtable invitation each mail
a link whose token is a ``TimestampSigner`` object ``{<key>: <row id>, "e": <the first
16 characters of the row's e-mail blind index>}``.  Why each part:

* The signature and the timestamp: nobody can make a link for a row, and a link stops
  working after the link's ``max_age``.
* The index prefix: a link stops working when the row's address changes, and when the row is
  erased (its index is emptied), though the row id stays the same.  Sixteen characters of
  the keyed index tell one address from another and keep the link short.

A link that cannot be used gives ``None`` whatever the reason: forged, tampered, expired,
another salt, a deleted row, an erased row or a changed address.  The visitor must not be
able to tell these apart, so no answer reveals whether an address signed, joined or
attends; the pages say "not valid, or too old" once.

Each use is one :class:`RowLink` (salt, key, lifetime), so the maker and the checker cannot
drift apart.  Changing a salt, a key or the format makes every link already mailed invalid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.db.models import Model, QuerySet
from django.utils.crypto import constant_time_compare

#: How much of the blind index a link carries.
INDEX_PREFIX = 16


@dataclass(frozen=True)
class RowLink:
    """One kind of mailed link: its signing salt, the payload key for the row id, its lifetime."""

    salt: str
    key: str
    max_age: datetime.timedelta


def _index_prefix(row: Model) -> str:
    return str(getattr(row, "email_index", None) or "")[:INDEX_PREFIX]


def row_token(link: RowLink, row: Model) -> str:
    """The token for ``row``'s link (its id and its address's index prefix, signed now)."""
    return signing.TimestampSigner(salt=link.salt).sign_object(
        {link.key: row.pk, "e": _index_prefix(row)}
    )


def row_for_token[M: Model](link: RowLink, token: str, rows: QuerySet[M]) -> M | None:
    """The row of ``rows`` that ``token`` names while the link is valid, else ``None``.

    ``rows`` carries the caller's ``select_related``; every refusal is the same ``None``."""
    try:
        data = signing.TimestampSigner(salt=link.salt).unsign_object(token, max_age=link.max_age)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        # BadSignature covers SignatureExpired; the others come from a payload that is signed
        # but malformed.
        return None
    if not isinstance(data, dict):
        return None
    pk, prefix = data.get(link.key), data.get("e")
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(prefix, str):
        return None
    row = rows.filter(pk=pk).first()
    if row is None:
        return None
    current = _index_prefix(row)
    # An erased row has no index: its link stops working even if the token's prefix is empty.
    if not current or not constant_time_compare(current, prefix):
        return None
    return row
