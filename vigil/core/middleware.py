from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .timezones import TZ_COOKIE, is_valid_zone


class TimezoneMiddleware:
    """Activate the viewer's zone: their profile's, else their browser's, else the site default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(zoneinfo.ZoneInfo(viewer_zone(request)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def viewer_zone(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and is_valid_zone(user.time_zone):
        return str(user.time_zone)
    cookie = request.COOKIES.get(TZ_COOKIE, "")
    if is_valid_zone(cookie):
        return cookie
    return str(settings.VIGIL_DEFAULT_VIEWER_TIME_ZONE)
