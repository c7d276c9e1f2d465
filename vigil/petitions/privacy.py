"""A signer's own data: the mailed link to their copy, and erasing what they gave.

The link goes only to the address itself, and the page that asks for it says the same
whether or not the address signed anything."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from vigil.core.crypto import normalise_email
from vigil.core.fields import blind_index_for
from vigil.core.i18n import mail_language
from vigil.core.links import absolute_url
from vigil.core.mail import render_mail
from vigil.core.tasks import queue_email

from .links import LINK_MAX_AGE, data_token
from .models import Signature


def request_my_data(*, email: str, language: str, base_url: str) -> None:
    """Mail a link to the copy and the erasure page, if this address signed anything.

    The page says the same either way: it does not tell who signed what.  The view's limit
    (``my-data``, per address too) keeps the form from bombing a mailbox.
    """
    index = blind_index_for(Signature, "email_index", normalise_email(email))
    if index is None or not Signature.objects.filter(email_index=index).exists():
        return
    with translation.override(mail_language(language)):
        context = {
            "url": absolute_url(reverse("petitions:my_data", args=[data_token(index)]), base_url),
            "days": LINK_MAX_AGE.days,
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject, body = render_mail("petitions/mail/data", context)
    queue_email(to=[normalise_email(email)], subject=subject, body=body)


@transaction.atomic
def erase_my_data(email_index: str) -> int:
    """Erase what a signer gave.  A signature already handed to its target stays counted,
    emptied of everything personal; any other is withdrawn (deleted)."""
    rows = list(Signature.objects.select_related("petition").filter(email_index=email_index))
    now = timezone.now()
    for row in rows:
        if row.petition.delivered_at is not None and row.confirmed_at is not None:
            _anonymise(Signature.objects.filter(pk=row.pk), now)
        else:
            row.delete()
    return len(rows)


def _anonymise(signatures: Any, now: datetime.datetime) -> int:
    return int(
        signatures.update(
            name="", email="", email_index=None, country="", city="", phone="", purged_at=now
        )
    )
