"""Background work of the action points."""

from __future__ import annotations

from django.tasks import task

from . import services


@task(queue_name="mail")
def send_reminders() -> int:
    """The reminder command as a task, for a scheduler that enqueues tasks instead of cron."""
    return services.send_reminders()
