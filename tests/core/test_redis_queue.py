"""The scale-out queue: tasks through Redis (django-tasks-rq), run by an rq worker process;
deferred tasks (confirmation batches, embargo announcements) need its scheduler."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


needs_redis = pytest.mark.skipif(
    not redis_answers() and os.environ.get("CI") != "true",
    reason="Redis at 127.0.0.1:6379 does not answer (CI requires it)",
)


def rq_site(tmp_path: Path, smtp_server: SmtpSink, **extra: str) -> Callable[..., Any]:
    """``vigil`` commands on a fresh site whose tasks go through Redis; its queues emptied."""
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
        **extra,
    )

    def vigil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [VIGIL, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert vigil("migrate", "-v", "0").returncode == 0
    # A queue left over from an interrupted run must not send its mail into this test.
    emptied = vigil(
        "shell", "-c",
        "import django_rq\n"
        "for name in ('default', 'mail'):\n"
        "    queue = django_rq.get_queue(name)\n"
        "    queue.empty()\n"
        "    for job_id in queue.scheduled_job_registry.get_job_ids():\n"
        "        queue.scheduled_job_registry.remove(job_id, delete_job=True)",
    )  # fmt: skip
    assert emptied.returncode == 0, emptied.stderr
    return vigil


@needs_redis
def test_mail_goes_through_redis_and_an_rq_worker(tmp_path: Path, smtp_server: SmtpSink) -> None:
    vigil = rq_site(tmp_path, smtp_server)
    prefix = tmp_path.name
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


@needs_redis
def test_a_deferred_confirmation_batch_runs_through_the_rq_scheduler(
    tmp_path: Path, smtp_server: SmtpSink
) -> None:
    vigil = rq_site(tmp_path, smtp_server, VIGIL_CONFIRMATION_DELAY_SECONDS="1")
    signed = vigil(
        "shell", "-c",
        "import datetime\n"
        "from django.utils import timezone\n"
        "from vigil.petitions import services\n"
        "from vigil.petitions.models import ConsentText, Petition\n"
        "ConsentText.objects.create(version=1, text_ru='Согласен', text_en='I agree')\n"
        "p = Petition.objects.create(slug='p', title_ru='П', title_en='P', target='T',\n"
        "    text_ru='Т', text_en='T', goal=10,\n"
        "    closes_at=timezone.now() + datetime.timedelta(days=9))\n"
        "for n in range(3):\n"
        "    services.sign(p, name='Анна', email=f'a{n}@example.org', country='Россия',\n"
        "        city='Тверь', consent_version=1, language='ru', ip='192.0.2.7')",
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    time.sleep(1.5)  # the batch's moment has come, but it waits in the scheduled registry
    job = ("--job-class", "django_tasks_rq.backend.Job", "mail")
    assert vigil("rqworker", "--burst", *job).returncode == 0
    assert smtp_server.messages == []  # a worker without the scheduler never sees it
    worker = vigil("rqworker", "--burst", "--with-scheduler", *job)
    assert worker.returncode == 0, worker.stderr
    assert sorted(e[1][0] for e in smtp_server.envelopes) == [
        "a0@example.org", "a1@example.org", "a2@example.org",
    ]  # fmt: skip
