"""Purge petition signers' personal data after the retention period; run it daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vigil.petitions.services import purge_petition_data


class Command(BaseCommand):
    help = (
        "Empty the names, e-mails, phones and places of the signers of petitions delivered more "
        "than VIGIL_PETITION_RETENTION_DAYS ago (the counts stay), delete their scanned paper "
        "lists, and delete signatures never confirmed whose link has expired."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge_petition_data()
        self.stdout.write(
            f"Petitions purged: {report.petitions}; signatures emptied: {report.signatures}; "
            f"unconfirmed signatures deleted: {report.unconfirmed_deleted}; "
            f"scans deleted: {report.scans_deleted}"
        )
