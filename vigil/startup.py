"""Start-up that stops with one clear line when a setting is missing or the database is away."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def fail(message: str) -> None:
    print(f"vigil: {message}", file=sys.stderr)
    raise SystemExit(2)


def boot(*, check_database: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        fail(str(exc))
    ensure_private_files()
    if check_database:
        ensure_database_reachable()


def ensure_private_files() -> None:
    """In production, refuse to start while others can read the data (development creates
    it private and does not insist)."""
    from django.conf import settings

    from vigil.core.env import open_to_others

    if settings.PRODUCTION:
        problem = open_to_others(settings.DATABASES["default"], settings.DATA_DIR)
        if problem:
            fail(problem)


def ensure_database_reachable() -> None:
    from django.conf import settings
    from django.db import connection
    from django.db.utils import OperationalError

    from vigil.core.env import describe_database

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        fail(
            f"cannot reach the {describe_database(settings.DATABASES['default'])} "
            f"({reason}); check VIGIL_DATABASE_URL"
        )
