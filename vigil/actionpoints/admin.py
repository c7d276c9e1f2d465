"""Action points in the back office: a list to find them, read-only; points are added and
updated on their pages (``/action-points/``), which go through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ActionPoint


@admin.register(ActionPoint)
class ActionPointAdmin(admin.ModelAdmin):
    list_display = ["title_ru", "status", "progress", "due_on", "campaign", "is_public", "page"]
    list_filter = ["status", "is_public", "campaign"]
    search_fields = ["title_ru", "title_en"]
    date_hierarchy = "due_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("page"))
    def page(self, obj: ActionPoint) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("open"))
