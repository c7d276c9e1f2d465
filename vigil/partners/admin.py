"""Roundtables in the back office: a list to find them, read-only; the work is done on the
roundtable pages (``/partners/roundtables/``), which go through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from vigil.audit.admin import AuditedAdminMixin

from .models import Invitation, Roundtable


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Roundtable)
class RoundtableAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts", "campaign", "closed_at", "page"]
    list_filter = ["closed_at"]
    search_fields = ["event__title"]

    @admin.display(description=_("starts"), ordering="event__starts_at")
    def starts(self, obj: Roundtable) -> Any:
        return obj.event.starts_at

    @admin.display(description=_("page"))
    def page(self, obj: Roundtable) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("open"))


@admin.register(Invitation)
class InvitationAdmin(AuditedAdminMixin, ReadOnlyAdmin):
    list_display = ["roundtable", "organisation", "name", "answer", "attended"]
    list_filter = ["answer", "attended"]
    fields = ["roundtable", "organisation", "contact", "name", "language", "answer",
              "answered_at", "attended", "invited_at"]  # fmt: skip
