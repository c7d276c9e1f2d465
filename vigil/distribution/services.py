"""Sending an approved Russian issue to every active group, exactly once each.

The outbox protocol (one sender per distribution, held by a lease on the ``Distribution`` row):

1. ``plan`` writes one ``Delivery`` per active group in one transaction, each with its own
   Message-ID: ``planned`` for groups with an e-mail address, ``print`` for those without,
   ``unsubscribed`` for those that opted out.
2. ``send`` walks the ``planned`` rows.  Before the SMTP DATA of a row it commits that row as
   ``sending``, in the same transaction that commits the previous row as ``sent``; so at any
   instant at most one row is ``sending``, and a crash leaves at most that one row in doubt.
3. ``recover`` (run first by every ``send``) settles rows a dead sender left ``sending``: if
   the mail server can tell whether it accepted the Message-ID (``accepted``: the benchmark's
   sink, or the MTA's log through ``accepted_in_log``) the row becomes ``sent`` or ``planned``
   again; with no such proof it becomes ``uncertain`` and is *not* resent (at most once) until
   staff ask for it (``resend_uncertain``: at least once for those rows).
"""

from __future__ import annotations

import base64
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
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.core.mail import mailers
from django.db import transaction
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
HEARTBEAT_EVERY = 200
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
        subject = _("Bulletin, %(month)02d/%(year)s") % {"month": issue.month, "year": issue.year}
        if issue.title:
            subject = f"{subject}: {issue.title}"
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
        for group in Group.objects.filter(status=Group.Status.ACTIVE).order_by("number"):
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
    return distribution


def _html_to_text(body: str) -> str:
    text = re.sub(r"</(h2|p)>", "\n\n", body)
    return html_lib.unescape(strip_tags(text)).strip()


# --- unsubscribing -------------------------------------------------------------------------
def unsubscribe_token(group: Group) -> str:
    return signing.dumps({"g": group.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


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
class Composer:
    """Everything the messages share, encoded once; each message then costs a few copies.

    Django's ``EmailMessage.message()`` parses every header through the modern e-mail policy
    and encodes the PDF again for each message (about 10 ms each); for 10,000 identical
    messages that is most of the run.  Here the PDF part, the subject and the MIME skeleton
    are serialised once, and each message only base64-encodes its two small bodies (which
    carry the group's own unsubscribe link).  The bytes still go through Django's mail
    connection.
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
        self.mixed, self.alternative = f"=_mixed_{token}", f"=_alt_{token}"
        self.head = (
            f"From: {formataddr(parseaddr(self.from_email), charset='utf-8')}\r\n"
            f"Subject: {subject}\r\nMIME-Version: 1.0\r\n"
            "Precedence: bulk\r\nAuto-Submitted: auto-generated\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            f'Content-Type: multipart/mixed; boundary="{self.mixed}"\r\n'
        ).encode("ascii")
        self.pdf_part = pdf.as_bytes(policy=SMTP_COMPAT32)
        with translation.override("ru"):
            placeholder = reverse("distribution:unsubscribe", args=["TOKEN"])
        self.link = str(settings.VIGIL_BASE_URL).rstrip("/") + placeholder

    def link_for(self, group: Group) -> str:
        return self.link.replace("TOKEN", unsubscribe_token(group))

    def _text_part(self, subtype: str, text: str) -> bytes:
        encoded = base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")
        return (
            f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode("ascii") + encoded

    def compose(self, delivery: Delivery) -> bytes:
        link = self.link_for(delivery.group)
        text = self.distribution.text.replace(UNSUBSCRIBE_PLACEHOLDER, link)
        html = self.distribution.html.replace(UNSUBSCRIBE_PLACEHOLDER, link)
        mixed, alternative = self.mixed.encode(), self.alternative.encode()
        head = (
            f"To: {delivery.address}\r\nDate: {formatdate(localtime=False)}\r\n"
            f"Message-ID: {delivery.message_id}\r\n"
            # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" to this https URL.
            f"List-Unsubscribe: <{link}>\r\n"
        ).encode("ascii")
        return b"".join(
            [
                self.head, head, b"\r\n",
                b"--", mixed, b"\r\n",
                b'Content-Type: multipart/alternative; boundary="', alternative, b'"\r\n\r\n',
                b"--", alternative, b"\r\n", self._text_part("plain", text),
                b"--", alternative, b"\r\n", self._text_part("html", html),
                b"--", alternative, b"--\r\n",
                b"--", mixed, b"\r\n", self.pdf_part, b"\r\n",
                b"--", mixed, b"--\r\n",
            ]
        )  # fmt: skip


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
    """Settle rows a dead sender left ``sending``.  Call only while holding the lease."""
    result = Recovery()
    stuck = Delivery.objects.filter(distribution=distribution, status=Status.SENDING)
    for delivery in stuck.only("pk", "message_id"):
        if accepted is None:
            status, result.uncertain = Status.UNCERTAIN, result.uncertain + 1
        elif accepted(delivery.message_id):
            status, result.confirmed = Status.SENT, result.confirmed + 1
        else:
            status, result.requeued = Status.PLANNED, result.requeued + 1
        values: dict[str, Any] = {"status": status}
        if status == Status.SENT:
            values["sent_at"] = timezone.now()
        Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(**values)
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


def _step(previous: int | None, current: int | None, *, heartbeat: Distribution | None) -> bool:
    """One commit: the previous row is sent, the current one is about to be.

    Returns False when the current row is no longer planned (the group unsubscribed meanwhile).
    """
    claimed = True
    with transaction.atomic():
        if previous is not None:
            Delivery.objects.filter(pk=previous, status=Status.SENDING).update(
                status=Status.SENT, sent_at=timezone.now()
            )
        if current is not None:
            claimed = (
                Delivery.objects.filter(pk=current, status=Status.PLANNED).update(
                    status=Status.SENDING, attempts=F("attempts") + 1
                )
                == 1
            )
        if heartbeat is not None:
            Distribution.objects.filter(pk=heartbeat.pk).update(sender_seen_at=timezone.now())
    return claimed


def _refused(delivery_pk: int, error: Exception) -> None:
    Delivery.objects.filter(pk=delivery_pk, status=Status.SENDING).update(
        status=Status.FAILED, note=str(error)[:500]
    )


def send(
    distribution: Distribution,
    *,
    accepted: Accepted | None = None,
    resend_uncertain: bool = False,
    limit: int | None = None,
) -> SendReport:
    """Send every planned row over one SMTP connection; safe to call again after any crash."""
    me = sender_name()
    if not acquire(distribution, me):
        raise SenderBusy(_("Another process is sending this distribution."))
    report = SendReport()
    distribution = Distribution.objects.select_related("issue").get(pk=distribution.pk)
    composer = Composer(distribution)
    try:
        report.recovery = recover(
            distribution, accepted=accepted, resend_uncertain=resend_uncertain
        )
        previous: int | None = None
        count = 0
        with mailers.default as connection:
            while limit is None or count < limit:
                batch = list(
                    Delivery.objects.filter(distribution=distribution, status=Status.PLANNED)
                    .select_related("group")
                    .order_by("pk")[:500]
                )
                if not batch:
                    break
                for delivery in batch:
                    if limit is not None and count >= limit:
                        break
                    message = build_message(composer, delivery)
                    count += 1
                    beat = distribution if count % HEARTBEAT_EVERY == 0 else None
                    claimed = _step(previous, delivery.pk, heartbeat=beat)
                    previous = None
                    if not claimed:
                        continue
                    try:
                        connection.send_messages([message])
                    except smtplib.SMTPRecipientsRefused as error:
                        _refused(delivery.pk, error)
                        report.failed += 1
                        continue
                    except smtplib.SMTPResponseException as error:
                        # A 5xx answer to DATA is a definite "no"; anything else stays in doubt.
                        if error.smtp_code < 500:
                            raise
                        _refused(delivery.pk, error)
                        report.failed += 1
                        continue
                    previous = delivery.pk
                    report.sent += 1
        _step(previous, None, heartbeat=None)
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
