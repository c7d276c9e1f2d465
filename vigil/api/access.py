"""Who is calling the API and what they may read: one check for every operation.

An operation names the scope it needs with :func:`needs`.  A caller is either

* a token (``Authorization: Bearer vigil_…``): it must hold the scope, must still be usable
  (not expired, not revoked, its owner still staff), and stays within its own per-minute
  limit.  A token reads public data as an anonymous visitor would; with a people scope it
  acts for its owner, and every such request is written to the audit log;
* or, for public data only, nobody or a signed-in session: reads are those of that person, as
  on the pages, within a limit per client address.

Both limits are counted by the project's one throttle (:mod:`vigil.core.throttle`, the
``api-anonymous`` and ``api-token`` scopes of ``settings.THROTTLES``).

The operation receives the :class:`Caller` as ``request.auth``; selectors are always asked with
``caller.user``, so the API sees exactly what the page sees for that person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security.http import HttpAuthBase

from vigil.audit.models import Action
from vigil.audit.services import record
from vigil.core import throttle
from vigil.core.clients import client_ip

from . import tokens
from .models import PEOPLE_SCOPES, ApiToken, Scope
from .problems import Problem

#: The scopes of ``settings.THROTTLES`` the API counts under: reads without a token per
#: client address; a token per its key, up to the token's own limit.
ANONYMOUS_THROTTLE = "api-anonymous"
KEYED_THROTTLE = "api-token"


@dataclass
class Caller:
    user: Any
    token: ApiToken | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)


def _client_address(request: HttpRequest) -> str:
    """Behind the configured proxies, the address the nearest of them saw."""
    return client_ip(request) or "unknown"


def _limited(scope: str, **counted: Any) -> None:
    """Count the request in the project's throttle; past the limit, 429 with ``Retry-After``
    (the seconds until the window ends)."""
    try:
        throttle.hit(scope, **counted)
    except throttle.Throttled as refused:
        raise Problem(429, headers={"Retry-After": str(refused.retry_after)}) from None


_REFUSED = {
    "unknown": lambda: _("This token is not known."),
    "expired": lambda: _("This token has expired."),
    "revoked": lambda: _("This token has been revoked."),
    "owner": lambda: _("This token's owner may no longer use the API."),
}


class ScopeAuth(HttpAuthBase):
    """The check itself; shown in the schema as HTTP bearer authentication."""

    openapi_scheme = "bearer"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = str(request.headers.get("Authorization", ""))
        if header:
            return self._token_caller(request, header)
        if self.scope != Scope.READ_PUBLIC:
            return None  # django-ninja answers 401
        _limited(ANONYMOUS_THROTTLE, ip=_client_address(request))
        user = request.user if request.user.is_authenticated else AnonymousUser()
        return Caller(user=user)

    def _token_caller(self, request: HttpRequest, header: str) -> Caller:
        kind, _sep, raw = header.partition(" ")
        if kind.lower() != "bearer" or not raw.strip():
            raise Problem(401)
        found = tokens.find(raw.strip())
        token = found.token
        if token is None:
            raise Problem(401, _REFUSED[found.problem]())
        _limited(KEYED_THROTTLE, ip="", key=str(token.pk), key_limit=token.per_minute)
        if self.scope not in token.scopes:
            raise Problem(
                403, _("This token does not have the scope “%(scope)s”.") % {"scope": self.scope}
            )
        acts_for_owner = self.scope != Scope.READ_PUBLIC
        caller = Caller(
            user=token.owner if acts_for_owner else AnonymousUser(),
            token=token,
            scopes=frozenset(token.scopes),
        )
        if self.scope in PEOPLE_SCOPES:
            record(
                actor=token.owner,
                action=Action.CHANGE if request.method not in ("GET", "HEAD") else Action.LIST,
                request=request,
                via="api",
                token=token.prefix,
                scope=self.scope,
            )
        return caller


def needs(scope: str) -> ScopeAuth:
    return ScopeAuth(scope)


PUBLIC_READ = needs(Scope.READ_PUBLIC)
PEOPLE_READ = needs(Scope.READ_PEOPLE)
ACTIONS_WRITE = needs(Scope.WRITE_ACTIONS)
CONTENT_MANAGE = needs(Scope.MANAGE_CONTENT)


def caller_of(request: HttpRequest) -> Caller:
    auth = getattr(request, "auth", None)
    if isinstance(auth, Caller):
        return auth
    return Caller(user=request.user if request.user.is_authenticated else AnonymousUser())
