from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from vigil.core.admin import AppendOnlyAdminMixin

from .models import AuditEvent
from .services import record


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """Read-only for everybody, administrators included: the log is append-only."""

    list_display = ["at", "actor", "action", "target_type", "target_id", "ip_address"]
    list_filter = ["action", "target_type"]
    date_hierarchy = "at"
    list_select_related = ["actor", "target_type"]


class AuditedAdminMixin:
    """For a ModelAdmin of people's data: every list, view and change by staff is recorded."""

    model: Any

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response: HttpResponse = super().changelist_view(request, extra_context)  # type: ignore[misc]
        if response.status_code == 200:
            record(actor=request.user, action="list", target=self.model, request=request)
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response: HttpResponse = super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )
        if response.status_code in (200, 302):
            obj = self.model._default_manager.filter(pk=object_id).first()
            action = "change" if request.method == "POST" else "view"
            if obj is not None:
                record(actor=request.user, action=action, target=obj, request=request)
        return response

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(actor=request.user, action="delete", target=obj, request=request)
        super().delete_model(request, obj)  # type: ignore[misc]

    # Django's own admin log (``django_admin_log``) would copy ``str(obj)`` - a person's name -
    # in clear for every change, and keep it after the person's erasure.  The audit log above
    # records the same actions by type and id only.
    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        return None

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        return None
