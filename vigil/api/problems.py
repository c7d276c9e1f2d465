"""Errors of the API as RFC 9457 problem details (``application/problem+json``), in the
request's language: from the operations, from authentication and limits, and — through
:class:`ApiProblemMiddleware` — from anything else that answers under ``/api/`` (an unknown
path, a wrong method, a server error), so no HTML page is ever returned there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"

TITLES: dict[int, Any] = {
    400: _("The request is not valid"),
    401: _("Authentication is needed"),
    403: _("Not allowed"),
    404: _("Not found"),
    405: _("Method not allowed"),
    406: _("Not acceptable"),
    409: _("Conflict"),
    410: _("Gone"),
    412: _("Precondition failed"),
    413: _("The request is too large"),
    415: _("Unsupported media type"),
    422: _("The request's data is not valid"),
    429: _("Too many requests"),
    500: _("Server error"),
    503: _("Service unavailable"),
}

DETAILS: dict[int, Any] = {
    401: _("Send a valid API token as “Authorization: Bearer <token>”."),
    403: _("Your token or account does not allow this."),
    404: _("There is nothing at this address."),
    405: _("This address does not take this method."),
    422: _("Some of the request's values are missing or not valid."),
    429: _("Too many requests in a short time. Please wait and try again."),
    500: _("Something went wrong on our side. It has been logged."),
    503: _("The service is unavailable for a moment. Please try again shortly."),
}


class Problem(Exception):
    """Raise from an operation to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: Any = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str


def _title(status: int) -> str:
    title = TITLES.get(status)
    if title is not None:
        return str(title)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(TITLES[500])


def problem(
    request: HttpRequest,
    status: int,
    detail: Any = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The response: in the request's language (Accept-Language; /api/ has no URL prefix)."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = {
            "type": "about:blank",
            "title": _title(status),
            "status": status,
            "detail": str(detail if detail is not None else DETAILS.get(status, _title(status))),
            **extra,
        }
        content = json.dumps(body, ensure_ascii=False, default=str)
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPE)
    response["Content-Language"] = language
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def install(api: NinjaAPI) -> None:
    """Replace django-ninja's default error answers with problem documents."""

    def on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        headers = dict(exc.headers)
        if exc.status == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        return problem(request, exc.status, exc.detail, headers=headers, **exc.extra)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return problem(request, 422, errors=errors)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(request, exc.status_code)

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error at %s", request.path)
        return problem(request, 500)

    handlers: dict[type[Exception], Callable[[HttpRequest, Any], HttpResponse]] = {
        Problem: on_problem,
        ValidationError: on_validation,
        AuthenticationError: lambda request, exc: problem(
            request, 401, headers={"WWW-Authenticate": "Bearer"}
        ),
        Http404: lambda request, exc: problem(request, 404),
        PermissionDenied: lambda request, exc: problem(request, 403),
        HttpError: on_http_error,
        Exception: on_unexpected,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)
