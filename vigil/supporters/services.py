"""Becoming a supporter: a light account (name, confirmed e-mail, country, language).

The sign-up page answers the same whatever the address: whether it already has an account
is told only to the mailbox.  A new address gets an account that cannot be used yet (no
password) and a link; following the link shows the details again (someone else may have
typed them), sets the password and signs the person in.  An address that already has an
account gets a reminder to sign in instead, and a closed account gets nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.accounts import links
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role, create_user
from vigil.cases.countries import validate_country
from vigil.core.crypto import blind_index, normalise_email
from vigil.core.i18n import mail_language
from vigil.core.links import absolute_url
from vigil.core.mail import render_mail
from vigil.core.tasks import queue_email


def is_pending(user: User) -> bool:
    """A supporter account whose address has not been confirmed yet."""
    return (
        user.is_active
        and not user.has_usable_password()
        and user.last_login is None
        and user.has_role(Role.SUPPORTER)
    )


def _mail(user: User, template: str, context: dict[str, Any]) -> None:
    """One mail to the account's own address, in its language, once the transaction commits
    (``sign_up`` limits the mails to an address that already has an account)."""
    with translation.override(user.language):
        context = {"brand_name": settings.VIGIL_SITE_NAME, "user": user, **context}
        subject, body = render_mail(f"supporters/email/{template}", context)
    to = [user.email]
    transaction.on_commit(lambda: queue_email(to=to, subject=subject, body=body))


def _check(country: str, name: str) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Tell us your name.")]
    try:
        validate_country(country)
    except ValidationError as error:
        errors["country"] = list(error.messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def sign_up(
    *, name: str, email: str, country: str, language: str, base_url: str | None = None
) -> None:
    """Open a supporter account for ``email``, or remind its owner; the caller learns nothing."""
    _check(country, name)
    email = User.objects.normalize_email(email.strip())
    language = mail_language(language)
    user = User.objects.get_by_email(email)
    if user is None:
        try:
            with transaction.atomic():
                user = create_user(
                    email=email, name=name.strip(), language=language, country=country
                )
                assign_role(user, Role.SUPPORTER)
        except ValidationError:
            return  # the same address, signed up by a request running beside this one
    elif not user.is_active:
        return  # a closed account: nothing is sent
    elif not _may_mail_again(email):
        return  # this mailbox has had its share of mails from the form for now
    elif is_pending(user):
        # Not confirmed yet: the latest details stand (the link shows them for a check).
        user.name, user.country, user.language = name.strip(), country, language
        user.save(update_fields=["name", "country", "language", "email_index"])
    else:
        with translation.override(user.language):
            sign_in = absolute_url(reverse("accounts:login"), base_url)
            reset = absolute_url(reverse("accounts:password_reset"), base_url)
        _mail(user, "already", {"sign_in": sign_in, "reset": reset})
        return
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    url = links.account_link(user, "supporters:confirm", language=user.language, base_url=base_url)
    _mail(user, "confirm", {"url": url, "valid_days": days})


def _may_mail_again(email: str) -> bool:
    """Mails to an address that already has an account are limited per address, so that the
    form cannot be used to fill someone's mailbox (``petitions.mailbox``, until the one
    throttle of vigil.core serves every form)."""
    from vigil.petitions.mailbox import may_mail

    index = blind_index(normalise_email(email), purpose="supporters.sign_up")
    return may_mail(index, scope="supporters")


def user_from_link(uidb64: str, token: str) -> User | None:
    """The pending supporter a confirmation link names, or None for a used or forged link."""
    user = links.user_from_link(uidb64, token)
    return user if user is not None and is_pending(user) else None


@transaction.atomic
def confirm(user: User, *, name: str, country: str, language: str, password: str) -> User:
    """The mailbox's owner confirms: their details, a password; the link stops working."""
    _check(country, name)
    user.name, user.country, user.language = name.strip(), country, mail_language(language)
    user.set_password(password)
    user.save()
    return user


def declare_country(user: User, country: str) -> User:
    """The signed-in person says which country they live in (the own-country rule reads it)."""
    try:
        validate_country(country)
    except ValidationError as error:
        raise ValidationError({"country": list(error.messages)}) from None
    user.country = country
    user.save(update_fields=["country", "email_index"])
    return user
