"""Group mail's delivery: absolute links for mail sent without a request, and one message
rendered in its reader's language and queued (``core.tasks.queue_email``, sealed, sent by the
worker)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from vigil.core.tasks import queue_email


def site_url() -> str:
    """Where the site is, for links in mail sent without a request (the reminders command)."""
    return str(settings.VIGIL_BASE_URL).rstrip("/")


def absolute_url(path: str, base_url: str | None) -> str:
    return (base_url or site_url()).rstrip("/") + path


def send(user: Any, template: str, context: dict[str, Any], *, to: str | None = None) -> None:
    """Render ``groups/email/<template>_subject.txt`` and ``.txt`` in the person's language."""
    language = getattr(user, "language", None) or context.get("language") or "ru"
    with translation.override(language):
        context = {"brand_name": settings.VIGIL_SITE_NAME, **context}
        subject = "".join(
            render_to_string(f"groups/email/{template}_subject.txt", context).splitlines()
        )
        body = render_to_string(f"groups/email/{template}.txt", context)
    queue_email(to=[to or user.email], subject=subject, body=body)
