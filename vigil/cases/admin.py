"""Cases in the back office.  Letters name their writer: every look at them is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vigil.audit.admin import AuditedAdminMixin

from .models import (
    AppealTemplate,
    Case,
    CaseAssignment,
    CaseDocument,
    Letter,
    Official,
    Outcome,
    PolicySettings,
)


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


class DocumentInline(admin.TabularInline):
    model = CaseDocument
    extra = 0


class OfficialInline(admin.StackedInline):
    model = Official
    extra = 0


class TemplateInline(admin.StackedInline):
    model = AppealTemplate
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title_ru", "country", "category", "status", "is_urgent", "deadline",
                    "is_published"]  # fmt: skip
    list_filter = ["category", "status", "is_urgent", "is_published", "country"]
    search_fields = ["title_ru", "title_en", "slug", "people"]
    prepopulated_fields = {"slug": ["title_en"]}
    inlines = [OutcomeInline, DocumentInline, OfficialInline, TemplateInline]


@admin.register(CaseAssignment)
class CaseAssignmentAdmin(admin.ModelAdmin):
    """Read-only here: assignments go through the case page, where the policy is asked."""

    list_display = ["case", "group", "assigned_at"]
    list_select_related = ["case", "group"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Counted letters; the kept text is the writer's and is not shown."""

    list_display = ["case", "group", "channel", "language", "written_at"]
    list_filter = ["channel", "language"]
    date_hierarchy = "written_at"
    list_select_related = ["case", "group"]
    fields = ["case", "official", "group", "writer", "channel", "language", "written_at"]
    readonly_fields = ["case", "official", "group", "writer", "channel", "language", "written_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PolicySettings)
class PolicySettingsAdmin(admin.ModelAdmin):
    list_display = ["mode", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not PolicySettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
