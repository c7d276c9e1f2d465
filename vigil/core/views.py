from __future__ import annotations

import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_from_request
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import selectors
from .permissions import public


@public
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@public
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database and cache answer, else 503."""
    report = selectors.health_report()
    status = 200 if report["status"] == "ok" else 503
    return JsonResponse(report, status=status)


@public
def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "core/error.html", {"code": 404}, status=404)


@public
def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "core/error.html", {"code": 403}, status=403)


@public
def error_400(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "core/error.html", {"code": 400}, status=400)


@public
def error_500(request: HttpRequest) -> HttpResponse:
    if is_database_outage(sys.exc_info()[1]):
        return unavailable(request)
    return render(request, "core/error.html", {"code": 500}, status=500)


#: How long a visitor is asked to wait when the database does not answer.
RETRY_AFTER_SECONDS = 30
#: Posted fields never shown back: they are secrets, not what a person typed to keep.
NEVER_ECHOED = ("password", "token", "otp")
CSRF_FIELD = "csrfmiddlewaretoken"


def is_database_outage(exc: BaseException | None) -> bool:
    """The database (or, in the embedded mode, its disk) did not answer: a connection refused
    or lost, a lock held too long, a file that cannot be opened.  A constraint violation or a
    bad query is a bug, and stays a 500."""
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 in the visitor's language, rendered without the database (no request context: no
    session, no user); a posted form comes back with what was typed."""
    language = get_language_from_request(request, check_path=True)
    posted = []
    if request.method == "POST":
        for name, value in request.POST.items():
            if any(secret in name.lower() for secret in NEVER_ECHOED) and name != CSRF_FIELD:
                continue
            # Empty fields (a trap for robots among them) and ticked boxes go back unseen, as
            # they were: only what a person typed is shown to be sent again.
            hidden = name == CSRF_FIELD or value in ("", "on")
            label = name.replace("_", " ").capitalize()
            posted.append({"name": name, "label": label, "value": value, "hidden": hidden})
    with translation.override(language):
        body = render_to_string(
            "core/unavailable.html",
            {
                "posted": posted,
                "action": request.get_full_path(),
                "brand_name": settings.VIGIL_SITE_NAME,
            },
        )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response


@public
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/error.html", {"code": "csrf"}, status=403)
