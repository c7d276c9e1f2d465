"""What every answer under ``/api/`` gets: problem documents for errors, ETags for reads."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from .problems import API_PREFIX, CONTENT_TYPE, problem


class ApiMiddleware:
    """Right after ``LocaleMiddleware``.  Every answer passes through it, Django's own 404 for
    an unknown path, the 403 of a failed CSRF check and the 500/503 of
    ``core.views.error_500`` included: under ``/api/``
    any error answer that is not a problem document becomes one, in the request's language.
    A successful read gets a strong ETag of its body and answers ``If-None-Match`` with 304.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        # /api/ has no language prefix, and an unprefixed page is Russian: the API speaks the
        # language the client asks for instead.
        with translation.override(translation.get_language_from_request(request)):
            response = self.get_response(request)
        patch_vary_headers(response, ("Authorization", "Accept-Language", "Cookie"))
        if response.status_code >= 400:
            if response.get("Content-Type", "").startswith(CONTENT_TYPE):
                return response
            kept = {
                name: response[name]
                for name in ("Retry-After", "Allow")
                if response.has_header(name)
            }
            answer = problem(request, response.status_code, headers=kept)
            patch_vary_headers(answer, ("Authorization", "Accept-Language", "Cookie"))
            return answer
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not getattr(response, "streaming", False)
        ):
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = "private, no-cache"
            set_response_etag(response)
            return (
                get_conditional_response(request, etag=response["ETag"], response=response)
                or response
            )
        return response
