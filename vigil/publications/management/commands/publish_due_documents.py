"""``vigil publish_due_documents``: announce documents whose embargo has passed.

Run it from cron or a worker loop (every few minutes).  Visibility itself needs no command:
it is computed from the embargo at request time.  This only sends the "now public" mail to
staff once per document, and catches any announcement whose scheduled task was lost.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from vigil.publications.services import announce_due


class Command(BaseCommand):
    help = _("Announce documents whose embargo has passed (mail to staff, once each).")

    def handle(self, *args: Any, **options: Any) -> None:
        for document in announce_due():
            self.stdout.write(
                _("%(index)s (%(language)s) is public: %(title)s")
                % {
                    "index": document.index_number,
                    "language": document.language,
                    "title": document.title,
                }
            )
