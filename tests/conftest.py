"""Shared fixtures: people with roles, a real SMTP server, the task worker, Debian chromium."""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp

from vigil.accounts.models import SealedTOTPDevice, User
from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role, create_user, enrol_totp_with_key

PASSWORD = "correct horse battery staple"
TOTP_KEY = "3132333435363738393031323334353637383930"


# --- limits --------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _fresh_throttle_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test counts from zero (Redis keeps counters across tests; so does a database
    test that commits) and every attempt of a test falls in one window, even across a
    boundary."""
    from vigil.core import throttle

    monkeypatch.setattr(throttle, "PURPOSE", f"core.throttle.test.{secrets.token_hex(8)}")
    started = int(time.time())
    monkeypatch.setattr(throttle, "window", lambda seconds: started // seconds)


# --- people --------------------------------------------------------------------------------
@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(
        email: str | None = None,
        *roles: str,
        password: str = PASSWORD,
        name: str = "Тест Тестов",
        two_factor: bool | None = None,
        **extra: Any,
    ) -> User:
        user = create_user(
            email=email or f"person{next(counter)}@example.org",
            password=password,
            name=name,
            **extra,
        )
        for role in roles:
            assign_role(user, role)
        if two_factor or (two_factor is None and user.needs_two_factor):
            enrol_totp_with_key(user, TOTP_KEY)
        return user

    return make


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user("staff@example.org", Role.STAFF)


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user("admin@example.org", Role.ADMIN)


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user("member@example.org", Role.MEMBER)


def current_totp(user: User) -> str:
    device = SealedTOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def totp_code() -> Callable[[User], str]:
    return current_totp


@pytest.fixture
def signed_in_staff(client: Any, staff: User) -> Any:
    """A test client signed in as staff, second factor passed through the real pages."""
    client.post("/en/account/login/", {"username": staff.email, "password": PASSWORD})
    response = client.post("/en/account/two-factor/", {"token": current_totp(staff)})
    assert response.status_code == 302, response.content
    return client


# --- mail ----------------------------------------------------------------------------------
@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def smtp_serving(settings: Any, sink: SmtpSink, handler: Any) -> Iterator[SmtpSink]:
    """Serve an aiosmtpd ``handler`` at the sink's address and send Django's mail to it."""
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname=sink.host, port=sink.port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": sink.host, "port": sink.port, "timeout": 10},
        }
    }
    try:
        yield sink
    finally:
        controller.stop()


def keep_message(sink: SmtpSink, envelope: Any) -> str:
    """What a test server's DATA handler does: keep the message and its envelope."""
    sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
    sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
    return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django sends to it over the wire."""
    sink = SmtpSink(host="127.0.0.1", port=_free_port())
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with lock:
                return keep_message(sink, envelope)

    with smtp_serving(settings, sink, Handler()):
        yield sink


# --- background tasks ----------------------------------------------------------------------
@pytest.fixture
def run_tasks(transactional_db: Any) -> Callable[[], None]:
    """Run the real database worker over everything queued, then return.

    The worker closes its database connection when done, as it should in production, so the
    tests that use it run with real commits instead of one rolled-back transaction.
    """

    return run_queued_tasks


def run_queued_tasks() -> None:
    """What the worker would have done a few seconds later: the confirmation mails' batches
    wait ``VIGIL_CONFIRMATION_DELAY_SECONDS`` before they may start, the tests do not."""
    from django_tasks_db.models import DBTaskResult

    from vigil.petitions import services
    from vigil.petitions.tasks import send_due_confirmations

    DBTaskResult.objects.filter(task_path=send_due_confirmations.module_path).update(
        run_after=timezone.now()
    )
    services._next_batch["at"] = 0.0  # this process's batches start now, not later
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "-v", "0")


@pytest.fixture(autouse=True)
def _forget_queued_batches() -> None:
    """The outbox remembers, per process, when its last queued batch starts; that batch was
    queued in an earlier test's database, which is gone."""
    from vigil.petitions import services

    services._next_batch["at"] = 0.0


# --- order ---------------------------------------------------------------------------------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last.

    Playwright's sync API keeps an event loop running in the main thread from its first use
    to the end of the session, and Django refuses ORM calls while one runs; the other tests
    must therefore all be done before the first browser test starts it.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def region_tree(request: pytest.FixtureRequest) -> None:
    """The directory's region tree (a data migration) for a test that uses the database: tests
    with real commits flush it, so it is restored when missing."""
    if not ({"db", "transactional_db", "django_db_setup"} & set(request.fixturenames)):
        return
    request.getfixturevalue("db")
    from vigil.directory.models import Region
    from vigil.directory.regions import ensure_region_tree

    if not Region.objects.filter(slug="kazan").exists():
        ensure_region_tree(Region)


@pytest.fixture(autouse=True)
def _fresh_memos() -> Iterator[None]:
    """Each test starts with every per-process memo empty (``vigil.core.memo``), so none sees
    what an earlier one left: among them the translation memory, since rolled-back tests
    reuse entry ids, which a running site never does (see vigil/bulletin/memory_index.py)."""
    from vigil.core import memo

    memo.clear_all()
    yield
    memo.clear_all()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in no language of its own (Russian, ``LANGUAGE_CODE``), as a
    command or the task worker does: a request through the test client activates its page's
    language in the thread and Django leaves it active after the response, so without this a
    test would read whatever language the test before it left.  A test that reads English asks
    for it (``english``)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def english() -> Iterator[None]:
    """Messages read in English: services and commands speak whatever language is active, and
    Russian is the default."""
    from django.utils import translation

    with translation.override("en"):
        yield
