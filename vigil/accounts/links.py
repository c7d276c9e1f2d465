"""Links that let the owner of an account's mailbox act on it without signing in.

A link carries the account's id and a token of Django's password-reset generator, so it expires
after ``PASSWORD_RESET_TIMEOUT`` and stops working once the password or the last sign-in
changes: a confirmation or an invitation works once.  Supporters' confirmation and groups'
invitation to choose a password are both made here, and checked by :func:`user_from_link`.
"""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from vigil.core.links import absolute_url

from .models import User


def account_link(user: User, url_name: str, *, language: str, base_url: str | None = None) -> str:
    """The absolute address of ``url_name`` (a pattern taking ``uidb64`` and ``token``) for
    ``user``, in ``language``; ``base_url`` defaults to ``VIGIL_BASE_URL`` (mail sent without a
    request)."""
    with translation.override(language):
        path = reverse(
            url_name,
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    return absolute_url(path, base_url)


def user_from_link(uidb64: str, token: str) -> User | None:
    """The account a link from :func:`account_link` names, or None for a used, expired or
    forged link."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        return None
    return user if default_token_generator.check_token(user, token) else None
