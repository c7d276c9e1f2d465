"""Group mail's delivery: one message rendered in its reader's language and queued
(``core.tasks.queue_email``, sealed, sent by the worker); its links are made absolute by
``core.links``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from vigil.core.mail import render_mail
from vigil.core.tasks import queue_email


def send(user: Any, template: str, context: dict[str, Any], *, to: str | None = None) -> None:
    """Render ``groups/email/<template>_subject.txt`` and ``.txt`` in the person's language."""
    language = getattr(user, "language", None) or context.get("language") or "ru"
    with translation.override(language):
        context = {"brand_name": settings.VIGIL_SITE_NAME, **context}
        subject, body = render_mail(f"groups/email/{template}", context)
    queue_email(to=[to or user.email], subject=subject, body=body)
