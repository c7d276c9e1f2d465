"""Opt-outs in the back office: deleting one sends the bulletin to that group by e-mail again."""

from __future__ import annotations

from django.contrib import admin

from .models import OptOut


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["group", "created_at"]
    readonly_fields = ["group", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
