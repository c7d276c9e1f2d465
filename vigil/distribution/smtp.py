"""Sending prebuilt messages over the one open SMTP connection, pipelined (RFC 2920)."""

from __future__ import annotations

import contextlib
import re
import smtplib
from itertools import pairwise
from typing import Any

from .mime import Composer, build_message
from .models import Delivery


class Post:
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
