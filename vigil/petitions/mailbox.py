"""How often a public form may write to one mailbox.

The public forms answer every address alike, and what differs ("you already signed", "your
application is waiting", the link again) goes only to that mailbox.  Without a limit anyone
could make the site mail a stranger again and again, so such mails are counted per address
(its blind index, never the address) with the petitions' rate counters, in the same fixed
windows: the first ``MAILS_PER_WINDOW`` of a window go out, the rest are dropped in silence.

Other apps (groups, events) call :func:`may_mail` until the one throttle of ``vigil.core``
takes its place; then only this function's body changes.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection

from vigil.core.crypto import blind_index

from . import services
from .models import RateCount

#: Mails about an address's state, per address and rate window (``services.RATE_WINDOW_SECONDS``).
MAILS_PER_WINDOW = 2


def _count(name: str) -> int:
    """One more hit on one counter: Redis in the PostgreSQL mode, else the counters' table in
    the caller's transaction (the same statement as the signing counters)."""
    window = services._window()
    if services._uses_redis():
        key = cache.make_and_validate_key(f"petitions:rate:{name}:{window}")
        client: Any = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, services.RATE_WINDOW_SECONDS * 2)
        return int(pipe.execute()[0])
    table = connection.ops.quote_name(RateCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (counter, period, hits) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (counter) DO UPDATE SET hits = CASE WHEN {table}.period = "
            f"excluded.period THEN {table}.hits + 1 ELSE 1 END, period = excluded.period "
            "RETURNING hits",
            [name, window],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 1


def may_mail(address_index: str, *, scope: str) -> bool:
    """Count one mail about ``scope`` (a form: "sign", "join", "rsvp") to the mailbox whose
    blind index is ``address_index``; False once its share of this window is used up."""
    name = blind_index(f"{scope}:mailbox:{address_index}", purpose=services.RATE_PURPOSE)
    return _count(name) <= MAILS_PER_WINDOW
