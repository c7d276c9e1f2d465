from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vigil.audit.admin import AuditedAdminMixin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "scope_type", "scope_id", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]


@admin.register(User)
class UserAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """People's accounts.  E-mails are encrypted, so search works on the exact address only."""

    list_display = ["id", "name", "email", "language", "time_zone", "is_active", "date_joined"]
    list_filter = ["is_active", "language", "role_assignments__role"]
    fields = ["email", "name", "language", "time_zone", "is_active", "date_joined", "last_login"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [RoleAssignmentInline]
    search_help_text = _("Type a whole e-mail address: addresses are encrypted and found exactly.")
    search_fields = ["email_index"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(email_index=User.objects.email_index(term)), False
