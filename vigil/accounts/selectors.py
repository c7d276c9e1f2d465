from __future__ import annotations

import base64

from .models import SealedTOTPDevice, User


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
