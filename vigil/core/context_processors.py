from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and the same page in each language, for the switcher (plain links, no script)."""
    path = request.get_full_path()
    user: Any = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        # Staff who typed only their password see nothing but the way to finish or sign out.
        "fully_signed_in": signed_in and (not user.needs_two_factor or user.is_verified()),
        "brand_name": settings.VIGIL_SITE_NAME,
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)}
            for code, name in (("ru", "Русский"), ("en", "English"))
        ],
    }
