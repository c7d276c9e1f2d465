"""Sending the confirmation mails that signing left owed (``Signature.mail_due_at``).

The signature row is its mail's outbox: :mod:`.services` marks the mail owed and queues the
batch task; the worker's :func:`send_due_confirmations` claims owed rows under a lease, writes
each mail from its row (the queue holds nothing personal) and sends a batch over one SMTP
connection."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from vigil.core.links import absolute_url
from vigil.core.mail import render_mail

from .links import LINK_MAX_AGE, confirmation_token
from .models import Signature

#: How long a worker holds the rows of a batch it claimed.  A worker killed mid-batch leaves
#: them due again after this: a confirmation may then arrive twice, never not at all.
MAIL_LEASE = datetime.timedelta(minutes=10)
MAIL_BATCH = 100


def send_due_confirmations(*, batch: int = MAIL_BATCH) -> int:
    """Send every confirmation mail that is owed, a batch per SMTP connection; the count sent.

    A batch is claimed in a short transaction (its rows' due time moved a lease ahead; on
    PostgreSQL, rows another worker holds are skipped), sent, then cleared only where the due
    time is still the lease: someone signing again meanwhile is mailed again."""
    sent = 0
    while True:
        lease, ids = _claim_due_confirmations(batch)
        if not ids:
            return sent
        sent += _send_claimed(lease, ids)


def _claim_due_confirmations(batch: int) -> tuple[datetime.datetime, list[int]]:
    now = timezone.now()
    lease = now + MAIL_LEASE
    with transaction.atomic():
        ids = list(
            Signature.objects.filter(mail_due_at__lte=now)
            .order_by("mail_due_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch]
        )
        if ids:
            Signature.objects.filter(pk__in=ids).update(mail_due_at=lease)
    return lease, ids


def _send_claimed(lease: datetime.datetime, ids: list[int]) -> int:
    """Mail a claimed batch over one connection; a signature confirmed or purged meanwhile
    is skipped.  An SMTP failure raises and leaves the batch to the lease's end."""
    claimed = list(
        Signature.objects.select_related("petition").filter(pk__in=ids, mail_due_at=lease)
    )
    messages = []
    for signature in claimed:
        if signature.confirmed_at is None and signature.purged_at is None and signature.email:
            subject, body = confirmation_mail(signature)
            messages.append(EmailMessage(subject=subject, body=body, to=[str(signature.email)]))
    if messages:
        with mailers.default as mailer:
            mailer.send_messages(messages)
    Signature.objects.filter(pk__in=[s.pk for s in claimed], mail_due_at=lease).update(
        mail_due_at=None
    )
    return len(messages)


def confirmation_mail(signature: Signature, base_url: str = "") -> tuple[str, str]:
    """Subject and body of the confirmation mail, in the language the person signed in.

    Written by the worker, outside any request: the link uses ``VIGIL_BASE_URL``."""
    with translation.override(signature.language):
        context = {
            "petition": signature.petition,
            "name": signature.name,
            "confirm_url": absolute_url(
                reverse("petitions:confirm", args=[confirmation_token(signature)]), base_url
            ),
            "days": LINK_MAX_AGE.days,
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject, body = render_mail("petitions/mail/confirm", context)
    return subject, body
