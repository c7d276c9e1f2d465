from __future__ import annotations

from collections.abc import Callable

import pytest
from django_tasks_db.models import DBTaskResult

from tests.conftest import SmtpSink
from vigil.core.tasks import queue_email


@pytest.mark.django_db
def test_queued_mail_holds_no_address_in_clear_and_the_worker_sends_it(
    smtp_server: SmtpSink, run_tasks: Callable[[], None]
) -> None:
    queue_email(to=["boris@example.org"], subject="Письмо", body="Текст письма")
    stored = " ".join(str(row) for row in DBTaskResult.objects.values_list("args_kwargs"))
    assert stored and "boris" not in stored and "Текст" not in stored
    run_tasks()
    assert [m["Subject"] for m in smtp_server.messages] == ["Письмо"]
    assert smtp_server.envelopes[0][1] == ["boris@example.org"]
