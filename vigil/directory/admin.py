"""The directory in the staff back office.  Editors normally use the directory's own editor."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vigil.audit.admin import AuditedAdminMixin
from vigil.core.admin import AppendOnlyAdminMixin

from . import selectors, services, signals
from .models import (
    Channel,
    Contact,
    Office,
    Organisation,
    Publication,
    Region,
    Revision,
    Suggestion,
    Topic,
)


class _LabelAdmin(admin.ModelAdmin):
    """Regions and topics: their names are in the search documents of the entries that show
    them, and a change shown by many entries reaches the search later (``signals``)."""

    label_kind = ""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            return
        count = len(selectors.organisations_showing(self.label_kind, obj.pk))
        if signals.reindexed_by_the_worker(count):
            self.message_user(
                request,
                ngettext(
                    "The search is being updated in the background for the %(count)d entry "
                    "that shows this name; until then it finds it as it was.",
                    "The search is being updated in the background for the %(count)d entries "
                    "that show this name; until then it finds them as they were.",
                    count,
                )
                % {"count": count},
                messages.INFO,
            )


@admin.register(Region)
class RegionAdmin(_LabelAdmin):
    label_kind = "region"
    list_display = ["name_en", "name_ru", "slug", "kind", "iso_code", "parent"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_ru", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    list_select_related = ["parent"]


@admin.register(Topic)
class TopicAdmin(_LabelAdmin):
    label_kind = "topic"
    list_display = ["name_en", "name_ru", "slug"]
    search_fields = ["name_en", "name_ru", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class OfficeInline(admin.StackedInline):
    model = Office
    extra = 0
    fields = ["label", "city", "postal_code", "street_lines", "po_box", "position"]
    show_change_link = True


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "office", "is_published", "position"]
    show_change_link = True


class PublicationInline(admin.StackedInline):
    model = Publication
    extra = 0
    fields = ["title", "frequency", "language", "description", "prepared_by", "position"]


class ChannelInline(admin.TabularInline):
    model = Channel
    extra = 0
    fields = ["kind", "value", "normalised", "withheld", "position"]
    readonly_fields = ["normalised"]


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = ["created_at", "author", "summary"]
    readonly_fields = ["created_at", "author", "summary"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_ru", "slug", "is_published", "last_updated", "verified_at"]
    list_filter = ["is_published", "regions", "topics"]
    search_fields = ["name_en", "name_ru", "slug"]
    filter_horizontal = ["regions", "topics"]
    readonly_fields = ["created_at", "updated_at", "import_key", "source_encoding"]
    inlines = [OfficeInline, ContactInline, PublicationInline, RevisionInline]
    fieldsets = [
        (None, {"fields": ["name_ru", "name_en", "aliases", "former_names", "slug"]}),
        (None, {"fields": ["mission", "history", "activities", "membership"]}),
        (None, {"fields": ["regions", "topics"]}),
        (
            None,
            {
                "fields": [
                    "attribution",
                    "source",
                    "sponsor",
                    "source_url",
                    "last_updated",
                    "verified_at",
                    "is_published",
                ]
            },
        ),
        (
            None,
            {
                "classes": ["collapse"],
                "fields": [
                    "original_text",
                    "source_encoding",
                    "unparsed_lines",
                    "import_key",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "city", "postal_code"]
    search_fields = ["organisation__name_en", "organisation__name_ru", "city", "label"]
    list_select_related = ["organisation"]
    inlines = [ChannelInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "organisation", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["name", "organisation__name_en", "organisation__name_ru"]
    list_select_related = ["organisation"]
    inlines = [ChannelInline]


@admin.register(Suggestion)
class SuggestionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """What the public sent stays as sent; editors set the status and their note.  The
    contact address is a person's: reading it is audited."""

    list_display = ["organisation", "status", "created_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "reviewed_by"]
    fields = [
        "organisation", "text", "contact_email", "created_at", "status", "review_note",
        "reviewed_by", "reviewed_at",
    ]  # fmt: skip
    readonly_fields = [
        "organisation", "text", "contact_email", "created_at", "reviewed_by", "reviewed_at",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and "status" in form.changed_data:
            services.review_suggestion(
                obj,
                reviewer=request.user,
                accept=obj.status == Suggestion.Status.ACCEPTED,
                note=obj.review_note,
            )
            if obj.status == Suggestion.Status.OPEN:
                obj.reviewed_by, obj.reviewed_at = None, None
        super().save_model(request, obj, form, change)


@admin.register(Revision)
class RevisionAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    """History is append-only."""

    list_display = ["organisation", "created_at", "author", "summary"]
    list_select_related = ["organisation", "author"]
    readonly_fields = ("organisation", "author", "created_at", "summary", "snapshot_as_saved")
    fields = readonly_fields

    @admin.display(description=_("entry as saved"))
    def snapshot_as_saved(self, revision: Revision) -> str:
        """The stored JSON as code: its keys are the fields' names, not words to translate."""
        text = json.dumps(revision.snapshot, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)
