"""Paper signatures: a group's count of signatures collected on paper, with its scanned list.

The scan is checked by its first bytes, not its name, and kept in private storage (served
only through a view that checks the permission)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core.permissions import can

from .models import PaperBatch, Petition

#: Scanned paper lists: PDF, JPEG or PNG, recognised by their first bytes, not their name.
SCAN_TYPES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_SCAN_BYTES = 20 * 1024 * 1024


def validate_scan(upload: UploadedFile) -> None:
    name = (upload.name or "").lower()
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in SCAN_TYPES:
        raise ValidationError(
            {"scan": [_("The scanned list must be a PDF, JPEG or PNG file.")]}, code="type"
        )
    if upload.size is None or upload.size > MAX_SCAN_BYTES:
        raise ValidationError(
            {"scan": [_("The scanned list is too large: at most 20 MB.")]}, code="size"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in SCAN_TYPES[suffix]):
        raise ValidationError(
            {"scan": [_("This file is not really a PDF, JPEG or PNG file.")]}, code="type"
        )


@transaction.atomic
def add_paper_batch(
    petition: Petition,
    *,
    by: Any,
    group: Any,
    count: int,
    collected_on: datetime.date,
    scan: UploadedFile | None = None,
) -> PaperBatch:
    """A group's paper signatures; the coordinator of that group (or staff) enters them."""
    if not can(by, "petitions.enter_paper_for_group", group):
        raise PermissionDenied("petitions.enter_paper_for_group")
    if petition.delivered_at is not None:
        raise ValidationError(
            _("This petition has been delivered: no more signatures can be added."),
            code="delivered",
        )
    errors: dict[str, list[str]] = {}
    if count < 1:
        errors["count"] = [_("Enter how many people signed: at least one.")]
    if collected_on > timezone.localdate():
        errors["collected_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    if scan is not None:
        validate_scan(scan)
    batch = PaperBatch(
        petition=petition,
        group=group,
        count=count,
        collected_on=collected_on,
        entered_by=by if getattr(by, "pk", None) else None,
    )
    if scan is not None:
        batch.scan.save(scan.name or "scan", scan, save=False)
        stored = batch.scan.name
        try:
            batch.save()
        except Exception:
            # The insert failed: the file is not left behind.
            if stored:
                batch.scan.storage.delete(stored)
            raise
    else:
        batch.save()
    return batch
