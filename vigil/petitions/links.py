"""The links petitions mail to signers, made and checked, and the languages mails are written in.

A confirmation link names a signature, a "my data" link a blind index; both are
``TimestampSigner`` tokens that expire after :data:`LINK_MAX_AGE`.  A link that cannot be used
raises :class:`LinkError`, which the views turn into a page that says why."""

from __future__ import annotations

import datetime

from django.core import signing

from .models import Signature

CONFIRM_SALT = "vigil.petitions.confirm"
DATA_SALT = "vigil.petitions.my-data"
#: How long the links in mail work.
LINK_MAX_AGE = datetime.timedelta(days=7)

LANGUAGES = ("ru", "en")


class LinkError(Exception):
    """A link from a mail that cannot be used: ``code`` is "expired" or "invalid"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def confirmation_token(signature: Signature) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        {"s": signature.pk, "e": (signature.email_index or "")[:16]}
    )


def signature_for_token(token: str) -> Signature:
    """The signature a confirmation link names; LinkError when expired, forged or erased."""
    try:
        data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except (signing.BadSignature, ValueError, UnicodeError):
        raise LinkError("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise LinkError("invalid")
    signature = Signature.objects.select_related("petition").filter(pk=data["s"]).first()
    if signature is None or (signature.email_index or "")[:16] != data.get("e"):
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
