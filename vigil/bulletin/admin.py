"""The bulletin in the back office: issues and the glossary.  Translation happens in the editor."""

from __future__ import annotations

from django.contrib import admin

from .models import GlossaryTerm, Issue, MemoryEntry


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["year", "month", "title", "created_at"]
    filter_horizontal = ["reviewers"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "note"]
    search_fields = ["source", "target"]


@admin.register(MemoryEntry)
class MemoryEntryAdmin(admin.ModelAdmin):
    """Read-only but deletable: a bad pair can be taken out of the memory."""

    list_display = ["source", "target", "created_at"]
    search_fields = ["source"]
    readonly_fields = ["source", "target", "source_hash", "segment", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
