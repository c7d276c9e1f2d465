"""The scale-out queue: tasks through Redis (django-tasks-rq), run by an rq worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from tests.conftest import SmtpSink

REDIS_URL = os.environ.get("VIGIL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
VIGIL = str(Path(sys.executable).parent / "vigil")


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(
    not redis_answers() and os.environ.get("CI") != "true",
    reason="Redis at 127.0.0.1:6379 does not answer (CI requires it)",
)
def test_mail_goes_through_redis_and_an_rq_worker(tmp_path: Path, smtp_server: SmtpSink) -> None:
    prefix = f"vigil-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        VIGIL_DATA_DIR=str(tmp_path),
        VIGIL_TASKS_BACKEND="rq",
        VIGIL_REDIS_URL=REDIS_URL,
        VIGIL_CACHE_PREFIX=prefix,
        VIGIL_SMTP_HOST=smtp_server.host,
        VIGIL_SMTP_PORT=str(smtp_server.port),
    )

    def vigil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [VIGIL, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert vigil("migrate", "-v", "0").returncode == 0
    # A queue left over from an interrupted run must not send its mail into this test.
    emptied = vigil("shell", "-c", "import django_rq; django_rq.get_queue('mail').empty()")
    assert emptied.returncode == 0, emptied.stderr
    subject = f"queued through redis {prefix}"
    queued = vigil(
        "shell", "-c",
        "from vigil.core.tasks import queue_email\n"
        f"queue_email(to=['rq@example.org'], subject={subject!r}, body='Текст')",
    )  # fmt: skip
    assert queued.returncode == 0, queued.stderr
    assert smtp_server.messages == []
    worker = vigil("rqworker", "--burst", "--job-class", "django_tasks_rq.backend.Job", "mail")
    assert worker.returncode == 0, worker.stderr
    assert [m["Subject"] for m in smtp_server.messages] == [subject]
    assert smtp_server.envelopes[0][1] == ["rq@example.org"]
