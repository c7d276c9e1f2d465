"""Writes and rules for petitions: signing, confirming, paper batches, delivery, privacy.

Signing is one short write transaction: the rate-limit counters (in the embedded mode; Redis
counts them in one round trip in the PostgreSQL mode) and one ``INSERT ... SELECT ... ON
CONFLICT DO NOTHING`` that checks the petition is open and the consent version current,
de-duplicates by the blind index and marks the confirmation mail as owed (``mail_due_at``):
the signature row is its mail's outbox, so a stored signature always gets its mail and a
refused or rolled-back one mails nobody.  The worker sends what is owed in batches
(:func:`send_due_confirmations`); a request queues that task only when no batch of this
process is already due to start after it (then, in the PostgreSQL mode, the insert runs alone
in autocommit).  A burst is never dropped in silence: within limits it is kept and flagged for
staff; past the hard limit the visitor is told to wait."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, mailers
from django.db import connection, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core import throttle
from vigil.core.crypto import normalise_email
from vigil.core.fields import blind_index_for
from vigil.core.links import absolute_url
from vigil.core.memo import ProcessMemo
from vigil.core.permissions import can
from vigil.core.tasks import queue_email
from vigil.core.write_queue import queued_write

from .models import ConsentText, PaperBatch, Petition, Signature
from .selectors import forget_petition

CONFIRM_SALT = "vigil.petitions.confirm"
DATA_SALT = "vigil.petitions.my-data"
#: How long the links in mail work.
LINK_MAX_AGE = datetime.timedelta(days=7)

#: The scope of the signing form's limits in ``settings.THROTTLES`` (see vigil.core.throttle).
THROTTLE_SCOPE = "petition-sign"

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


# --- signing -------------------------------------------------------------------------------
@dataclass
class Signed:
    signature_id: int
    #: "new": a confirmation mail is on its way; "pending": signed before, not confirmed yet
    #: (the link is mailed again); "confirmed": this person's signature already counts (they
    #: are told so by mail).  The visitor's page is the same for all three; the mails about a
    #: known address are limited per address (``mailbox.may_mail``).
    outcome: str


def _check_open(petition: Petition) -> None:
    if not petition.is_open():
        raise ValidationError(
            _("This petition is closed: it no longer takes signatures."), code="closed"
        )


def _consent_changed() -> ValidationError:
    return ValidationError(
        _("The consent text has changed since the page was opened. Please read it "
          "again and tick the box."),
        code="consent_changed",
    )  # fmt: skip


def _insert_sql() -> str:
    """One statement that inserts the signature only if the petition is open and the consent
    version is the newest, and does nothing when this address already signed: the checks
    and the write cannot be separated by another request."""
    fields = _signature_fields()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    signatures, petitions, consents = (
        quote(m._meta.db_table) for m in (Signature, Petition, ConsentText)
    )
    return (
        f"INSERT INTO {signatures} ({columns}, petition_id, consent_id) "  # noqa: S608
        f"SELECT {placeholders}, p.id, c.id FROM {petitions} p, {consents} c "
        "WHERE p.id = %s AND p.is_published AND p.delivered_at IS NULL AND p.closes_at > %s "
        "AND c.version = %s "
        f"AND c.version = (SELECT MAX(version) FROM {consents}) "
        "ON CONFLICT (petition_id, email_index) WHERE email_index IS NOT NULL DO NOTHING "
        "RETURNING id"
    )


SIGNATURE_COLUMNS = (
    "name", "email", "email_index", "country", "city", "phone", "language", "created_at",
    "flagged", "flag_reason", "mail_due_at",
)  # fmt: skip
_INSERT: ProcessMemo[str, str] = ProcessMemo(
    "petitions.services.insert_sql", keeps="the signature's INSERT per database vendor", bound=4
)


def _signature_fields() -> list[models.Field[Any, Any]]:
    """The model's fields for the columns of the insert: they seal what is personal."""
    return [cast("models.Field[Any, Any]", Signature._meta.get_field(n)) for n in SIGNATURE_COLUMNS]


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
    ip: str = "",
) -> Signed:
    """Record a signature waiting for confirmation; the same address signs once.

    One write transaction: the rate-limit counters (embedded mode) and the signature, which
    carries its owed confirmation mail, commit together or not at all; with Redis counting and
    a batch already due after it, the signature's insert alone, committed as it runs.  Either
    way the signature is committed before the visitor is answered.  The mail itself is
    written and sent by the worker."""
    _check_open(petition)
    if consent_version is None or (
        consent_version != current_consent_version()
        and consent_version != current_consent_version(fresh=True)
    ):
        raise _consent_changed()
    email = normalise_email(email)
    index = blind_index_for(Signature, "email_index", email)
    # Redis counts before the transaction; the database counts inside it, so that a refused
    # or failed signature leaves no count behind.  Everything that is only CPU (the counters'
    # keyed hashes, the sealed columns) is worked out first: on SQLite the write transaction
    # holds the database's one write lock, and every other worker's signature waits for it.
    names = throttle.counters(THROTTLE_SCOPE, ip)
    rate = throttle.hit(THROTTLE_SCOPE, ip=ip, names=names) if throttle.uses_redis() else None
    now = timezone.now()
    values: dict[str, Any] = {
        "name": name.strip(),
        "email": email,
        "email_index": index,
        "country": country.strip(),
        "city": city.strip(),
        "phone": phone.strip(),
        "language": language if language in LANGUAGES else "ru",
        "created_at": now,
        "mail_due_at": now,
        "flagged": False,
        "flag_reason": "",
    }
    params = _insert_params(values)
    if rate is not None and _batch_pending():
        # Redis counted, and a batch of this process already starts after this signature:
        # the insert is the only write, one statement that commits before it returns
        # (autocommit), one round trip fewer than a transaction around it.
        signature_id = _insert(petition, _flag(params, rate), now, consent_version)
        if signature_id is not None:
            _schedule_confirmations()
            return Signed(signature_id, "new")
        with transaction.atomic():
            return _not_inserted(petition, index, consent_version)
    # On SQLite the signers of all the workers queue for the write lock (write_queue).
    with queued_write(), transaction.atomic():
        if rate is None:
            rate = throttle.hit(THROTTLE_SCOPE, ip=ip, names=names)
        signature_id = _insert(petition, _flag(params, rate), now, consent_version)
        if signature_id is not None:
            _schedule_confirmations()
            return Signed(signature_id, "new")
        return _not_inserted(petition, index, consent_version)


def _insert_params(values: dict[str, Any]) -> list[Any]:
    """The insert's column values as the database takes them: the personal ones sealed."""
    return [field.get_db_prep_save(values[field.name], connection) for field in _signature_fields()]


#: Where the rate verdict goes among :func:`_insert_params`: known only inside the transaction.
_FLAGGED, _FLAG_REASON = SIGNATURE_COLUMNS.index("flagged"), SIGNATURE_COLUMNS.index("flag_reason")


def _flag(params: list[Any], rate: throttle.Verdict) -> list[Any]:
    """``params`` with the rate limit's verdict (plain columns, nothing to seal)."""
    flagged = list(params)
    flagged[_FLAGGED], flagged[_FLAG_REASON] = rate.flagged, rate.reason
    return flagged


def _insert(
    petition: Petition, params: list[Any], created_at: datetime.datetime, consent_version: int
) -> int | None:
    """The signature's id, or None when nothing was inserted (see :func:`_insert_sql`)."""
    sql = _INSERT.get(connection.vendor)
    if sql is None:
        sql = _INSERT[connection.vendor] = _insert_sql()
    created = connection.ops.adapt_datetimefield_value(created_at)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, petition.pk, created, consent_version])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _not_inserted(petition: Petition, index: str | None, consent_version: int) -> Signed:
    """Nothing inserted: closed meanwhile, a newer consent text, or signed before."""
    fresh = Petition.objects.filter(pk=petition.pk).first()
    if fresh is None or not fresh.is_open():
        forget_petition(petition.slug)
        raise ValidationError(
            _("This petition is closed: it no longer takes signatures."), code="closed"
        )
    if consent_version != current_consent_version(fresh=True):
        raise _consent_changed()
    existing = Signature.objects.filter(petition=petition, email_index=index).first()
    if existing is None:  # signed and withdrawn in the same instant: rare, harmless
        raise ValidationError(_("Please try again."), code="retry")
    # The page says the same as for a new signer; only the mailbox learns the rest.
    from .mailbox import may_mail

    allowed = index is not None and may_mail(index, scope="sign")
    if existing.confirmed_at is not None:
        if allowed:
            _mail_already_counted(existing, petition)
        return Signed(existing.pk, "confirmed")
    if allowed:
        owe_confirmation(existing.pk)
    return Signed(existing.pk, "pending")


def _mail_already_counted(signature: Signature, petition: Petition) -> None:
    """Tell a confirmed signer who signed again that nothing more is needed, in the language
    they signed in, once the transaction commits."""
    with translation.override(signature.language):
        context = {
            "petition": petition,
            "name": signature.name,
            "url": absolute_url(petition.get_absolute_url()),
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject = " ".join(
            render_to_string("petitions/mail/already_signed_subject.txt", context).split()
        )
        body = render_to_string("petitions/mail/already_signed.txt", context)
    to = [str(signature.email)]
    transaction.on_commit(lambda: queue_email(to=to, subject=subject, body=body))


# --- the confirmation mails' outbox ----------------------------------------------------------
#: The run time of the newest batch task this process has queued (``time.time()``), set once
#: its transaction committed.
_next_batch: dict[str, float] = {"at": 0.0}


def _confirmation_delay() -> int:
    """Seconds a batch waits before it starts; 0 when the backend cannot defer a task."""
    from .tasks import send_due_confirmations

    deferred = send_due_confirmations.get_backend().supports_defer
    return settings.VIGIL_CONFIRMATION_DELAY_SECONDS if deferred else 0


def _batch_pending() -> bool:
    """True when a batch this process queued starts late enough to find a signature
    committed now, so that :func:`_schedule_confirmations` will queue nothing."""
    delay = _confirmation_delay()
    return delay > 0 and _next_batch["at"] > time.time() + delay / 2


def _schedule_confirmations() -> None:
    """Make sure a batch of confirmation mails starts after this transaction commits.

    Queueing a task costs more than the signature's own insert, so a request queues one only
    when no batch queued by this process is due to start after its commit: that batch will
    find its row.  With the database queue the check is made before the commit too, so that
    the task row commits with the signature (a kill between the two loses nothing); Redis
    could run a task before the commit, so it is queued on commit there.  A delay of 0, or a
    backend that cannot defer, queues a batch per signature."""
    from .tasks import send_due_confirmations

    task = send_due_confirmations
    delay = _confirmation_delay()
    in_transaction = settings.TASKS_BACKEND == "database"
    if delay <= 0:
        if in_transaction:
            task.enqueue()
        else:
            transaction.on_commit(task.enqueue)
        return

    def enqueue() -> float:
        starts = time.time() + delay
        task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue()
        return starts

    queued = enqueue() if in_transaction and _next_batch["at"] <= time.time() + delay / 2 else 0

    def committed() -> None:
        _next_batch["at"] = max(_next_batch["at"], queued)
        if _next_batch["at"] <= time.time():  # no batch of ours starts after this commit
            _next_batch["at"] = enqueue()

    transaction.on_commit(committed)


def owe_confirmation(signature_id: int) -> None:
    """Mark one signature's confirmation mail as owed and see that a batch will send it."""
    Signature.objects.filter(pk=signature_id, confirmed_at__isnull=True).update(
        mail_due_at=timezone.now()
    )
    _schedule_confirmations()


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


#: The newest consent version, remembered briefly by this process.  A stale value cannot
#: let a signature through: the insert checks the version again.
CONSENT_MEMO_SECONDS = 5.0
_consent_memo: dict[str, Any] = {"until": 0.0, "version": None}


def current_consent_version(*, fresh: bool = False) -> int | None:
    """The version a new signer must have agreed to."""
    if fresh or time.monotonic() >= _consent_memo["until"]:
        _consent_memo["version"] = (
            ConsentText.objects.order_by("-version").values_list("version", flat=True).first()
        )
        _consent_memo["until"] = time.monotonic() + CONSENT_MEMO_SECONDS
    version: int | None = _consent_memo["version"]
    return version


def forget_consent_version() -> None:
    _consent_memo["until"] = 0.0


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
        subject = " ".join(render_to_string("petitions/mail/confirm_subject.txt", context).split())
        body = render_to_string("petitions/mail/confirm.txt", context)
    return subject, body


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


def request_my_data(*, email: str, language: str, base_url: str) -> None:
    """Mail a link to the copy and the erasure page, if this address signed anything.

    The page says the same either way: it does not tell who signed what.  The view's limit
    (``my-data``, per address too) keeps the form from bombing a mailbox.
    """
    index = blind_index_for(Signature, "email_index", normalise_email(email))
    if index is None or not Signature.objects.filter(email_index=index).exists():
        return
    language = language if language in LANGUAGES else "ru"
    with translation.override(language):
        context = {
            "url": absolute_url(reverse("petitions:my_data", args=[data_token(index)]), base_url),
            "days": LINK_MAX_AGE.days,
            "site_name": settings.VIGIL_SITE_NAME,
        }
        subject = " ".join(render_to_string("petitions/mail/data_subject.txt", context).split())
        body = render_to_string("petitions/mail/data.txt", context)
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


# --- delivery and retention ----------------------------------------------------------------
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
