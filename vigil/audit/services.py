"""Recording access to people's data.  Every staff view of personal data calls :func:`record`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from vigil.core.clients import client_ip

from .models import AuditEvent


def _client_ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) or None


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | type[models.Model] | None = None,
    request: HttpRequest | None = None,
    fields: Iterable[str] = (),
    **detail: Any,
) -> AuditEvent:
    """Append one event.  ``target`` may be a row, or a model class for list views and exports."""
    target_type = None
    target_id = ""
    if target is not None:
        target_type = ContentType.objects.get_for_model(target)
        if isinstance(target, models.Model):
            target_id = str(target.pk)
    if fields:
        detail["fields"] = sorted(fields)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
        path=(request.get_full_path()[:500] if request is not None else ""),
        ip_address=_client_ip(request),
    )
