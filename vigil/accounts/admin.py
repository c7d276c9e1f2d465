from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.audit.admin import AuditedAdminMixin
from vigil.core.timezones import zone_choices

from .models import RoleAssignment, User

# Vigil's roles replace Django's groups: one place decides who may do what.
admin.site.unregister(Group)
# django-otp's device admin shows and sets the key in clear; staff enrol on the two-factor
# page, where the key is sealed (models.SealedTOTPDevice), and erasure removes devices.
admin.site.unregister(TOTPDevice)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "scope_type", "scope_id", "granted_at", "granted_by"]
    readonly_fields = ["granted_at", "granted_by"]


class UserAdminForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)

    class Meta:
        model = User
        fields = ["email", "name", "language", "time_zone", "is_active"]

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        existing = User.objects.get_by_email(email)
        if existing is not None and existing.pk != self.instance.pk:
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


@admin.register(User)
class UserAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """People's accounts.  E-mails are encrypted, so search works on the exact address only."""

    form = UserAdminForm
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

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change and not obj.password:
            # The person chooses a password through "Forgotten password"; nobody else knows it.
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
