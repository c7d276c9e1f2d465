from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def health_report() -> dict[str, Any]:
    """Ask the database and the cache for an answer; say which one failed, never why in detail."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("health: database check failed")
        checks["database"] = "error"
    try:
        probe = f"health:{time.monotonic_ns()}"
        cache.set(probe, "1", 5)
        checks["cache"] = "ok" if cache.get(probe) == "1" else "error"
        cache.delete(probe)
    except Exception:
        logger.exception("health: cache check failed")
        checks["cache"] = "error"
    status = "ok" if all(value == "ok" for value in checks.values()) else "error"
    return {"status": status, **checks}
