"""Logging filters (named in ``settings.LOGGING``; nothing here may need Django set up)."""

from __future__ import annotations

import logging

from django.db.utils import InterfaceError, OperationalError


class DatabaseOutage(logging.Filter):
    """While the database is away every request ends in a 503, and Django logs each with its
    whole traceback (thousands of lines a minute under load).  One line at WARNING says the
    same: which path, and the driver's first line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, OperationalError | InterfaceError):
            request = getattr(record, "request", None)
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "database unavailable, answered 503: %s (%s)"
            record.args = (getattr(request, "path", "?"), reason)
            record.exc_info = None
            record.exc_text = None
        return True
