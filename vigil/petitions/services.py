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
staff; past the hard limit the visitor is told to wait.

This module holds what a signing request runs (and confirming); the rest lives beside it and
is re-exported here, so that views, the API, tasks and commands call ``services`` alone:
``outbox`` sends the owed confirmation mails, ``links`` makes and checks the mailed links,
``privacy`` holds a signer's own data, ``paper`` the paper batches, ``retention`` delivery and
the purge after it."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.core import throttle
from vigil.core.crypto import normalise_email
from vigil.core.fields import blind_index_for
from vigil.core.i18n import mail_language
from vigil.core.links import absolute_url
from vigil.core.mail import render_mail
from vigil.core.memo import ProcessMemo
from vigil.core.tasks import queue_email
from vigil.core.write_queue import queued_write

from .links import (
    CONFIRM_SALT,
    DATA_SALT,
    LANGUAGES,
    LINK_MAX_AGE,
    LinkError,
    confirmation_token,
    data_token,
    index_for_data_token,
    signature_for_token,
)
from .models import ConsentText, Petition, Signature
from .outbox import MAIL_BATCH, MAIL_LEASE, confirmation_mail, send_due_confirmations
from .paper import add_paper_batch, validate_scan
from .privacy import erase_my_data, request_my_data
from .retention import Purged, mark_delivered, purge_petition_data
from .selectors import forget_petition

__all__ = [
    "CONFIRM_SALT",
    "CONSENT_MEMO_SECONDS",
    "DATA_SALT",
    "LANGUAGES",
    "LINK_MAX_AGE",
    "MAIL_BATCH",
    "MAIL_LEASE",
    "SIGNATURE_COLUMNS",
    "THROTTLE_SCOPE",
    "LinkError",
    "Purged",
    "Signed",
    "add_paper_batch",
    "confirm",
    "confirmation_mail",
    "confirmation_token",
    "current_consent_version",
    "data_token",
    "erase_my_data",
    "forget_consent_version",
    "index_for_data_token",
    "mark_delivered",
    "owe_confirmation",
    "purge_petition_data",
    "request_my_data",
    "send_due_confirmations",
    "sign",
    "signature_for_token",
    "validate_scan",
]

#: The scope of the signing form's limits in ``settings.THROTTLES`` (see vigil.core.throttle).
THROTTLE_SCOPE = "petition-sign"


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
        "language": mail_language(language),
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
        subject, body = render_mail("petitions/mail/already_signed", context)
    to = [str(signature.email)]
    transaction.on_commit(lambda: queue_email(to=to, subject=subject, body=body))


# --- the confirmation mails' outbox ----------------------------------------------------------
#: The run time of the newest batch task this process has queued (``time.time()``), set once
#: its transaction committed.  State, not a memo (see ``core.memo``): forgetting it costs one
#: batch task more.
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


#: The newest consent version, remembered briefly by this process.  A stale value cannot
#: let a signature through: the insert checks the version again.
CONSENT_MEMO_SECONDS = 5.0
_consent_memo: ProcessMemo[str, tuple[float, int | None]] = ProcessMemo(
    "petitions.consent_version",
    keeps="the newest consent version and until when (time.monotonic()) it is trusted",
    bound=1,
)


def current_consent_version(*, fresh: bool = False) -> int | None:
    """The version a new signer must have agreed to."""
    known = _consent_memo.get("newest")
    if fresh or known is None or time.monotonic() >= known[0]:
        version = ConsentText.objects.order_by("-version").values_list("version", flat=True).first()
        known = _consent_memo["newest"] = (time.monotonic() + CONSENT_MEMO_SECONDS, version)
    return known[1]


def forget_consent_version() -> None:
    _consent_memo.pop("newest")


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
