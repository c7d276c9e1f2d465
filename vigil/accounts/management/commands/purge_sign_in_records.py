"""``vigil purge_sign_in_records``: delete failed sign-ins whose cool-off is over (cron, hourly).

Sign-in also clears them as it goes; this covers the hours when nobody signs in.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vigil.accounts.signin_records import purge_expired


class Command(BaseCommand):
    help = "Delete failed sign-in records whose cool-off is over."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired()
        if options["verbosity"]:
            self.stdout.write(f"{deleted} sign-in records deleted")
