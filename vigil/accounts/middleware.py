from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class TwoFactorRequiredMiddleware:
    """Staff and administrators do nothing until their second factor is checked.

    Signed in with a password only, they reach the two-factor page, sign-out and the language
    switch; every other request is sent to the two-factor page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if (
            user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not self._exempt(request.path)
        ):
            url = reverse("accounts:two_factor")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (reverse("accounts:two_factor"), reverse("accounts:logout"), reverse("health"))
        return path in allowed or path.startswith(settings.STATIC_URL)
