"""Events in the staff back office.  Replies are people's data: every look is recorded."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vigil.audit.admin import AuditedAdminMixin

from .models import Event, Rsvp


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Coordinators organise on the events pages; staff correct here.  Cancelling (which
    tells everyone) is done on the event's page, so the mails go out."""

    list_display = ["title", "kind", "starts_at", "time_zone", "visibility", "status", "capacity"]
    list_filter = ["kind", "visibility", "status"]
    search_fields = ["title", "title_en", "venue"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["organisers", "partners"]
    readonly_fields = ["uid", "sequence", "status", "cancellation_note", "created_by",
                       "created_at", "updated_at"]  # fmt: skip


@admin.register(Rsvp)
class RsvpAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: a reply is made and withdrawn by the person (waiting lists stay in order)."""

    list_display = ["event", "status", "created_at", "promoted_at"]
    list_filter = ["status"]
    list_select_related = ["event"]
    fields = ("event", "user", "name", "email", "language", "status", "created_at", "promoted_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
