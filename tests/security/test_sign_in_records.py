"""Sign-in records (django-axes) hold nothing personal, end with the cool-off and with erasure.

Issue 14, point 3: the access log stored the e-mail, IP address and browser of every sign-in
in clear and kept them after the person was erased.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD
from vigil.accounts.models import User
from vigil.core import personal_data

pytestmark = pytest.mark.django_db
LOGIN = "/en/account/login/"
BROWSER = "CanaryBrowser/7.3 (sign-in records test)"
ADDRESS = "203.0.113.77"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings: Any) -> None:
    settings.AXES_IPWARE_PROXY_COUNT = 1


def sign_in(client: Any, email: str, password: str, ip: str = ADDRESS) -> Any:
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        HTTP_X_FORWARDED_FOR=ip,
        HTTP_USER_AGENT=BROWSER,
    )


def every_value(model: Any) -> str:
    """Every column of every row of an axes table, as stored."""
    rows = model.objects.values_list()
    return "\n".join(repr(value) for row in rows for value in row)


def test_a_failed_sign_in_stores_no_address_ip_or_browser(client: Any, member: User) -> None:
    sign_in(client, member.email, "wrong password")
    assert AccessAttempt.objects.count() == 1
    stored = every_value(AccessAttempt) + every_value(AccessFailureLog)
    for clear in (member.email, "member@", ADDRESS, "203.0.113.", BROWSER, "CanaryBrowser"):
        assert clear not in stored


def test_a_successful_sign_in_writes_no_access_log(client: Any, member: User) -> None:
    assert sign_in(client, member.email, PASSWORD).status_code == 302
    client.post("/en/account/logout/")
    assert AccessLog.objects.count() == 0


def test_lockout_still_counts_per_address_and_network(
    client: Any, member: User, settings: Any
) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.email, "wrong password", ip="203.0.113.5")
    # Another address of the same /24 is the same network: still paused.
    assert sign_in(client, member.email, PASSWORD, ip="203.0.113.6").status_code in (403, 429)
    # Another network is not.
    assert sign_in(client, member.email, PASSWORD, ip="198.51.100.9").status_code == 302


def test_failures_are_purged_after_the_cool_off(client: Any, member: User, settings: Any) -> None:
    sign_in(client, member.email, "wrong password")
    old = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=old)
    sign_in(client, "someone-else@example.org", "wrong password", ip="198.51.100.1")
    AccessAttempt.objects.update(attempt_time=old + datetime.timedelta(minutes=2))
    call_command("purge_sign_in_records", verbosity=0)
    assert AccessAttempt.objects.count() == 1  # the recent one waits for its own cool-off
    AccessAttempt.objects.update(attempt_time=old)
    call_command("purge_sign_in_records", verbosity=0)
    assert AccessAttempt.objects.count() == 0


def test_erasure_removes_the_persons_sign_in_records(
    client: Any, make_user: Callable[..., User]
) -> None:
    person = make_user("leaving@example.org")
    other = make_user("staying@example.org")
    sign_in(client, person.email, "wrong password")
    sign_in(client, other.email, "wrong password", ip="198.51.100.1")
    AccessLog.objects.create(username=person.email, user_agent="x", http_accept="", path_info="/")
    assert AccessAttempt.objects.count() == 2
    signed_in = Client()
    assert sign_in(signed_in, person.email, PASSWORD, ip="192.0.2.1").status_code == 302
    assert Session.objects.count() == 1
    personal_data.erase(person)
    assert AccessAttempt.objects.count() == 1
    assert AccessLog.objects.count() == 0
    assert Session.objects.count() == 0
