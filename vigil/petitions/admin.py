"""Petitions in the staff back office.  Signers' data is people's data: every look is audited.

The review list is the signatures admin filtered on "flagged for review": staff clear a flag
when a burst was a real crowd (a street stall, a concert) or remove the signatures that are
not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vigil.audit.admin import AuditedAdminMixin
from vigil.audit.services import record

from .models import ConsentText, PaperBatch, Petition, Signature


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A wording somebody agreed to is never rewritten: add a new version instead.
        return obj is None and super().has_change_permission(request, obj)


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["title_ru", "slug", "goal", "closes_at", "is_published", "delivered_at"]
    list_filter = ["is_published"]
    search_fields = ["title_ru", "title_en", "slug", "target"]
    prepopulated_fields = {"slug": ["title_en"]}
    readonly_fields = ["delivered_at", "purged_at"]


@admin.register(Signature)
class SignatureAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["id", "petition", "name", "city", "created_at", "confirmed_at", "flagged"]
    list_filter = ["flagged", ("confirmed_at", admin.EmptyFieldListFilter), "petition"]
    list_select_related = ["petition"]
    readonly_fields = [
        "petition", "name", "email", "country", "city", "phone", "consent", "language",
        "created_at", "confirmed_at", "flag_reason", "purged_at",
    ]  # fmt: skip
    fields = [*readonly_fields[:10], "flagged", "flag_reason", "purged_at"]
    actions = ["clear_flag", "remove_signatures"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Clear the flag: these signatures are genuine"))
    def clear_flag(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        done = queryset.filter(flagged=True).update(flagged=False)
        record(actor=request.user, action="change", target=Signature, request=request,
               cleared_flags=done)  # fmt: skip
        self.message_user(request, _("Flags cleared: %(n)d") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Remove these signatures (not genuine)"))
    def remove_signatures(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        Signature.objects.filter(pk__in=ids).delete()
        record(actor=request.user, action="delete", target=Signature, request=request,
               removed=len(ids))  # fmt: skip
        self.message_user(
            request,
            ngettext("%(n)d signature removed.", "%(n)d signatures removed.", len(ids))
            % {"n": len(ids)},
            messages.SUCCESS,
        )


@admin.register(PaperBatch)
class PaperBatchAdmin(admin.ModelAdmin):
    list_display = ["petition", "group", "count", "collected_on", "entered_by"]
    list_filter = ["petition", "group"]
    list_select_related = ["petition", "group", "entered_by"]
    raw_id_fields = ["entered_by"]
    exclude = ["scan"]
