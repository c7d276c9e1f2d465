"""Delivery and retention: handing the signatures over, and emptying signers' data after it.

Delivery stops signing and starts the retention period; :func:`purge_petition_data` (the
command and the task of the same name) empties signers' personal data when it ends and keeps
the counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from vigil.core import throttle
from vigil.core.permissions import can

from .links import LINK_MAX_AGE
from .models import PaperBatch, Petition, Signature
from .privacy import _anonymise


@transaction.atomic
def mark_delivered(petition: Petition, *, by: Any) -> Petition:
    """The signatures were handed over: signing stops and the retention period starts."""
    if not can(by, "petitions.deliver_petition", petition):
        raise PermissionDenied("petitions.deliver_petition")
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    if locked.delivered_at is None:
        locked.delivered_at = timezone.now()
        locked.save(update_fields=["delivered_at"])
    petition.delivered_at = locked.delivered_at
    return petition


@dataclass
class Purged:
    petitions: int = 0
    signatures: int = 0
    unconfirmed_deleted: int = 0
    scans_deleted: int = 0


def purge_petition_data(*, now: datetime.datetime | None = None) -> Purged:
    """Empty signers' personal data ``VIGIL_PETITION_RETENTION_DAYS`` after delivery; the
    counts stay.  Signatures never confirmed are deleted once their link has expired.

    Each petition is its own transaction, so a long purge never holds one big lock.
    """
    now = now or timezone.now()
    days = int(getattr(settings, "VIGIL_PETITION_RETENTION_DAYS", 90))
    report = Purged()
    throttle.sweep()
    report.unconfirmed_deleted = Signature.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - LINK_MAX_AGE
    ).delete()[0]
    due = Petition.objects.filter(
        delivered_at__isnull=False,
        delivered_at__lte=now - datetime.timedelta(days=days),
        purged_at__isnull=True,
    )
    for petition in due:
        with transaction.atomic():
            Signature.objects.filter(petition=petition, confirmed_at__isnull=True).delete()
            report.signatures += _anonymise(
                Signature.objects.filter(petition=petition, purged_at__isnull=True), now
            )
            for batch in PaperBatch.objects.filter(petition=petition).exclude(scan=""):
                PaperBatch.objects.filter(pk=batch.pk).update(scan="")
                transaction.on_commit(partial(batch.scan.storage.delete, batch.scan.name or ""))
                report.scans_deleted += 1
            Petition.objects.filter(pk=petition.pk).update(purged_at=now)
            report.petitions += 1
    return report
