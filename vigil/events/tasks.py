"""Background work of the events app."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def forget_lapsed_replies() -> int:
    """Delete visitors' replies never confirmed in time (see ``services.REPLY_HOLD``)."""
    return services.forget_lapsed_replies()
