"""Background work shared by every app."""

from __future__ import annotations

import json
import smtplib

from django.core.mail import EmailMessage
from django.tasks import task

from .crypto import keyring


def queue_email(*, to: list[str], subject: str, body: str) -> None:
    """Send mail from the worker.  The queued arguments are encrypted: they hold an address."""
    sealed = keyring().encrypt(json.dumps({"to": to, "subject": subject, "body": body}))
    send_email.enqueue(sealed=sealed)


class MailNotSent(Exception):
    """The SMTP server refused a message; says how, never to whom."""


@task(queue_name="mail")
def send_email(*, sealed: str) -> int:
    """Open the sealed message and hand it to the configured SMTP server.

    A failure is raised again without the addresses: the task's result (a table) and the
    worker's log keep the exception, and smtplib's names the recipients and quotes the
    server, which repeats them."""
    payload = json.loads(keyring().decrypt(sealed))
    message = EmailMessage(subject=payload["subject"], body=payload["body"], to=payload["to"])
    try:
        return message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({str(code) for code, _reply in exc.recipients.values()})
        error = f"the SMTP server refused {len(exc.recipients)} recipient(s): {', '.join(codes)}"
    except smtplib.SMTPResponseException as exc:
        error = f"the SMTP server answered {exc.smtp_code} ({type(exc).__name__})"
    except smtplib.SMTPException as exc:
        error = f"SMTP failed ({type(exc).__name__})"
    raise MailNotSent(error) from None
