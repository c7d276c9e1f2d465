"""Documents in the staff back office.  No people's data here: press releases and their
organisational contacts are public text, so no audit mixin is needed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import services
from .forms import DocumentForm
from .models import Attachment, Document


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "file"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    inlines = [AttachmentInline]
    list_display = ["index_number", "language", "title", "doc_type", "classification", "embargo_at"]
    list_filter = ["doc_type", "classification", "language", "index_prefix"]
    search_fields = ["index_number", "title"]
    date_hierarchy = "date"
    readonly_fields = ["unparsed_notes", "original_text", "source_name", "announced_at"]
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
                    "issuer",
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
