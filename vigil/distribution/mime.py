"""The MIME bytes of a bulletin message, built once per distribution and copied per group.

Django's ``EmailMessage.message()`` cost about 10 ms a message; ``Composer`` encodes what
every message shares once, and ``Prebuilt`` hands the bytes to a mail backend as they are.
"""

from __future__ import annotations

import base64
import re
import uuid
from email.header import Header
from email.mime.application import MIMEApplication
from email.policy import compat32
from email.utils import formataddr, formatdate, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from vigil.core.links import absolute_url

from .links import UNSUBSCRIBE_PLACEHOLDER, group_token
from .models import Delivery, Distribution

CRLF = "\r\n"
SMTP_COMPAT32 = compat32.clone(linesep=CRLF, max_line_length=998)

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
        self.link = absolute_url(placeholder)

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


class Prebuilt(DjangoEmailMessage):
    """A message already serialised; the mail backends only hand its bytes on."""

    def __init__(self, raw: bytes, *, to: list[str], from_email: str) -> None:
        super().__init__(to=to, from_email=from_email)
        self.raw = raw

    def message(self, *, policy: Any = None) -> Any:
        return self

    def as_bytes(self) -> bytes:
        return self.raw


def build_message(composer: Composer, delivery: Delivery) -> Prebuilt:
    return Prebuilt(
        composer.compose(delivery), to=[delivery.address], from_email=composer.from_email
    )
