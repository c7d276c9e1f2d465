"""Every write of the campaigns app: saving a campaign, its picture, and its status.

A hero picture is re-encoded on the way in: a photograph taken at a protest can carry the
place and the camera in its metadata, and that must not reach the public site.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Campaign, Partnership

MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: Larger pictures are scaled down to this many pixels on their longest side.
MAX_IMAGE_SIDE = 2400
#: Refuse decompression bombs long before Pillow's own (much higher) limit.
MAX_IMAGE_PIXELS = 40_000_000
#: Pillow format → what the picture is saved as.
FORMATS = {"JPEG": ("JPEG", ".jpg"), "PNG": ("PNG", ".png"), "WEBP": ("WEBP", ".webp")}


def clean_hero_image(upload: Any) -> ContentFile[bytes]:
    """The uploaded picture, checked and re-encoded without its metadata (EXIF, GPS, XMP,
    comments), turned upright and scaled down; or ValidationError saying why not."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationError(_("The picture is larger than 5 MB."), code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format or ""
            width, height = probe.size
        if kind not in FORMATS:
            raise ValidationError(_("Upload a JPEG, PNG or WebP picture."), code="format")
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(_("The picture has too many pixels."), code="too_many_pixels")
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This file is not a picture we can read."), code="bad") from exc
    upright.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    pillow_format, suffix = FORMATS[kind]
    if pillow_format == "JPEG" and upright.mode not in {"RGB", "L"}:
        upright = upright.convert("RGB")
    elif upright.mode not in {"RGB", "RGBA", "L", "LA"}:
        upright = upright.convert("RGBA")  # palettes and their transparency, as plain pixels
    # A fresh image carries only pixels: no info dict, EXIF, XMP, text chunks or comments.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 85} if pillow_format in {"JPEG", "WEBP"} else {}
    clean.save(out, pillow_format, **options)
    return ContentFile(out.getvalue(), name=f"hero{suffix}")


def save_campaign(campaign: Campaign, actor: Any = None) -> Campaign:
    """Validate and save.  A replaced or removed picture's old file is deleted after the
    commit, so a failed save never loses the picture still in use."""
    campaign.full_clean()
    old_name = ""
    if campaign.pk:
        old_name = (
            Campaign.objects.filter(pk=campaign.pk).values_list("hero_image", flat=True).first()
            or ""
        )
    if campaign.created_by_id is None and getattr(actor, "is_authenticated", False):
        campaign.created_by = actor
    with transaction.atomic():
        campaign.save()
    new_name = campaign.hero_image.name or ""
    if old_name and old_name != new_name:
        storage = campaign.hero_image.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return campaign


def set_status(campaign: Campaign, status: str) -> Campaign:
    """Publish (active), end or withdraw (draft) a campaign.  Ending one that has no end
    date, or one that would end later, sets the end date to now."""
    if status not in Campaign.Status.values:
        raise ValidationError(_("Unknown status."), code="status")
    campaign.status = status
    fields = ["status", "updated_at"]
    now = timezone.now()
    if status == Campaign.Status.ENDED and (campaign.ends_at is None or campaign.ends_at > now):
        campaign.ends_at = max(now, campaign.starts_at + datetime.timedelta(seconds=1))
        fields.append("ends_at")
    campaign.save(update_fields=fields)
    return campaign


# --- partners ------------------------------------------------------------------------------
def check_partner_contact(organisation: Any, contact: Any) -> None:
    """A partnership's contact person is one of the partner's own contacts in the directory."""
    if (
        contact is not None
        and organisation is not None
        and contact.organisation_id != organisation.pk
    ):
        raise ValidationError(
            _("Choose a contact person of this organisation."), code="foreign_contact"
        )


@transaction.atomic
def save_partnership(
    campaign: Campaign, organisation: Any, *, role: str, contact: Any = None, note: str = ""
) -> Partnership:
    """Make ``organisation`` a partner of ``campaign`` in ``role``, or update the partnership."""
    if role not in Partnership.Role.values:
        raise ValidationError(_("Choose the partner's role."), code="role")
    check_partner_contact(organisation, contact)
    partnership, _created = Partnership.objects.update_or_create(
        campaign=campaign,
        organisation=organisation,
        defaults={"role": role, "contact": contact, "note": note.strip()},
    )
    return partnership


def remove_partnership(partnership: Partnership) -> None:
    partnership.delete()
