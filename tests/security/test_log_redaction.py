"""Secret links never reach the logs, whichever logger writes them.

Issue 14, point 8: a POST without a CSRF cookie to a "my data" link wrote a valid 7-day token
to the log (``django.security.csrf``), and 404s wrote confirmation and unsubscribe tokens
(``django.request``).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from vigil.petitions import services

from .logs import written_logs

pytestmark = pytest.mark.django_db


def test_a_csrf_refusal_does_not_log_the_my_data_token() -> None:
    token = services.data_token("0" * 64)
    with written_logs() as logs:
        response = Client(enforce_csrf_checks=True).post(f"/en/petitions/my-data/{token}/")
    assert response.status_code == 403
    assert "CSRF" in logs.getvalue()
    assert token not in logs.getvalue()
    assert "[redacted]" in logs.getvalue()


@pytest.mark.parametrize(
    "path",
    [
        "/petitions/confirm/{token}/",
        "/en/groups/unsubscribe/{token}/",
        "/en/events/reply/{token}/",
        "/en/account/password/reset/MQ/{token}/",
        "/en/partners/invitation/{token}/",
        "/distribution/unsubscribe/{token}/",
    ],
)
def test_any_logger_has_tokens_in_paths_redacted(path: str) -> None:
    token = "eyJzIjoxfQ:1vQZ9k:Xq3pR7sT2uV8wY0zA1bC4dE6fG"
    with written_logs() as logs:
        logging.getLogger("django.request").warning("Not Found: %s", path.format(token=token))
        logging.getLogger("vigil.anything").error("while mailing %s", path.format(token=token))
        logging.getLogger("vigil.anything").error("query ?token=%s&x=1", token)
    written = logs.getvalue()
    assert token not in written
    assert written.count("[redacted]") >= 3


def test_paths_without_secrets_stay_readable(settings: Any) -> None:
    with written_logs() as logs:
        logging.getLogger("django.request").warning("Not Found: %s", "/en/petitions/free-them/")
    assert "/en/petitions/free-them/" in logs.getvalue()
