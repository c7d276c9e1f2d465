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
