"""Campaigns in the staff back office.  No people's data here: a campaign is public text, so
no audit mixin is needed.  Saving goes through ``services.save_campaign``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .forms import CampaignForm, PartnershipForm
from .models import Campaign, Partnership


def _set_status(status: str, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
    campaigns = list(queryset)
    for campaign in campaigns:
        services.set_status(campaign, status)
    messages.success(
        request,
        ngettext("%(count)d campaign changed.", "%(count)d campaigns changed.", len(campaigns))
        % {"count": len(campaigns)},
    )


@admin.action(description=_("Publish the selected campaigns (active)"), permissions=["change"])
def publish(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
    _set_status(Campaign.Status.ACTIVE, request, queryset)


@admin.action(description=_("End the selected campaigns"), permissions=["change"])
def end(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
    _set_status(Campaign.Status.ENDED, request, queryset)


@admin.action(description=_("Withdraw the selected campaigns (draft)"), permissions=["change"])
def withdraw(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
    _set_status(Campaign.Status.DRAFT, request, queryset)


class PartnershipInline(admin.TabularInline):
    model = Partnership
    form = PartnershipForm
    extra = 0
    autocomplete_fields = ["organisation"]
    verbose_name_plural = _("Partner organisations: role, contact person and staff note")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    inlines = [PartnershipInline]
    actions = [publish, end, withdraw]
    list_display = ["title_ru", "title_en", "slug", "status", "starts_at", "ends_at"]
    list_filter = ["status"]
    search_fields = ["title_ru", "title_en", "slug"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title_en"]}
    autocomplete_fields = ["cases", "petitions", "events", "documents"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title_ru", "title_en", "slug", "status", ("starts_at", "ends_at")]}),
        (_("Text"), {"fields": ["summary_ru", "summary_en", "body_ru", "body_en"]}),
        (_("Picture"), {"fields": ["hero_image", "hero_alt_ru", "hero_alt_en"]}),
        (
            _("Take action"),
            {
                "fields": ["cases", "petitions", "events", "documents"],
                "description": _(
                    "The campaign page shows each of these only as its own page would: "
                    "unpublished cases and petitions, members-only events and documents under "
                    "embargo stay hidden until they are public."
                ),
            },
        ),
        ("+", {"fields": ["created_by", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.save_campaign(obj, request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Partnership:
            super().save_formset(request, form, formset, change)
            return
        for gone in formset.deleted_forms:
            if gone.instance.pk:
                services.remove_partnership(gone.instance)
        for row in formset.forms:
            if row in formset.deleted_forms or not row.has_changed():
                continue
            data = row.cleaned_data
            services.save_partnership(
                form.instance,
                data["organisation"],
                role=data["role"],
                contact=data.get("contact"),
                note=data.get("note", ""),
            )
