"""Remind owners of action points due soon or overdue; run it daily (cron or a timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from vigil.actionpoints import services


class Command(BaseCommand):
    help = "Remind the owners of action points due soon or overdue (each person once a stage)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=services.REMIND_DAYS_BEFORE,
            help="remind this many days before the due date (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_reminders(days_before=options["days"])
        self.stdout.write(_("%(count)d reminders queued.") % {"count": sent})
