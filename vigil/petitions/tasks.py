"""Background work of the petitions app."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from . import services


@task()
def purge_petition_data() -> dict[str, int]:
    """The purge command as a task, for a scheduler that enqueues tasks instead of cron."""
    return asdict(services.purge_petition_data())


@task(queue_name="mail")
def send_due_confirmations() -> int:
    """Send the confirmation mails that are owed (see ``services.send_due_confirmations``)."""
    return services.send_due_confirmations()


@task(queue_name="mail")
def send_confirmation(*, signature_id: int, base_url: str = "") -> int:
    """Tasks queued before the outbox (one per signature) still mail their signature."""
    services.owe_confirmation(signature_id)
    return services.send_due_confirmations()
