"""Capture what Vigil's own logging configuration writes, as an operator would read it."""

from __future__ import annotations

import contextlib
import io
import logging.config
import sys
from collections.abc import Iterator

from django.conf import settings


@contextlib.contextmanager
def written_logs() -> Iterator[io.StringIO]:
    """Configure logging from ``settings.LOGGING`` with stderr pointed at a buffer."""
    buffer = io.StringIO()
    real_stderr = sys.stderr
    sys.stderr = buffer
    try:
        logging.config.dictConfig(settings.LOGGING)
    finally:
        sys.stderr = real_stderr
    try:
        yield buffer
    finally:
        logging.config.dictConfig(settings.LOGGING)


#: aiosmtpd, the test's SMTP server standing in for the mail provider: not Vigil's log.
TEST_SMTP_LOGGER = "mail.log"


def vigils_lines(log: str) -> str:
    """The lines Vigil wrote, without those of the test's SMTP server."""
    return "\n".join(line for line in log.splitlines() if f" {TEST_SMTP_LOGGER}:" not in line)
