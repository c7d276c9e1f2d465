"""Sending an approved Russian issue to every group that is not closed, exactly once each.

Dormant groups get it too: the bulletin is one of the things that may bring them back.

``plan`` writes the outbox: one ``Delivery`` per group (closed ones aside) in one
transaction, each with its own Message-ID: ``planned`` for groups with an e-mail address,
``print`` for those without, ``unsubscribed`` for those that opted out.  ``outbox.send``
walks it (the protocol is described there), ``queue_send`` asks the worker to; this module
also holds opting out and in, and bounces.
"""

from __future__ import annotations

import html as html_lib
import re
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from vigil.bulletin import selectors as bulletin_selectors
from vigil.bulletin.models import Issue
from vigil.groups.models import Group

from . import pdf
from .links import UNSUBSCRIBE_PLACEHOLDER
from .models import Delivery, Distribution, OptOut

Status = Delivery.Status


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


# --- unsubscribing and sending -------------------------------------------------------------
@transaction.atomic
def opt_out(group: Group) -> None:
    """Stop the bulletin for this group, including messages planned but not sent yet."""
    OptOut.objects.get_or_create(group=group)
    Delivery.objects.filter(group=group, status=Status.PLANNED).update(status=Status.UNSUBSCRIBED)


@transaction.atomic
def opt_in(group: Group) -> None:
    OptOut.objects.filter(group=group).delete()


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
