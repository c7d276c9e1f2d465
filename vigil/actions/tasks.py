"""Background work of the petitions app."""

from __future__ import annotations

from dataclasses import asdict

from django.core.mail import EmailMessage
from django.tasks import task

from . import services
from .models import Signature


@task()
def purge_petition_data() -> dict[str, int]:
    """The purge command as a task, for a scheduler that enqueues tasks instead of cron."""
    return asdict(services.purge_petition_data())


@task(queue_name="mail")
def send_confirmation(*, signature_id: int, base_url: str) -> int:
    """Write and send the confirmation mail of one signature.

    Queued in the signature's own transaction with nothing but its id, so the request
    neither renders nor seals the mail, and the queue holds no personal data.  A signature
    erased or already confirmed by the time the worker runs gets no mail."""
    signature = Signature.objects.select_related("petition").filter(pk=signature_id).first()
    if signature is None or signature.confirmed_at is not None or not signature.email:
        return 0
    subject, body = services.confirmation_mail(signature, base_url)
    return EmailMessage(subject=subject, body=body, to=[str(signature.email)]).send()
