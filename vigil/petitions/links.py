"""The links petitions mail to signers, made and checked, and the languages mails are written in.

A confirmation link names a signature, made and checked by the one rule for row links
(``vigil.core.tokens``); a "my data" link names a blind index.  Both expire after
:data:`LINK_MAX_AGE`.  A link that cannot be used raises :class:`LinkError`, which the views
turn into a page.  A confirmation link says only "invalid" (an expired one too: the page must
not tell a stranger whether an address signed); a "my data" link names no row, and says
"expired" when it is, so that the signer asks for a new one."""

from __future__ import annotations

import datetime

from django.core import signing

from vigil.core.tokens import RowLink, row_for_token, row_token

from .models import Signature

CONFIRM_SALT = "vigil.petitions.confirm"
DATA_SALT = "vigil.petitions.my-data"
#: How long the links in mail work.
LINK_MAX_AGE = datetime.timedelta(days=7)

CONFIRM_LINK = RowLink(salt=CONFIRM_SALT, key="s", max_age=LINK_MAX_AGE)

LANGUAGES = ("ru", "en")


class LinkError(Exception):
    """A link from a mail that cannot be used: ``code`` is "expired" or "invalid"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def confirmation_token(signature: Signature) -> str:
    return row_token(CONFIRM_LINK, signature)


def signature_for_token(token: str) -> Signature:
    """The signature a confirmation link names; LinkError("invalid") when it cannot be used,
    whatever the reason (``vigil.core.tokens``: expired, forged, erased look the same)."""
    signature = row_for_token(CONFIRM_LINK, token, Signature.objects.select_related("petition"))
    if signature is None:
        raise LinkError("invalid")
    return signature


def data_token(email_index: str) -> str:
    return signing.TimestampSigner(salt=DATA_SALT).sign_object({"i": email_index})


def index_for_data_token(token: str) -> str:
    try:
        data = signing.TimestampSigner(salt=DATA_SALT).unsign_object(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise LinkError("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("i"), str):
        raise LinkError("invalid")
    return str(data["i"])
