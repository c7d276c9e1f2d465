"""``vigil distribute ISSUE_ID``: plan and send; ``--resume`` after a stop or a crash."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.bulletin.models import Issue
from vigil.distribution import outbox, services
from vigil.distribution.models import Distribution


class Command(BaseCommand):
    help = "Send an approved Russian bulletin issue to every active group."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("issue", type=int, help="the issue's id")
        parser.add_argument(
            "--resume", action="store_true", help="continue a distribution already planned"
        )
        parser.add_argument("--plan-only", action="store_true", help="write the outbox only")
        parser.add_argument(
            "--mail-log",
            type=Path,
            help="a log of the mail server (message-id=<…> lines) that says which messages a "
            "crashed sender had handed over; without it those are marked uncertain",
        )
        parser.add_argument(
            "--resend-uncertain",
            action="store_true",
            help="send again messages left uncertain by a crash (a group may get one twice)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        issue = Issue.objects.filter(pk=options["issue"]).first()
        if issue is None:
            raise CommandError(f"No bulletin issue with id {options['issue']}.")
        distribution = Distribution.objects.filter(issue=issue).first()
        if options["resume"]:
            if distribution is None:
                raise CommandError("This issue has not been distributed yet: drop --resume.")
        else:
            try:
                distribution = services.plan(issue)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"planned {distribution.deliveries.count()} deliveries")
        if options["plan_only"]:
            return
        accepted = None
        if options["mail_log"]:
            if not options["mail_log"].is_file():
                raise CommandError(f"{options['mail_log']} is not a file.")
            accepted = outbox.accepted_in_log(options["mail_log"])
        started, cpu = time.monotonic(), time.process_time()
        try:
            report = outbox.send(
                distribution, accepted=accepted, resend_uncertain=options["resend_uncertain"]
            )
        except outbox.SenderBusy as error:
            raise CommandError(str(error)) from error
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        recovery = report.recovery
        self.stdout.write(
            f"sent {report.sent} in {elapsed:.1f} s (CPU {cpu:.1f} s), refused {report.failed}; "
            "after the crash: "
            f"{recovery.confirmed} confirmed, {recovery.requeued} resent, "
            f"{recovery.uncertain} uncertain"
        )
