"""``vigil directory_reindex``: rebuild the directory's search index from every entry."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from vigil.directory import search


class Command(BaseCommand):
    help = "Rebuild the directory search index from every published organisation."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        with transaction.atomic():
            count = search.rebuild_all(batch_size=max(1, options["batch_size"]))
        self.stdout.write(f"Indexed {count} organisations in {time.monotonic() - started:.1f} s.")
