"""Per-token request limits.

The project's shared throttle is being written in ``vigil.core``; until it lands, this module's
:func:`hit` is the one place the API counts requests, so re-pointing it is a one-line change.
"""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_SECONDS = 60


def hit(key: str, limit: int, *, window: int = WINDOW_SECONDS) -> tuple[bool, int]:
    """Count one request under ``key`` in a fixed window: (allowed, seconds until the next
    window).  The cache is shared by every worker (Redis, or the database cache)."""
    now = int(time.time())
    name = f"api:rate:{key}:{now // window}"
    try:
        # Counting first: after a window's first request this is one write, not two.
        count = cache.incr(name)
    except ValueError:  # the window's first request (unless another worker just added it)
        count = 1 if cache.add(name, 1, timeout=window * 2) else cache.incr(name)
    return count <= limit, window - now % window
