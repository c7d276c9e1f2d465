from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, reverse
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from .permissions import ACCESS_ATTR, public
from .throttle import throttled

V = TypeVar("V", bound=Callable[..., Any])
BACK_OFFICE_ACCESS = "back-office: staff role and a verified second factor, then model rules"


def _as_function(method: Callable[..., Any]) -> Callable[..., Any]:
    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return method(request, *args, **kwargs)

    view.__module__ = __name__
    return view


class VigilAdminSite(admin.AdminSite):
    """Staff back office.  Sign-in happens on Vigil's own pages, which demand the second factor."""

    site_header = _("Vigil back office")
    site_title = _("Vigil back office")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)()
        )

    def admin_view(self, view: V, cacheable: bool = False) -> V:
        """Every back-office view is guarded by :meth:`has_permission`, then by model rules."""
        wrapped = super().admin_view(view, cacheable)
        setattr(wrapped, ACCESS_ATTR, BACK_OFFICE_ACCESS)
        return wrapped

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and pattern.name == "login":
                # The back office's own sign-in page only redirects to Vigil's.
                pattern.callback = public(throttled("sign-in")(_as_function(pattern.callback)))
        return urls

    def i18n_javascript(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Django's catalog for the admin scripts, completed by Vigil's (vigil/locale, djangojs):
        Django's Russian leaves some of them empty, such as the time-zone note of the date
        fields."""
        catalog = JavaScriptCatalog.as_view(packages=["django.contrib.admin"])
        return cast("HttpResponse", catalog(request))

    # Django's own view, guarded by admin_view like every back-office view: say so.
    setattr(i18n_javascript, ACCESS_ATTR, BACK_OFFICE_ACCESS)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect_to_login(
            request.GET.get("next", reverse("admin:index")), reverse("accounts:login")
        )
