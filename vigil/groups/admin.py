"""Local groups in the staff back office.  Members' names are people's data: every look is
audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from vigil.audit.admin import AuditedAdminMixin

from . import services
from .models import Application, Group, Meeting, MeetingLetters, Membership


class GroupAdminForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "number", "name", "name_en", "slug", "city", "region", "country", "status", "email",
            "postal_address", "meeting_rule", "meeting_time", "meeting_timezone", "meeting_place",
            "created_at",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        """The schedule is checked by ``services.validate_schedule``, as on the group's own
        edit page: one rule, whichever way in."""
        data = super().clean() or {}
        schedule = ("meeting_rule", "meeting_time", "meeting_timezone")
        if any(name in self.errors for name in schedule):
            return data  # the field's own error says it; checking the rule would add noise
        try:
            data["meeting_rule"] = services.validate_schedule(
                data.get("meeting_rule") or "",
                data.get("meeting_time"),
                data.get("meeting_timezone") or "",
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at", "left_at", "receives_group_mail"]
    raw_id_fields = ["user"]


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = GroupAdminForm
    list_display = ["number", "name", "city", "region", "status"]
    list_filter = ["status"]
    search_fields = ["name", "name_en", "city", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["region"]
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        # Saved the way the group's edit page saves it (normalised rule and country).
        services.update_group(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        # The coordinator role follows the membership role, whichever way it was changed.
        for membership in Membership.objects.filter(group=form.instance):
            services.sync_coordinator_role(membership)


class LettersInline(admin.TabularInline):
    model = MeetingLetters
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["group", "held_on", "attendance"]
    list_filter = ["group"]
    date_hierarchy = "held_on"
    inlines = [LettersInline]
    raw_id_fields = ["logged_by"]


@admin.register(Application)
class ApplicationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Answered on the groups' own pages (which send the answer); here only to look or delete."""

    list_display = ["__str__", "group", "region", "status", "created_at"]
    list_filter = ["status"]
    fields = readonly_fields = (
        "name", "email", "city", "languages", "region", "group", "language", "consent_at",
        "status", "answer", "decided_at", "decided_by", "user", "created_at",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
