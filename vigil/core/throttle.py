"""The one limit on public forms and the API: every public POST is counted here.

An attempt is counted per client address, per its network (/24 or /48) and, where the form
takes an e-mail address, per that address, in fixed windows; a caller with a key of its own
(an API token) is counted per key.  Past a counter's soft limit the attempt goes through and
is *flagged* (a record that keeps the flag shows it to staff; the others log one line without
personal data); past its hard limit it is refused and the visitor is asked to wait.  The
limits of every form, and of the API, are in one setting, ``THROTTLES``.

Counters are named by a keyed hash (the blind-index key): no address is stored in clear.
They live in Redis when the default cache is Redis (the PostgreSQL mode: one pipeline, one
round trip) and otherwise in :class:`~vigil.core.models.ThrottleCount`, one ``INSERT ... ON
CONFLICT DO UPDATE ... RETURNING`` in the caller's transaction when there is one (so a
refused petition signature leaves no count behind), else in a transaction of its own.

Views declare their limit with :func:`throttled`; the standing test in ``tests/security``
walks the URLconf and fails for any public POST without it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from .clients import client_ip, network_of
from .crypto import blind_index, normalise_email
from .memo import ProcessMemo

logger = logging.getLogger(__name__)

PURPOSE = "core.throttle"
#: The attribute :func:`throttled` sets on a view: the scope whose limits it uses.
THROTTLE_ATTR = "vigil_throttle"
KINDS = ("ip", "net", "address", "key")


class Throttled(ValidationError):
    """Past a hard limit: the attempt is refused and the visitor asked to wait."""

    def __init__(self, minutes: int, *, retry_after: int = 0) -> None:
        #: Seconds until the window ends (for a ``Retry-After`` header).
        self.retry_after = retry_after or minutes * 60
        super().__init__(
            _(
                "Too many attempts have come from your connection or for this address in "
                "the last few minutes. Please try again in %(minutes)d minutes."
            )
            % {"minutes": minutes},
            code="rate_limited",
        )


@dataclass(frozen=True)
class Verdict:
    """An attempt let through: ``flagged`` past a soft limit, with the reason for staff."""

    flagged: bool = False
    reason: str = ""


# --- configuration -------------------------------------------------------------------------
def limits(scope: str) -> dict[str, Any]:
    """The limits of ``scope`` from ``settings.THROTTLES``; an unknown scope is an error."""
    configured: dict[str, dict[str, Any]] = settings.THROTTLES
    if scope not in configured:
        raise KeyError(f"no limits configured for {scope!r} in settings.THROTTLES")
    return configured[scope]


def window_seconds(scope: str) -> int:
    return int(limits(scope).get("window", 600))


# --- who is asking -------------------------------------------------------------------------
# ``client_ip`` and ``network_of`` are the ones of :mod:`vigil.core.clients`, imported above.


def counters(scope: str, ip: str, address: str = "", key: str = "") -> dict[str, str]:
    """The counters an attempt adds to, named by a keyed hash."""
    configured = limits(scope)
    values = {
        "ip": ip or "unknown",
        "net": network_of(ip or ""),
        "address": normalise_email(address) if address else "",
        "key": key,
    }
    return {
        kind: blind_index(f"{scope}:{kind}:{values[kind]}", purpose=PURPOSE)
        for kind in KINDS
        if kind in configured and values[kind]
    }


# --- counting ------------------------------------------------------------------------------
def uses_redis() -> bool:
    """True when the default cache is Redis.  ``django.core.cache.cache`` is a proxy, never
    an instance of a backend: ask ``caches`` for the backend itself."""
    return isinstance(caches["default"], RedisCache)


def window(seconds: int) -> int:
    return int(time.time()) // seconds


#: The Redis client of each connection pool, made once per process: building one (Django's
#: cache builds one per call) costs more CPU than the round trip that counts.
_clients: ProcessMemo[int, tuple[Any, Any]] = ProcessMemo(
    "core.throttle.redis_clients", keeps="the Redis client of each connection pool", bound=16
)


def _redis_keys(names: dict[str, str], seconds: int) -> tuple[Any, dict[str, str]]:
    """The Redis client and the keys of ``names`` in the current window."""
    cache: Any = caches["default"]
    period = window(seconds)
    # The names are hex digests: no key needs the backend's validation.
    keys = {
        kind: cache.make_key(f"throttle:{name}:{seconds}:{period}") for kind, name in names.items()
    }
    pool = cache._cache._get_connection_pool(write=True)
    known = _clients.get(id(pool))
    if known is None or known[0] is not pool:
        known = _clients[id(pool)] = (pool, cache._cache.get_client(write=True))
    return known[1], keys


def _count_in_redis(names: dict[str, str], seconds: int) -> dict[str, int]:
    """Every counter in one pipeline.  The window is part of the key, so renewing the expiry
    on each hit cannot stretch a window."""
    client, keys = _redis_keys(names, seconds)
    pipe = client.pipeline(transaction=False)
    for key in keys.values():
        pipe.incr(key)
        pipe.expire(key, seconds * 2)
    replies = pipe.execute()
    return {kind: int(replies[2 * n]) for n, kind in enumerate(keys)}


#: The window whose old rows this process last removed, per window length.
_swept: ProcessMemo[int, int] = ProcessMemo(
    "core.throttle.swept",
    keeps="the window whose old counters this process last removed, per window length",
    bound=64,
)


def _count_in_database(names: dict[str, str], seconds: int) -> dict[str, int]:
    """Every counter in one statement, in the caller's transaction."""
    from .models import ThrottleCount  # the models load after this module's importers

    period = window(seconds)
    table = connection.ops.quote_name(ThrottleCount._meta.db_table)
    with connection.cursor() as cursor:
        if _swept.get(seconds) != period:
            # Once per process and window: counters of past windows are of no use any more.
            cursor.execute(
                f"DELETE FROM {table} WHERE seconds = %s AND period < %s",  # noqa: S608
                [seconds, period],
            )
            _swept[seconds] = period
        rows = ", ".join(["(%s, %s, %s, 1)"] * len(names))
        params: list[Any] = []
        for name in names.values():
            params += [name, seconds, period]
        cursor.execute(
            f"INSERT INTO {table} (counter, seconds, period, hits) VALUES {rows} "  # noqa: S608
            f"ON CONFLICT (counter) DO UPDATE SET hits = CASE WHEN {table}.period = "
            f"excluded.period THEN {table}.hits + 1 ELSE 1 END, period = excluded.period "
            "RETURNING counter, hits",
            params,
        )
        hits = dict(cursor.fetchall())
    return {kind: int(hits[name]) for kind, name in names.items()}


def _judge(scope: str, counts: dict[str, int], key_limit: int | None = None) -> Verdict:
    """Refuse past a hard limit; past a soft one, let through and flag."""
    configured = limits(scope)
    seconds = window_seconds(scope)
    reasons = []
    for kind, seen in counts.items():
        soft, hard = configured[kind]
        if kind == "key" and key_limit is not None:
            soft = hard = key_limit
        if seen > hard:
            left = seconds - int(time.time()) % seconds
            raise Throttled(max(1, -(-seconds // 60)), retry_after=left)
        if seen > soft:
            what = {"ip": "address", "net": "network", "address": "e-mail address"}.get(kind, kind)
            reasons.append(f"{seen} attempts from one {what} in {seconds // 60} minutes")
    if reasons:
        logger.warning("%s: past a soft limit (%s)", scope, "; ".join(reasons))
    return Verdict(flagged=bool(reasons), reason="; ".join(reasons)[:200])


def hit(
    scope: str,
    *,
    ip: str,
    address: str = "",
    key: str = "",
    key_limit: int | None = None,
    names: dict[str, str] | None = None,
) -> Verdict:
    """Count an attempt of ``scope`` from ``ip`` (and for ``address``, where the form takes
    one, and ``key``, a caller's own key such as an API token's); raise :class:`Throttled`
    past a hard limit.  ``key_limit`` is the caller's own limit for its key (an API token's
    requests per window), in place of the setting's.

    In the embedded mode the count joins the caller's transaction when there is one: a
    refused attempt that rolls it back leaves no count behind.  ``names``, the counters of
    :func:`counters` worked out beforehand, keeps their keyed hashes out of a caller's write
    transaction (on SQLite every other writer waits while it is open)."""
    if names is None:
        names = counters(scope, ip, address, key)
    if not names:
        return Verdict()
    seconds = window_seconds(scope)
    if uses_redis():
        try:
            return _judge(scope, _count_in_redis(names, seconds), key_limit)
        except RedisError:
            # Redis away: count in the database rather than refuse or wave the form through.
            logger.warning("%s: Redis unavailable, counting in the database", scope)
    with transaction.atomic(savepoint=False):
        counts = _count_in_database(names, seconds)
    return _judge(scope, counts, key_limit)


def check(scope: str, *, ip: str, address: str = "") -> None:
    """Raise :class:`Throttled` when a counter of ``scope`` is already at its hard limit,
    without counting: for limits on *failures*, which :func:`hit` counts afterwards."""
    from .models import ThrottleCount

    names = counters(scope, ip, address)
    seconds = window_seconds(scope)
    if not names:
        return
    counts: dict[str, int] | None = None
    if uses_redis():
        try:
            client, keys = _redis_keys(names, seconds)
            values = client.mget(list(keys.values()))
            counts = {kind: int(value or 0) for kind, value in zip(keys, values, strict=True)}
        except RedisError:
            logger.warning("%s: Redis unavailable, reading the database's counts", scope)
    if counts is None:
        hits = dict(
            ThrottleCount.objects.filter(
                counter__in=list(names.values()), seconds=seconds, period=window(seconds)
            ).values_list("counter", "hits")
        )
        counts = {kind: int(hits.get(name, 0)) for kind, name in names.items()}
    configured = limits(scope)
    if any(seen >= configured[kind][1] for kind, seen in counts.items()):
        raise Throttled(max(1, -(-seconds // 60)))


# --- views ---------------------------------------------------------------------------------
def refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """The page a refused attempt gets: 429, the reason in the visitor's language."""
    return render(request, "core/throttled.html", {"message": error.messages[0]}, status=429)


def throttled[V: Callable[..., HttpResponseBase]](
    scope: str, *, address_field: str = "", counted_by: str = ""
) -> Callable[[V], V]:
    """Count every POST to the view under ``scope`` before the view runs.

    ``address_field`` names the form field holding an e-mail address to count per address
    as well.  ``counted_by`` names the service that counts instead, inside its own
    transaction (petition signing); the view is then only marked.  The verdict is on
    ``request.throttle`` for the view to flag what it stores."""
    limits(scope)  # an unknown scope fails at import, not at the first visitor

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            request.throttle = Verdict()  # type: ignore[attr-defined]
            if request.method == "POST" and not counted_by:
                address = str(request.POST.get(address_field, "")) if address_field else ""
                try:
                    verdict = hit(scope, ip=client_ip(request), address=address[:320])
                except Throttled as error:
                    return refused(request, error)
                request.throttle = verdict  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        setattr(wrapped, THROTTLE_ATTR, scope)
        return wrapped  # type: ignore[return-value]

    return decorator


def declared_throttle(view: Any) -> str | None:
    """The scope a resolved view is throttled under, or None."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        scope = getattr(candidate, THROTTLE_ATTR, None) if candidate is not None else None
        if scope:
            return str(scope)
    return None


def sweep() -> int:
    """Delete the database counters of windows that have ended (a periodic task calls it;
    counting also sweeps, once per process and window)."""
    from .models import ThrottleCount

    now = int(time.time())
    ended = ThrottleCount.objects.alias(end=(F("period") + 1) * F("seconds")).filter(end__lte=now)
    return int(ended.delete()[0])
