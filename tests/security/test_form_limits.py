"""The limits the safety review found missing, form by form (issue 14, point 5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.conftest import PASSWORD, SmtpSink
from vigil.accounts.models import User

pytestmark = pytest.mark.django_db
LOGIN = "/en/account/login/"
RESET = "/en/account/password/reset/"


def test_password_spraying_from_one_network_is_refused_across_accounts(
    client: Client, make_user: Callable[..., User], settings: Any
) -> None:
    """One wrong password for each of many accounts never trips django-axes' (address,
    client) lockout; the failures of a network across accounts do."""
    _soft, hard = settings.THROTTLES["sign-in-failures"]["net"]
    for n in range(hard):
        client.post(
            LOGIN,
            {"username": f"person{n}@example.org", "password": "Summer2026!"},
            REMOTE_ADDR=f"198.51.100.{n % 250 + 1}",
        )
    victim = make_user("victim@example.org")
    refused = client.post(
        LOGIN, {"username": victim.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.251"
    )
    assert refused.status_code == 429
    assert "Please try again in" in refused.content.decode()
    assert client.get("/en/account/").status_code == 302  # not signed in
    elsewhere = Client().post(
        LOGIN, {"username": victim.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert elsewhere.status_code == 302  # the owner, from their own network, gets in


def test_password_reset_mails_one_mailbox_a_few_times_only(
    client: Client,
    member: User,
    settings: Any,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    _soft, hard = settings.THROTTLES["password-reset"]["address"]
    answers = [
        client.post(
            RESET, {"email": "Member@example.org"}, REMOTE_ADDR=f"192.0.2.{n + 1}"
        ).status_code
        for n in range(12)
    ]
    run_tasks()
    assert answers[:hard] == [302] * hard and set(answers[hard:]) == {429}
    assert len(smtp_server.messages) == hard


def test_the_join_form_is_limited_per_address_and_client(client: Client, settings: Any) -> None:
    _soft, hard = settings.THROTTLES["join"]["ip"]
    answers = [
        client.post(
            "/en/groups/join/", {"email": f"j{n}@example.org"}, REMOTE_ADDR="192.0.2.30"
        ).status_code
        for n in range(hard + 2)
    ]
    assert 429 not in answers[:hard] and answers[hard:] == [429, 429]
