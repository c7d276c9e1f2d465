"""The sender as a background task, started from the staff page."""

from __future__ import annotations

from django.tasks import task

from .models import Distribution


@task(queue_name="mail")
def send_distribution(*, distribution_id: int, resend_uncertain: bool = False) -> int:
    from . import outbox

    distribution = Distribution.objects.get(pk=distribution_id)
    try:
        report = outbox.send(distribution, resend_uncertain=resend_uncertain)
    except outbox.SenderBusy:
        return 0  # the running sender will finish the job
    return report.sent
