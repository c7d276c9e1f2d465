"""A mail that cannot be sent leaves no address behind: not in the task's stored result, not
in the worker's log.  (The task queue is a table a third-party app fills: issue 14, point 3.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from tests.conftest import SmtpSink, _free_port, smtp_serving
from vigil.core.tasks import queue_email

from .logs import vigils_lines, written_logs

ADDRESS = "refused.canary@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_refused_recipient_is_not_stored_nor_logged(
    settings: Any, run_tasks: Callable[[], None]
) -> None:
    sink = SmtpSink(host="127.0.0.1", port=_free_port())

    class Refusing:
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: Any
        ) -> str:
            return f"550 5.1.1 <{address}>: mailbox unavailable"

    with smtp_serving(settings, sink, Refusing()), written_logs() as logs:
        queue_email(to=[ADDRESS], subject="Подтвердите", body="Ссылка")
        run_tasks()
    result = DBTaskResult.objects.get()
    assert result.status == "FAILED"
    stored = " ".join(str(v) for v in DBTaskResult.objects.values_list().get())
    assert "refused.canary" not in stored
    assert "550" in stored  # what went wrong is still there, without whom
    assert "refused.canary" not in vigils_lines(logs.getvalue())
