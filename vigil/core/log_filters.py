"""Logging filters (named in ``settings.LOGGING``; nothing here may need Django set up)."""

from __future__ import annotations

import logging
import re

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


#: URL parameters that are secrets: whoever holds one acts as the person it was mailed to.
SECRET_URL_PARAMETERS = frozenset({"token", "uidb64", "key", "signature", "sig"})
_PATH = re.compile(r"/[^\s\"'<>?#]*")
_QUERY_SECRET = re.compile(
    r"([?&](?:" + "|".join(sorted(SECRET_URL_PARAMETERS)) + r")=)[^&\s\"'#]+", re.IGNORECASE
)
REDACTED = "[redacted]"


def _resolved_secrets(path: str) -> list[str]:
    """The values of secret parameters in ``path``, found by resolving it as Vigil's URL
    (in each language, since the prefix decides which patterns apply)."""
    from django.conf import settings
    from django.urls import Resolver404, resolve
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            try:
                match = resolve(path)
            except Resolver404:
                continue
            except Exception:  # a log line must never fail on its text
                return []
        return [str(v) for k, v in match.kwargs.items() if k in SECRET_URL_PARAMETERS and v]
    return []


def redact_secrets(text: str) -> str:
    """``text`` with the tokens of Vigil's links replaced by ``[redacted]``."""
    if "/" not in text and "=" not in text:
        return text

    def path(match: re.Match[str]) -> str:
        found = match.group(0)
        for secret in _resolved_secrets(found):
            found = found.replace(secret, REDACTED)
        return found

    text = _PATH.sub(path, text)
    return _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, text)


class SecretTokens(logging.Filter):
    """On the handlers, so every logger's lines pass it: confirmation, "my data", RSVP,
    unsubscribe, invitation, calendar and password-reset links are secrets (whoever reads
    the log could use them), and the paths Django logs (404s, CSRF refusals) carry them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format is the caller's: leave the line as it is
            return True
        redacted = redact_secrets(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
