"""`vigil serve`: gunicorn and the task worker start together and stop together; a worker
that dies is started again; the worker catches up with work a killed server left owed; no
access log unless asked for."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

VIGIL = str(Path(sys.executable).parent / "vigil")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def worker_of(pid: int) -> int:
    """The pid of the db_worker that ``vigil serve`` (pid) started; 0 when there is none."""
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        if b"db_worker" in cmdline:
            return int(child)
    return 0


def test_serve_answers_and_stops_everything_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["VIGIL_DATA_DIR"] = str(tmp_path)
    subprocess.run([VIGIL, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    subprocess.run([VIGIL, "createcachetable"], env=env, check=True, timeout=60)
    port = free_port()
    output = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [VIGIL, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.3)
        assert b'"status": "ok"' in body
        # A worker that dies (a database outage ends it) is started again.
        first = worker_of(server.pid)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and worker_of(server.pid) in (first, 0):
            time.sleep(0.5)
        assert worker_of(server.pid) not in (first, 0)
        assert (
            b"the task worker exited (-9); starting it again"
            in (tmp_path / "serve.log").read_bytes()
        )
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        # Nothing of its process group (gunicorn master, its workers, db_worker) is left.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.killpg(server.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.3)
        else:
            raise AssertionError("processes of vigil serve outlived it")
        # Visitors' addresses and the paths of secret links stay out of the output.
        assert b"GET /health/" not in (tmp_path / "serve.log").read_bytes()
        with sqlite3.connect(tmp_path / "vigil.sqlite3") as db:
            queued = {
                path
                for (path,) in db.execute(
                    "SELECT task_path FROM django_tasks_database_dbtaskresult"
                )
            }
        assert queued >= {
            "vigil.petitions.tasks.send_due_confirmations",
            "vigil.publications.tasks.publish_due_documents",
        }
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
