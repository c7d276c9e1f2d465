"""Serve Vigil with gunicorn and run the background worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from vigil.core.env import env_bool, env_int

WORKER_RESTART_SECONDS = 5.0


class Command(BaseCommand):
    help = "Serve Vigil (gunicorn + whitenoise) and start the background task worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("VIGIL_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=env_int("VIGIL_WEB_WORKERS", default=3))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args: Any, bind: str, workers: int, no_worker: bool, **options: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        if settings.PRODUCTION:
            # Compressed, hashed static files for whitenoise; templates need the manifest.
            call_command("collectstatic", "--no-input", verbosity=0)
        if settings.PRODUCTION:
            from vigil.core.backup.create import stale_backup_warning

            warning = stale_backup_warning()
            if warning:
                self.stderr.write(f"vigil: warning: {warning}")
        children: list[subprocess.Popen[bytes]] = []
        worker: list[str] = []
        if not no_worker and settings.TASKS_BACKEND != "immediate":
            if settings.TASKS_BACKEND == "rq":
                worker = [
                    os.path.join(bin_dir, "vigil"), "rqworker", "--with-scheduler",
                    "--job-class", "django_tasks_rq.backend.Job", "default", "mail",
                ]  # fmt: skip
            else:
                worker = [os.path.join(bin_dir, "vigil"), "db_worker", "--queue-name", "*"]
            children.append(subprocess.Popen(worker))  # noqa: S603
            self.stdout.write(f"Task worker started ({settings.TASKS_BACKEND}).")
        if settings.TASKS_BACKEND != "immediate":
            # Work that a killed server may have left owed (mails, announcements) is picked up
            # by the next worker that runs.
            for path in settings.VIGIL_CATCH_UP_TASKS:
                import_string(path).enqueue()
        gunicorn = [
            os.path.join(bin_dir, "gunicorn"),
            "vigil.wsgi:application",
            "--bind", bind,
            "--workers", str(workers),
            "--forwarded-allow-ips", os.environ.get("VIGIL_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        if env_bool("VIGIL_ACCESS_LOG", default=False):
            # Off by default: it would keep every visitor's address and the secret links of
            # confirmation and data pages (they are paths).
            gunicorn += ["--access-logfile", "-"]
        self.stdout.write(f"Vigil is at http://{bind}/ (Ctrl+C stops it).")
        web = subprocess.Popen(gunicorn)  # noqa: S603

        def stop(signum: int, frame: Any) -> None:
            # gunicorn shuts down gracefully on SIGTERM; the worker finishes its task first.
            web.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            code = self.wait_restarting_workers(web, children, worker)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=30)
        if code:
            raise SystemExit(code)

    def wait_restarting_workers(
        self,
        web: subprocess.Popen[bytes],
        children: list[subprocess.Popen[bytes]],
        command: list[str],
    ) -> int:
        """Wait for gunicorn; meanwhile start the task worker again whenever it exits (a
        database outage ends it), at most every WORKER_RESTART_SECONDS, as systemd's
        Restart=always does for the worker unit."""
        next_start = 0.0
        while True:
            try:
                return web.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
            for n, child in enumerate(children):
                if child.poll() is not None and time.monotonic() >= next_start:
                    self.stderr.write(
                        f"vigil: the task worker exited ({child.returncode}); starting it again"
                    )
                    children[n] = subprocess.Popen(command)  # noqa: S603
                    next_start = time.monotonic() + WORKER_RESTART_SECONDS
