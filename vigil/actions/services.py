"""Writes and rules for petitions: signing, confirming, paper batches, delivery, privacy.

Signing is one short transaction: look the address up by its blind index, insert one row.
The confirmation mail is queued only when it commits (``transaction.on_commit``), so a
refused or rolled-back signature mails nobody.  Rate limits live in Django's cache (Redis in
the PostgreSQL mode, the database cache in the embedded one) and run before the transaction.
A burst is never dropped in silence: within limits it is kept and flagged for staff; past the
hard limit the visitor is told to wait.
"""

from __future__ import annotations

import datetime
import ipaddress
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core.crypto import normalise_email
from vigil.core.fields import blind_index_for
from vigil.core.permissions import can
from vigil.core.tasks import queue_email

from .models import ConsentText, PaperBatch, Petition, Signature

CONFIRM_SALT = "vigil.actions.confirm"
DATA_SALT = "vigil.actions.my-data"
#: How long the links in mail work.
LINK_MAX_AGE = datetime.timedelta(days=7)

#: Rate limits, per window: above SOFT a signature is kept but flagged; above HARD refused.
RATE_WINDOW_SECONDS = 600
LIMITS = {"ip": (5, 30), "net": (20, 200)}

#: Scanned paper lists: PDF, JPEG or PNG, recognised by their first bytes, not their name.
SCAN_TYPES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_SCAN_BYTES = 20 * 1024 * 1024

LANGUAGES = ("ru", "en")


class LinkError(Exception):
    """A link from a mail that cannot be used: ``code`` is "expired" or "invalid"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --- rate limits ---------------------------------------------------------------------------
def network_of(ip: str) -> str:
    """The /24 of an IPv4 address, the /48 of an IPv6 one: what one household or one rented
    server range usually holds."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _window() -> int:
    return int(time.time()) // RATE_WINDOW_SECONDS


def _hit(key: str) -> int:
    """Count one attempt in the current fixed window (the window is part of the key, so a
    cache that resets the expiry on ``incr`` cannot stretch it).  ``incr`` is atomic in
    Redis; ``add`` makes sure only one request starts the window."""
    key = f"{key}:{_window()}"
    try:
        return int(cache.incr(key))
    except ValueError:  # no such key yet: this request may be the first of the window
        if cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2):
            return 1
        return int(cache.incr(key))


@dataclass(frozen=True)
class Throttle:
    flagged: bool = False
    reason: str = ""


def throttle(ip: str, *, scope: str = "sign") -> Throttle:
    """Count an attempt from ``ip`` and its network; refuse past the hard limits."""
    counts = {
        "ip": _hit(f"actions:{scope}:ip:{ip or 'unknown'}"),
        "net": _hit(f"actions:{scope}:net:{network_of(ip or '')}"),
    }
    reasons = []
    for kind, seen in counts.items():
        soft, hard = LIMITS[kind]
        if seen > hard:
            raise ValidationError(
                _(
                    "Too many signatures have come from your connection in the last few "
                    "minutes. Please try again in ten minutes."
                ),
                code="rate_limited",
            )
        if seen > soft:
            reasons.append(
                f"{seen} attempts from one {'address' if kind == 'ip' else 'network'} "
                f"in {RATE_WINDOW_SECONDS // 60} minutes"
            )
    return Throttle(flagged=bool(reasons), reason="; ".join(reasons)[:200])


# --- signing -------------------------------------------------------------------------------
@dataclass
class Signed:
    signature: Signature
    #: "new": a confirmation mail is on its way; "pending": signed before, not confirmed yet
    #: (the mail is sent again); "confirmed": this person's signature already counts.
    outcome: str


def _check_open(petition: Petition) -> None:
    if not petition.is_open():
        raise ValidationError(
            _("This petition is closed: it no longer takes signatures."), code="closed"
        )


def sign(
    petition: Petition,
    *,
    name: str,
    email: str,
    country: str,
    city: str,
    phone: str = "",
    consent_version: int | None,
    language: str,
    base_url: str,
    ip: str = "",
) -> Signed:
    """Record a signature waiting for confirmation; the same address signs once."""
    _check_open(petition)
    rate = throttle(ip)
    email = normalise_email(email)
    index = blind_index_for(Signature, "email_index", email)
    with transaction.atomic():
        consent = ConsentText.objects.order_by("-version").first()
        if consent is None or consent.version != consent_version:
            raise ValidationError(
                _("The consent text has changed since the page was opened. Please read it "
                  "again and tick the box."),
                code="consent_changed",
            )  # fmt: skip
        existing = Signature.objects.filter(petition=petition, email_index=index).first()
        if existing is None:
            signature = Signature(
                petition=petition,
                name=name.strip(),
                email=email,
                country=country.strip(),
                city=city.strip(),
                phone=phone.strip(),
                consent=consent,
                language=language if language in LANGUAGES else "ru",
                flagged=rate.flagged,
                flag_reason=rate.reason,
            )
            signature.full_clean(exclude=["email_index", "petition", "consent"])
            try:
                with transaction.atomic():
                    signature.save()
            except IntegrityError:
                # The same address at the same moment, in another request: that one stands.
                existing = Signature.objects.get(petition=petition, email_index=index)
            else:
                _mail_confirmation(signature, petition, base_url)
                return Signed(signature, "new")
        if existing.confirmed_at is not None:
            return Signed(existing, "confirmed")
        _mail_confirmation(existing, petition, base_url)
        return Signed(existing, "pending")


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


def confirm(signature: Signature) -> bool:
    """Count the signature.  False when it already counted (a second click changes nothing)."""
    if signature.confirmed_at is not None:
        return False
    _check_open(signature.petition)
    now = timezone.now()
    updated = Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    signature.confirmed_at = now
    return bool(updated)


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _mail_confirmation(signature: Signature, petition: Petition, base_url: str) -> None:
    with translation.override(signature.language):
        context = {
            "petition": petition,
            "name": signature.name,
            "confirm_url": _absolute(
                base_url, reverse("actions:confirm", args=[confirmation_token(signature)])
            ),
            "days": LINK_MAX_AGE.days,
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject = " ".join(render_to_string("actions/mail/confirm_subject.txt", context).split())
        body = render_to_string("actions/mail/confirm.txt", context)
    to = [str(signature.email)]
    transaction.on_commit(lambda: queue_email(to=to, subject=subject, body=body))


# --- a signer's own data -------------------------------------------------------------------
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


def request_my_data(*, email: str, language: str, base_url: str, ip: str = "") -> None:
    """Mail a link to the copy and the erasure page, if this address signed anything.

    The page says the same either way: it does not tell who signed what.
    """
    throttle(ip, scope="data")
    index = blind_index_for(Signature, "email_index", normalise_email(email))
    if index is None or not Signature.objects.filter(email_index=index).exists():
        return
    language = language if language in LANGUAGES else "ru"
    with translation.override(language):
        context = {
            "url": _absolute(base_url, reverse("actions:my_data", args=[data_token(index)])),
            "days": LINK_MAX_AGE.days,
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject = " ".join(render_to_string("actions/mail/data_subject.txt", context).split())
        body = render_to_string("actions/mail/data.txt", context)
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


# --- paper signatures ----------------------------------------------------------------------
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
    if not can(by, "actions.enter_paper_for_group", group):
        raise PermissionDenied("actions.enter_paper_for_group")
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


# --- delivery and retention ----------------------------------------------------------------
@transaction.atomic
def mark_delivered(petition: Petition, *, by: Any) -> Petition:
    """The signatures were handed over: signing stops and the retention period starts."""
    if not can(by, "actions.deliver_petition", petition):
        raise PermissionDenied("actions.deliver_petition")
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
