from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from vigil.core.crypto import blind_index, normalise_email

from .models import User
from .roles import BACK_OFFICE_ROLES, Role


class EmailBackend(BaseBackend):
    """Sign in by e-mail.  The address is found through its blind index, never decrypted."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = username or kwargs.get("email")
        if not email or not password:
            return None
        user = User.objects.get_by_email(email)
        if user is None:
            # Same work as a real check, so timing does not tell which addresses have accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and user.is_active:
            return user
        return None

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class RoleBackend(BaseBackend):
    """Administrators may do everything; other roles get exactly what each app's rules grant."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return bool(getattr(user_obj, "is_authenticated", False)) and user_obj.has_role(Role.ADMIN)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        # Staff see an app in the back office; each model's own permission then decides.
        return bool(getattr(user_obj, "is_authenticated", False)) and user_obj.has_role(
            *BACK_OFFICE_ROLES
        )


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """Lockout records are keyed by the e-mail's blind index: no address is stored in clear."""
    raw = ""
    if credentials:
        raw = credentials.get("username") or credentials.get("email") or ""
    if not raw and request is not None and request.method == "POST":
        raw = request.POST.get("username", "")
    if not raw:
        return ""
    return blind_index(normalise_email(str(raw)), purpose="axes.username")[:32]
