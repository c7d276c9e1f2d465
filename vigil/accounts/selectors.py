from __future__ import annotations

import base64

from django.db.models import QuerySet

from .models import SealedTOTPDevice, User
from .roles import Role


def confirmed_totp_device(user: User) -> SealedTOTPDevice | None:
    return SealedTOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_secret_base32(device: SealedTOTPDevice) -> str:
    """The secret as authenticator apps expect it when typed by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def roles_of(user: User) -> list[dict[str, object]]:
    return [
        {
            "role": a.role,
            "label": str(a.get_role_display()),
            "scope": str(a.scope) if a.scope else None,
        }
        for a in user.role_assignments.select_related("scope_type").order_by("role")
    ]


def people() -> QuerySet[User]:
    """The network's members and supporters with an active account (the API's people): an
    erased account is inactive and holds no roles."""
    return (
        User.objects.filter(
            is_active=True, role_assignments__role__in=[Role.MEMBER, Role.SUPPORTER]
        )
        .distinct()
        .prefetch_related("role_assignments")
    )
