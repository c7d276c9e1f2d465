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


FORM_TYPE = "application/x-www-form-urlencoded"


class FormEncodingMiddleware:
    """Read every urlencoded form as UTF-8, whatever charset the request declares.

    Django refuses such a form outright (a bare "Bad request") when it declares another
    charset.  A body that is valid UTF-8 is read as UTF-8; one that is not but decodes in the
    declared charset is re-encoded from it.  Raw bytes outside ASCII are percent-encoded, so
    that bytes which are not UTF-8 reach the form as U+FFFD, which the form refuses with a
    message (vigil.core.forms.TextFormMixin) instead of storing garbled text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type == FORM_TYPE:
            self._as_utf8(request)
        return self.get_response(request)

    @staticmethod
    def _as_utf8(request: HttpRequest) -> None:
        from urllib.parse import parse_qsl, quote_from_bytes, unquote_to_bytes, urlencode

        declared = str((request.content_params or {}).get("charset", "utf-8")).lower()
        body = request.body
        if not body.isascii():
            body = quote_from_bytes(body, safe=b"=&+%;").encode("ascii")
        if declared not in ("utf-8", "utf8"):
            try:
                unquote_to_bytes(body.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                try:
                    pairs = parse_qsl(
                        body.decode("ascii"), keep_blank_values=True, encoding=declared,
                        errors="strict",
                    )  # fmt: skip
                    body = urlencode(pairs).encode("ascii")
                except (LookupError, UnicodeDecodeError):
                    pass  # unknown or wrong charset: read as UTF-8, the form refuses the rest
        if body is not request.body:
            request._body = body
        request.META["CONTENT_TYPE"] = FORM_TYPE
        request.encoding = "utf-8"
