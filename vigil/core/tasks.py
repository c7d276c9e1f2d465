"""Background work shared by every app."""

from __future__ import annotations

import json

from django.core.mail import EmailMessage
from django.tasks import task

from .crypto import keyring


def queue_email(*, to: list[str], subject: str, body: str) -> None:
    """Send mail from the worker.  The queued arguments are encrypted: they hold an address."""
    sealed = keyring().encrypt(json.dumps({"to": to, "subject": subject, "body": body}))
    send_email.enqueue(sealed=sealed)


@task(queue_name="mail")
def send_email(*, sealed: str) -> int:
    """Open the sealed message and hand it to the configured SMTP server."""
    payload = json.loads(keyring().decrypt(sealed))
    message = EmailMessage(subject=payload["subject"], body=payload["body"], to=payload["to"])
    return message.send(fail_silently=False)
