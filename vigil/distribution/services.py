"""Sending an approved Russian issue to every group that is not closed, exactly once each.

Dormant groups get it too: the bulletin is one of the things that may bring them back.

The outbox protocol (one sender per distribution, held by a lease on the ``Distribution`` row):

1. ``plan`` writes one ``Delivery`` per group (closed ones aside) in one transaction, each
   with its own Message-ID: ``planned`` for groups with an e-mail address, ``print`` for
   those without, ``unsubscribed`` for those that opted out.
2. ``send`` walks the ``planned`` rows in batches.  One commit claims a batch as ``sending``
   (up to ``BATCH`` rows), their messages go over one SMTP connection, and one commit records
   each as ``sent`` (or refused).  A row is therefore ``sending`` from before its SMTP DATA
   until the server's answer is recorded, and a crash leaves at most one batch in doubt; a
   stop that Python sees (an exception, Ctrl-C) puts back the rows not yet tried, leaving in
   doubt only the message cut off in flight.
3. ``recover`` (run first by every ``send``) settles rows a dead sender left ``sending``: if
   the mail server can tell whether it accepted each Message-ID (``accepted``: the benchmark's
   sink, or the MTA's log through ``accepted_in_log``) the row becomes ``sent`` or ``planned``
   again; with no such proof it becomes ``uncertain`` and is *not* resent (at most once) until
   staff ask for it (``resend_uncertain``: at least once for those rows).
"""

from __future__ import annotations

import base64
import contextlib
import html as html_lib
import logging
import os
import re
import smtplib
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.header import Header
from email.mime.application import MIMEApplication
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from vigil.bulletin import selectors as bulletin_selectors
from vigil.bulletin.models import Issue
from vigil.groups.models import Group

from . import pdf
from .models import Delivery, Distribution, OptOut

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "vigil.distribution.unsubscribe"
UNSUBSCRIBE_PLACEHOLDER = "__VIGIL_UNSUBSCRIBE_URL__"
#: A sender that has not written for this long is presumed dead, even on another machine.
LEASE = timedelta(minutes=5)
Status = Delivery.Status
CRLF = "\r\n"
SMTP_COMPAT32 = compat32.clone(linesep=CRLF, max_line_length=998)


# --- planning ------------------------------------------------------------------------------
def _domain() -> str:
    address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]
    return address.rsplit("@", 1)[1] if "@" in address else "vigil.invalid"


def new_message_id(issue: Issue) -> str:
    return f"<bulletin.{issue.year}{issue.month:02d}.{uuid.uuid4().hex}@{_domain()}>"


def plan(issue: Issue, *, by: Any = None) -> Distribution:
    """Freeze the issue's text and PDF and write the outbox, all or nothing."""
    if Distribution.objects.filter(issue=issue).exists():
        raise ValidationError(_("This issue is already being distributed: resume it instead."))
    progress = bulletin_selectors.issue_progress(issue)
    body = str(bulletin_selectors.approved_russian_issue_html(issue))
    if progress.percent < 100 or not body.strip():
        raise ValidationError(
            _("The Russian issue is not fully approved yet (%(percent)s%% approved).")
            % {"percent": progress.percent}
        )
    with translation.override("ru"):
        subject = issue.label
        context = {"subject": subject, "body": body, "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER}
        html = render_to_string("distribution/email.html", context)
        text = render_to_string(
            "distribution/email.txt",
            {**context, "body": _html_to_text(body)},
        )
        # Slow (WeasyPrint): before the transaction, so SQLite's write lock is held briefly.
        document = pdf.render_issue_pdf(subject, body)
    with transaction.atomic():
        distribution = Distribution.objects.create(
            issue=issue, subject=subject, html=html, text=text, pdf=document, created_by=by
        )
        opted_out = set(OptOut.objects.values_list("group_id", flat=True))
        rows = []
        for group in Group.objects.exclude(status=Group.Status.CLOSED).order_by("number"):
            if not group.email:
                status = Status.PRINT
            elif group.pk in opted_out:
                status = Status.UNSUBSCRIBED
            else:
                status = Status.PLANNED
            rows.append(
                Delivery(
                    distribution=distribution,
                    group=group,
                    address=group.email,
                    message_id=new_message_id(issue),
                    status=status,
                )
            )
        Delivery.objects.bulk_create(rows, batch_size=1000)
    _analyze_outbox()
    return distribution


def _analyze_outbox() -> None:
    """PostgreSQL's statistics learn of the new rows now, not when autovacuum next passes: with
    an empty table's statistics the planner reads the settling updates through every
    ``sending`` index entry (dead ones included) instead of by id."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Delivery._meta.db_table)}")


def _html_to_text(body: str) -> str:
    text = re.sub(r"</(h2|p)>", "\n\n", body)
    return html_lib.unescape(strip_tags(text)).strip()


# --- unsubscribing -------------------------------------------------------------------------
def unsubscribe_token(group: Group) -> str:
    return group_token(group.pk)


def group_token(group_id: int) -> str:
    """The unsubscribe token of a group known only by its id (as an outbox row knows it)."""
    return signing.dumps({"g": group_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def group_from_token(token: str) -> Group | None:
    """The group a link names, or None for a forged one.  Links never expire."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    pk = data.get("g") if isinstance(data, dict) else None
    return Group.objects.filter(pk=pk).first() if isinstance(pk, int) else None


def unsubscribe_url(group: Group) -> str:
    with translation.override("ru"):
        path = reverse("distribution:unsubscribe", args=[unsubscribe_token(group)])
    return str(settings.VIGIL_BASE_URL).rstrip("/") + path


@transaction.atomic
def opt_out(group: Group) -> None:
    """Stop the bulletin for this group, including messages planned but not sent yet."""
    OptOut.objects.get_or_create(group=group)
    Delivery.objects.filter(group=group, status=Status.PLANNED).update(status=Status.UNSUBSCRIBED)


@transaction.atomic
def opt_in(group: Group) -> None:
    OptOut.objects.filter(group=group).delete()


# --- the message ---------------------------------------------------------------------------
_B64_LINE = 57  # input bytes per 76-character base64 line


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


class _Body:
    """A text part whose only per-group content is the unsubscribe link, in its footer.

    Base64 wraps every 57 input bytes, so the encoding of the text up to the last whole line
    before the first link is the same for every group: it is encoded once, and each message
    encodes only the remaining tail with its own link (byte for byte what encoding the whole
    text would give).
    """

    def __init__(self, subtype: str, template: str) -> None:
        data = template.encode("utf-8")
        first = data.find(UNSUBSCRIBE_PLACEHOLDER.encode())
        cut = (len(data) if first < 0 else first) // _B64_LINE * _B64_LINE
        self.head = (
            f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode("ascii") + _b64(data[:cut])
        self.tail = data[cut:]

    def render(self, link: bytes) -> bytes:
        return self.head + _b64(self.tail.replace(UNSUBSCRIBE_PLACEHOLDER.encode(), link))


class Composer:
    """Everything the messages share, encoded once; each message then costs a few copies.

    Django's ``EmailMessage.message()`` parses every header through the modern e-mail policy
    and encodes the PDF again for each message (about 10 ms each); for 10,000 identical
    messages that is most of the run.  Here the MIME skeleton, the subject, the PDF part and
    the bodies up to their footers are serialised once per distribution; a message adds its
    own headers (To, Date, Message-ID, List-Unsubscribe) and the base64 of the two footers
    that carry the group's unsubscribe link.
    """

    def __init__(self, distribution: Distribution) -> None:
        issue = distribution.issue
        self.distribution = distribution
        self.from_email = str(settings.DEFAULT_FROM_EMAIL)
        subject = Header(distribution.subject, "utf-8").encode(linesep="\r\n")
        pdf = MIMEApplication(bytes(distribution.pdf), "pdf")
        name = f"bulletin-{issue.year}-{issue.month:02d}.pdf"
        pdf.add_header("Content-Disposition", "attachment", filename=name)
        token = uuid.uuid4().hex
        mixed, alternative = f"=_mixed_{token}".encode(), f"=_alt_{token}".encode()
        self.head = (
            f"From: {formataddr(parseaddr(self.from_email), charset='utf-8')}\r\n"
            f"Subject: {subject}\r\nMIME-Version: 1.0\r\n"
            "Precedence: bulk\r\nAuto-Submitted: auto-generated\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            f'Content-Type: multipart/mixed; boundary="{mixed.decode()}"\r\n'
        ).encode("ascii")
        self.text = _Body("plain", distribution.text)
        self.html = _Body("html", distribution.html)
        self.opening = b"".join(
            [
                b"\r\n--", mixed, b"\r\n",
                b'Content-Type: multipart/alternative; boundary="', alternative, b'"\r\n\r\n',
                b"--", alternative, b"\r\n",
            ]
        )  # fmt: skip
        self.between = b"--" + alternative + b"\r\n"
        self.closing = b"".join(
            [
                b"--", alternative, b"--\r\n",
                b"--", mixed, b"\r\n", pdf.as_bytes(policy=SMTP_COMPAT32), b"\r\n",
                b"--", mixed, b"--\r\n",
            ]
        )  # fmt: skip
        with translation.override("ru"):
            placeholder = reverse("distribution:unsubscribe", args=["TOKEN"])
        self.link = str(settings.VIGIL_BASE_URL).rstrip("/") + placeholder

    def link_for(self, group_id: int) -> str:
        return self.link.replace("TOKEN", group_token(group_id))

    def compose(self, delivery: Delivery) -> bytes:
        link = self.link_for(delivery.group_id)
        if not _SAFE_HEADER.match(delivery.address) or not _SAFE_HEADER.match(link):
            raise ValueError(_("The address cannot be written in a mail header."))
        head = (
            f"To: {delivery.address}\r\nDate: {formatdate(localtime=False)}\r\n"
            f"Message-ID: {delivery.message_id}\r\n"
            # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" to this https URL.
            f"List-Unsubscribe: <{link}>\r\n"
        ).encode("ascii")
        encoded = link.encode("ascii")
        return b"".join(
            [
                self.head, head, self.opening, self.text.render(encoded),
                self.between, self.html.render(encoded), self.closing,
            ]
        )  # fmt: skip


#: Printable ASCII only: nothing that could end a header line or start an SMTP command.
_SAFE_HEADER = re.compile(r"\A[\x21-\x7e]+\Z")


class _Prebuilt(DjangoEmailMessage):
    """A message already serialised; the mail backends only hand its bytes on."""

    def __init__(self, raw: bytes, *, to: list[str], from_email: str) -> None:
        super().__init__(to=to, from_email=from_email)
        self.raw = raw

    def message(self, *, policy: Any = None) -> Any:
        return self

    def as_bytes(self) -> bytes:
        return self.raw


def build_message(composer: Composer, delivery: Delivery) -> _Prebuilt:
    return _Prebuilt(
        composer.compose(delivery), to=[delivery.address], from_email=composer.from_email
    )


class _Post:
    """Hands prebuilt messages to the mail server over the one open connection.

    Over Django's SMTP backend the bytes go straight to its ``smtplib`` connection: the
    envelope sender is checked once, a plain ASCII recipient needs no parsing, and when the
    server offers PIPELINING (RFC 2920) MAIL, RCPT and DATA travel in one write and their
    replies are read together.  Within a batch, a message's content and the next message's
    MAIL, RCPT and DATA go in the same write too (RFC 2920 allows the content to start a
    group), so a message costs one round trip instead of two (four without PIPELINING).  A
    message counts as accepted only on the 250 after its final dot, pipelined or not; a next
    message whose DATA was answered but whose content never left is not delivered (a server
    delivers nothing without the final dot), so it stays certainly unsent.  Other backends
    (files in development, memory in tests) get the message through ``send_messages``.
    """

    _PLAIN = re.compile(r"\A[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\Z")

    def __init__(self, backend: Any, composer: Composer) -> None:
        self.backend = backend
        self.composer = composer
        smtp = getattr(backend, "connection", None)
        self.smtp: smtplib.SMTP | None = smtp if isinstance(smtp, smtplib.SMTP) else None
        #: The message after each one in the current batch (see ``start_batch``).
        self.following: dict[int, Delivery] = {}
        #: The delivery whose MAIL, RCPT and DATA were written but not answered yet, and its bytes.
        self.opened: tuple[int, bytes] | None = None
        if self.smtp is not None:
            self.smtp.ehlo_or_helo_if_needed()
            self.sender = backend.prep_address(composer.from_email)
            self.pipelining = self.smtp.has_extn("pipelining")

    def start_batch(self, rows: list[Delivery]) -> None:
        """The batch about to be sent in this order: each message may open the next one's
        transaction in its own write."""
        self.following = {row.pk: after for row, after in pairwise(rows)}

    def _envelope(self, to: str) -> bytes:
        return f"MAIL FROM:<{self.sender}>\r\nRCPT TO:<{to}>\r\nDATA\r\n".encode()

    def _open_following(self, delivery: Delivery) -> bytes:
        """The commands that open the next message's transaction, if it can be opened now: a
        plain address and a message that composes (else it goes the ordinary way, and is
        refused there)."""
        after = self.following.get(delivery.pk)
        if not self.pipelining or after is None or not self._PLAIN.match(after.address):
            return b""
        try:
            raw = self.composer.compose(after)
        except ValueError:
            return b""
        self.opened = (after.pk, raw)
        return self._envelope(after.address)

    def send(self, delivery: Delivery) -> None:
        """Raise as ``smtplib.SMTP.sendmail`` does when the server refuses the message."""
        if self.smtp is None:
            self.backend.send_messages([build_message(self.composer, delivery)])
            return
        smtp = self.smtp
        opened, self.opened = self.opened, None
        if opened is not None and opened[0] != delivery.pk:
            # The server waits for another message's content: nothing else can follow.
            raise smtplib.SMTPServerDisconnected("a pipelined message was skipped")
        address = delivery.address
        if opened is not None:  # its address is plain: see _open_following
            raw, to = opened[1], address
        else:
            raw = self.composer.compose(delivery)
            to = address if self._PLAIN.match(address) else self.backend.prep_address(address)
        if opened is not None or self.pipelining:
            if opened is None:
                smtp.send(self._envelope(to))
            mail, rcpt, data = smtp.getreply(), smtp.getreply(), smtp.getreply()
        else:
            mail = smtp.docmd("MAIL", f"FROM:<{self.sender}>")
            rcpt = smtp.docmd("RCPT", f"TO:<{to}>") if mail[0] == 250 else (503, b"")
            data = smtp.docmd("DATA") if rcpt[0] in (250, 251) else (503, b"")
        if data[0] == 354 and (mail[0] != 250 or rcpt[0] not in (250, 251)):
            smtp.send(b".\r\n")  # RFC 2920: a server that took DATA anyway gets an empty one
            smtp.getreply()
        if mail[0] != 250:
            self._reset()
            raise smtplib.SMTPSenderRefused(mail[0], mail[1], self.sender)
        if rcpt[0] not in (250, 251):
            self._reset()
            raise smtplib.SMTPRecipientsRefused({to: rcpt})
        if data[0] != 354:
            self._reset()
            raise smtplib.SMTPDataError(*data)
        # Lines begin with a header name, a boundary or base64, never a dot; were one to, it
        # would be doubled (RFC 5321 4.5.2) as smtplib does.
        if b"\n." in raw:
            raw = re.sub(rb"(?m)^\.", b"..", raw)
        smtp.send(raw + b".\r\n" + self._open_following(delivery))
        code, answer = smtp.getreply()
        if code != 250:
            if self.opened is None:  # else the transaction is over and the next one is open
                self._reset()
            raise smtplib.SMTPDataError(code, answer)

    def _reset(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPServerDisconnected):
                self.smtp.rset()


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


def _send_batch(rows: list[Delivery], post: _Post, report: SendReport) -> None:
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
            post = _Post(connection, composer)
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


def queue_send(distribution: Distribution, *, resend_uncertain: bool = False) -> None:
    """Send from the worker once the current transaction commits."""
    from .tasks import send_distribution

    transaction.on_commit(
        lambda: send_distribution.enqueue(
            distribution_id=distribution.pk, resend_uncertain=resend_uncertain
        )
    )


# --- bounces -------------------------------------------------------------------------------
@dataclass
class Bounce:
    message_ids: list[str]
    permanent: bool
    reason: str


_MESSAGE_ID = re.compile(r"<bulletin\.[^<>\s]+>")


def parse_dsn(raw: bytes) -> Bounce:
    """Read an RFC 3464 delivery status notification (or a bounce that quotes our message)."""
    message = message_from_bytes(raw, policy=policy.default)
    ids: list[str] = []
    statuses: list[str] = []
    reasons: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        payload: Any = part.get_payload()
        if kind == "message/rfc822" and isinstance(payload, list) and payload:
            ids.append(str(payload[0].get("Message-ID", "")).strip())
        elif kind in {"text/rfc822-headers", "message/rfc822-headers"}:
            headers = message_from_bytes(bytes(part.get_payload(decode=True) or b""))
            ids.append(str(headers.get("Message-ID", "")).strip())
        elif kind == "message/delivery-status" and isinstance(payload, list):
            for block in payload:
                if block.get("Status"):
                    statuses.append(str(block["Status"]).strip())
                if block.get("Diagnostic-Code"):
                    reasons.append(str(block["Diagnostic-Code"]).strip())
    ids = [mid for mid in ids if mid]
    if not ids:
        ids = _MESSAGE_ID.findall(raw.decode("utf-8", "replace"))
    permanent = any(s.startswith("5") for s in statuses) or not statuses
    return Bounce(list(dict.fromkeys(ids)), permanent, "; ".join(reasons or statuses)[:500])


def record_bounce(message_id: str, *, reason: str = "") -> Delivery | None:
    """Mark the delivery bounced.  A bounce also proves an ``uncertain`` message did leave."""
    delivery = Delivery.objects.filter(message_id=message_id.strip()).first()
    if delivery is None:
        return None
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Status.BOUNCED,
        bounced_at=timezone.now(),
        note=reason[:500] or _("bounced"),
    )
    delivery.refresh_from_db()
    return delivery


def record_dsn(raw: bytes) -> tuple[Bounce, list[Delivery]]:
    bounce = parse_dsn(raw)
    if not bounce.permanent:
        return bounce, []
    found = [record_bounce(mid, reason=bounce.reason) for mid in bounce.message_ids]
    return bounce, [d for d in found if d is not None]


def message_ids(deliveries: Iterable[Delivery]) -> list[str]:
    return [d.message_id for d in deliveries]
