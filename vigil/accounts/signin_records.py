"""django-axes' sign-in records, reduced to what the lockout needs.

Axes keys a failed attempt by (account, address) and stores the browser, the Accept header
and the form it was sent.  Vigil stores instead:

* the account as the blind index of its e-mail (``backends.axes_username``);
* the network (/24 or /48) as a keyed hash, written as an address of the private fd00::/8
  range because axes' column is an IP address (``inet`` on PostgreSQL);
* no browser, no Accept header; the form's fields are masked by axes itself
  (``AXES_SENSITIVE_PARAMETERS``) and its log lines name nobody (``client_str``).

Successful sign-ins are not logged (``AXES_DISABLE_ACCESS_LOG``), failures go once their
cool-off is over (:func:`purge_expired`, and axes' own clean-up at every sign-in), and a
person's erasure removes every record keyed to their address (:func:`erase_for`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from vigil.core.clients import client_ip, network_of
from vigil.core.crypto import parse_blind_key

NETWORK_PURPOSE = b"axes.network"


def network_key(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: a keyed hash of the client's network, shaped as an address."""
    key = parse_blind_key(settings.VIGIL_BLIND_INDEX_KEY)
    network = network_of(client_ip(request)).encode()
    digest = hmac.new(key, NETWORK_PURPOSE + b"\x00" + network, hashlib.sha256).digest()
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))


def client_str(
    username: Any, ip_address: Any, user_agent: Any, path_info: Any, request: Any
) -> str:
    """AXES_CLIENT_STR_CALLABLE: what axes' log lines say about a client (nothing personal)."""
    return f"{{account: {str(username or '-')[:8]}…, network: {ip_address}}}"


def _scrub(request: Any) -> None:
    if request is not None:
        request.axes_user_agent = ""
        request.axes_http_accept = ""


class PrivateDatabaseHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, told nothing about the browser."""

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        _scrub(request)
        super().user_login_failed(sender, credentials, request=request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _scrub(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        _scrub(request)
        super().user_logged_out(sender, request, user, **kwargs)


def purge_expired() -> int:
    """Delete the failures whose cool-off is over, and any access log.  Returns rows deleted."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lte=threshold).delete()
    deleted += AccessFailureLog.objects.all().delete()[0]
    deleted += AccessLog.objects.all().delete()[0]
    return deleted


def erase_for(email: str) -> int:
    """Delete every sign-in record keyed to this address (its blind index, or the address)."""
    from .backends import axes_username

    keys = {axes_username(None, {"username": email}), email}
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted += model.objects.filter(username__in=keys).delete()[0]
    return deleted
