"""Personal API tokens in the back office: issue one (shown once), see when each was last
used, revoke.  Issuing and revoking go through :mod:`vigil.api.tokens`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from vigil.accounts.roles import Role
from vigil.core.permissions import can

from . import tokens
from .models import ApiToken, Scope


class IssueTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        help_text=_("One year at most; in your time zone."),
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scopes", "expires_at", "per_minute"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].initial = (timezone.now() + tokens.DEFAULT_LIFETIME).replace(
            microsecond=0, second=0
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "scopes" in data and "expires_at" in data:
            try:
                tokens.check(list(data["scopes"]), data["expires_at"], timezone.now())
            except ValidationError as error:
                self.add_error(None, error)
        return data


class ShownTokenForm(forms.ModelForm):
    """An issued token: nothing to edit."""

    class Meta:
        model = ApiToken
        fields: list[str] = []


@admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
def revoke(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
    chosen = [t for t in queryset if can(request.user, "api.change_apitoken", t)]
    for token in chosen:
        tokens.revoke(token)
    messages.success(
        request,
        ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(chosen))
        % {"count": len(chosen)},
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = IssueTokenForm
    actions = [revoke]
    list_display = ["name", "prefix", "owner_name", "scope_labels", "expires_at", "last_used_at",
                    "revoked_at"]  # fmt: skip
    list_filter = ["revoked_at"]
    readonly_fields = ["name", "prefix", "owner_name", "scope_labels", "per_minute", "created_at",
                       "expires_at", "last_used_at", "revoked_at"]  # fmt: skip

    @admin.display(description=_("owner"))
    def owner_name(self, token: ApiToken) -> str:
        return str(token.owner.name or token.owner_id)

    @admin.display(description=_("scopes"))
    def scope_labels(self, token: ApiToken) -> str:
        return token.scope_labels()

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        tokens_ = super().get_queryset(request).select_related("owner")
        user: Any = request.user
        if user.has_role(Role.ADMIN):
            return tokens_
        return tokens_.filter(owner=request.user.pk)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else ["name", "scopes", "expires_at",
                                                              "per_minute"]  # fmt: skip

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:
            kwargs["form"] = ShownTokenForm
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, "api.change_apitoken", obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, "api.view_apitoken", obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(request.user, "api.add_apitoken")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # a token is never edited; revoking is the action
        data = form.cleaned_data
        token, raw = tokens.issue(
            request.user,
            name=data["name"],
            scopes=list(data["scopes"]),
            expires_at=data["expires_at"],
            per_minute=data["per_minute"],
        )
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        request._vigil_new_token = raw  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: Any = None
    ) -> HttpResponse:
        raw = getattr(request, "_vigil_new_token", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        response = TemplateResponse(
            request,
            "api/token_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Your new API token"),
                "token": obj,
                "raw": raw,
                "opts": self.model._meta,
            },
        )
        response["Cache-Control"] = "no-store"
        return response
