"""Documents in the staff back office.  No people's data here: press releases and their
organisational contacts are public text, so no audit mixin is needed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .forms import DocumentForm
from .models import Attachment, Document, ImportJob


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "file"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    inlines = [AttachmentInline]
    list_display = [
        "index_number",
        "language",
        "title",
        "doc_type",
        "classification",
        "embargo_at",
        "needs_review",
    ]
    list_filter = ["needs_review", "doc_type", "classification", "language", "index_prefix"]
    search_fields = ["index_number", "index_as_printed", "title"]
    date_hierarchy = "date"
    readonly_fields = [
        "index_as_printed",
        "review_reasons",
        "unparsed_notes",
        "original_text",
        "source_name",
        "announced_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "index_number",
                    "language",
                    "original",
                    "classification",
                    "doc_type",
                    "news_service_number",
                    "date",
                    ("embargo_local", "embargo_zone"),
                    "title",
                    "body",
                ]
            },
        ),
        (
            "+",
            {
                "fields": [
                    "index_as_printed",
                    "review_reasons",
                    "issuer",
                    "banner",
                    "distribution",
                    "correspondence_address",
                    "contacts",
                    "closing_lines",
                    "unparsed_notes",
                    "original_text",
                    "source_name",
                    "announced_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_document(obj)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are read here; they are started and followed on the import page."""

    list_display = ["pk", "kind", "status", "created_by", "created_at", "published", "errors"]
    list_filter = ["kind", "status"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
