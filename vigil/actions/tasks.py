"""Background work of the petitions app."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from . import services


@task()
def purge_petition_data() -> dict[str, int]:
    """The purge command as a task, for a scheduler that enqueues tasks instead of cron."""
    return asdict(services.purge_petition_data())
