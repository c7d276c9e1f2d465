"""Background work of the groups app."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def send_meeting_reminders(*, days: int = 3) -> int:
    """The reminders command as a task, for a scheduler that enqueues tasks instead of cron."""
    return services.send_meeting_reminders(days=days)
