"""Walking the outbox: the sender's lease, claiming and settling batches, crash recovery.

The protocol (one sender per distribution, held by a lease on the ``Distribution`` row),
after ``services.plan`` wrote the rows:

1. ``send`` walks the ``planned`` rows in batches.  One commit claims a batch as ``sending``
   (up to ``BATCH`` rows), their messages go over one SMTP connection (``smtp.Post``), and
   one commit records each as ``sent`` (or refused).  A row is therefore ``sending`` from
   before its SMTP DATA until the server's answer is recorded, and a crash leaves at most one
   batch in doubt; a stop that Python sees (an exception, Ctrl-C) puts back the rows not yet
   tried, leaving in doubt only the message cut off in flight.
2. ``recover`` (run first by every ``send``) settles rows a dead sender left ``sending``: if
   the mail server can tell whether it accepted each Message-ID (``accepted``: the benchmark's
   sink, or the MTA's log through ``accepted_in_log``) the row becomes ``sent`` or ``planned``
   again; with no such proof it becomes ``uncertain`` and is *not* resent (at most once) until
   staff ask for it (``resend_uncertain``: at least once for those rows).
"""

from __future__ import annotations

import os
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .mime import Composer
from .models import Delivery, Distribution
from .smtp import Post

#: A sender that has not written for this long is presumed dead, even on another machine.
LEASE = timedelta(minutes=5)
Status = Delivery.Status


# --- the sender lease ----------------------------------------------------------------------
def sender_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_is_dead(holder: str) -> bool:
    """A holder on this machine whose process is gone is dead now, not in five minutes."""
    host, _sep, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(distribution: Distribution, me: str) -> bool:
    now = timezone.now()
    free = Q(sender="") | Q(sender=me) | Q(sender_seen_at__lt=now - LEASE)
    current = Distribution.objects.filter(pk=distribution.pk).values_list("sender", flat=True)
    holder = current.first() or ""
    if holder and _holder_is_dead(holder):
        free |= Q(sender=holder)
    taken = Distribution.objects.filter(free, pk=distribution.pk).update(
        sender=me, sender_seen_at=now
    )
    return taken == 1


def release(distribution: Distribution, me: str) -> None:
    Distribution.objects.filter(pk=distribution.pk, sender=me).update(sender="")


# --- crash recovery ------------------------------------------------------------------------
Accepted = Callable[[str], bool]


def accepted_in_log(path: Path) -> Accepted:
    """Ask an MTA's log (Postfix writes ``message-id=<…>`` per accepted message)."""
    text = path.read_text(errors="replace")
    return lambda message_id: message_id.strip("<>") in text


@dataclass
class Recovery:
    confirmed: int = 0
    requeued: int = 0
    uncertain: int = 0


def recover(
    distribution: Distribution, *, accepted: Accepted | None = None, resend_uncertain: bool = False
) -> Recovery:
    """Settle every row a dead sender left ``sending`` (up to a batch).  Hold the lease."""
    result = Recovery()
    confirmed, requeued, uncertain = [], [], []
    stuck = Delivery.objects.filter(distribution=distribution, status=Status.SENDING)
    for pk, message_id in stuck.values_list("pk", "message_id"):
        if accepted is None:
            uncertain.append(pk)
        elif accepted(message_id):
            confirmed.append(pk)
        else:
            requeued.append(pk)
    with transaction.atomic():
        sending = Delivery.objects.filter(status=Status.SENDING)
        result.confirmed = sending.filter(pk__in=confirmed).update(
            status=Status.SENT, sent_at=timezone.now()
        )
        result.requeued = sending.filter(pk__in=requeued).update(status=Status.PLANNED)
        result.uncertain = sending.filter(pk__in=uncertain).update(status=Status.UNCERTAIN)
        if resend_uncertain:
            result.requeued += Delivery.objects.filter(
                distribution=distribution, status=Status.UNCERTAIN
            ).update(status=Status.PLANNED)
    return result


# --- sending -------------------------------------------------------------------------------
class SenderBusy(Exception):
    pass


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    recovery: Recovery = field(default_factory=Recovery)


#: Rows claimed (and in doubt after a crash) at a time: two commits per batch, not per message.
BATCH = 100


_CLAIMED = ("pk", "address", "message_id", "group_id")


def _claim(distribution: Distribution, size: int, after: int = 0) -> list[Delivery]:
    """One commit: the next planned rows (by id, from ``after`` on) become ``sending``, and
    the lease is renewed.

    The rows are read and locked first (``FOR UPDATE``; on SQLite the transaction holds the
    write lock from its start), then updated by their ids: so the batch is exactly the rows
    read, a group that unsubscribes meanwhile waits for the commit, and neither statement
    depends on the planner's guess of how many rows are planned (an ``IN (subquery)`` update
    became a nested loop over every planned row on PostgreSQL).  Only what a message needs
    is read: the group is known by its id.
    """
    planned = Delivery.objects.filter(
        distribution=distribution, status=Status.PLANNED, pk__gt=after
    )
    with transaction.atomic():
        rows = list(planned.select_for_update().order_by("pk").values_list(*_CLAIMED)[:size])
        ids = [row[0] for row in rows]
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                status=Status.SENDING, attempts=F("attempts") + 1
            )
        Distribution.objects.filter(pk=distribution.pk).update(sender_seen_at=timezone.now())
    return [
        Delivery(
            pk=pk,
            distribution=distribution,
            address=address,
            message_id=message_id,
            group_id=group_id,
            status=Status.SENDING,
        )
        for pk, address, message_id, group_id in rows
    ]


@dataclass
class _Batch:
    sent: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    #: Certainly not handed over (never tried, or a definite "try later" from the server).
    untouched: list[int] = field(default_factory=list)


def _settle(batch: _Batch) -> None:
    """One commit: the batch's outcome.  A row in none of the lists stays ``sending``."""
    sending = Delivery.objects.filter(status=Status.SENDING)
    with transaction.atomic():
        if batch.sent:
            sending.filter(pk__in=batch.sent).update(status=Status.SENT, sent_at=timezone.now())
        if batch.untouched:
            sending.filter(pk__in=batch.untouched).update(
                status=Status.PLANNED, attempts=F("attempts") - 1
            )
        for pk, note in batch.refused.items():
            sending.filter(pk=pk).update(status=Status.FAILED, note=note[:500])


def _send_batch(rows: list[Delivery], post: Post, report: SendReport) -> None:
    batch = _Batch()
    position = 0
    try:
        post.start_batch(rows)
        for position, delivery in enumerate(rows):  # noqa: B007 (read after an exception)
            try:
                post.send(delivery)
            except (smtplib.SMTPRecipientsRefused, ValueError) as error:
                batch.refused[delivery.pk] = str(error)
            except smtplib.SMTPResponseException as error:
                # A 5xx answer is a definite "no"; a 4xx one a definite "not now": stop.
                if error.smtp_code < 500:
                    batch.untouched.append(delivery.pk)
                    raise
                batch.refused[delivery.pk] = str(error)
            else:
                batch.sent.append(delivery.pk)
    except BaseException:
        # A message cut off in flight stays ``sending``, in doubt; the ones after never left.
        batch.untouched += [d.pk for d in rows[position + 1 :]]
        _settle(batch)
        raise
    _settle(batch)
    report.sent += len(batch.sent)
    report.failed += len(batch.refused)


def send(
    distribution: Distribution,
    *,
    accepted: Accepted | None = None,
    resend_uncertain: bool = False,
    limit: int | None = None,
    batch: int = BATCH,
) -> SendReport:
    """Send every planned row over one SMTP connection; safe to call again after any crash.

    Rows go in batches: one commit claims up to ``batch`` rows as ``sending``, their messages
    go over the connection, one commit records them ``sent`` (or refused).  A crash leaves at
    most one batch ``sending``, which ``recover`` settles row by row on the next run.
    """
    me = sender_name()
    if not acquire(distribution, me):
        raise SenderBusy(_("Another process is sending this distribution."))
    report = SendReport()
    try:
        distribution = Distribution.objects.select_related("issue").get(pk=distribution.pk)
        composer = Composer(distribution)
        report.recovery = recover(
            distribution, accepted=accepted, resend_uncertain=resend_uncertain
        )
        taken = 0
        with mailers.default as connection:
            post = Post(connection, composer)
            after = 0  # rows go in id order; a row planned again meanwhile is read last
            while limit is None or taken < limit:
                size = batch if limit is None else min(batch, limit - taken)
                rows = _claim(distribution, size, after)
                if not rows and after:
                    after = 0
                    rows = _claim(distribution, size)
                if not rows:
                    break
                after = rows[-1].pk
                taken += len(rows)
                _send_batch(rows, post, report)
        if not Delivery.objects.filter(
            distribution=distribution, status__in=[Status.PLANNED, Status.SENDING]
        ).exists():
            Distribution.objects.filter(pk=distribution.pk).update(finished_at=timezone.now())
    finally:
        release(distribution, me)
    return report
