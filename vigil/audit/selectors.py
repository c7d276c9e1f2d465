from django.db.models import QuerySet

from .models import AuditEvent


def events_for(target_type_id: int, target_id: str) -> QuerySet[AuditEvent]:
    """Everything recorded about one row, newest first (for "who saw this person's data")."""
    return AuditEvent.objects.filter(target_type_id=target_type_id, target_id=target_id)
