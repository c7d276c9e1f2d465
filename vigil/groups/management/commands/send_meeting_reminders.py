"""Remind members of their group's coming meetings; run it daily (cron or a periodic task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.groups.services import send_meeting_reminders


class Command(BaseCommand):
    help = (
        "E-mail members about their group's meetings in the next N days. Safe to run as often "
        "as you like: nobody is reminded twice of the same meeting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=3, help="How many days ahead to look (default 3)."
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="The site's address for links in the mail, e.g. https://vigil.example.org "
            "(default: the setting VIGIL_BASE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        count = send_meeting_reminders(days=options["days"], base_url=options["base_url"])
        self.stdout.write(f"Meeting reminders queued: {count}")
