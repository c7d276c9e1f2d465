"""What signing no longer repeats on every request, and that the shortcuts keep each form,
address and answer its own."""

from __future__ import annotations

import fcntl
import ipaddress
import os
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, resolve
from django.utils import translation

from vigil.core import reversing, throttle, write_queue
from vigil.core.clients import network_of
from vigil.core.message_storage import RememberingCookieStorage
from vigil.petitions import services
from vigil.petitions.forms import SignForm
from vigil.petitions.models import ConsentText, Petition, Signature

from .conftest import form_data


@pytest.mark.django_db
def test_the_thanks_cookie_is_signed_once_per_process(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    signed = mock.patch.object(
        CookieStorage,
        "_encode_parts",
        autospec=True,
        side_effect=CookieStorage._encode_parts,  # type: ignore[attr-defined]
    )
    with signed as encode:
        cookies = []
        for n in range(3):
            data = form_data(consent, email=f"signer{n}@example.org")
            client.cookies.pop("messages", None)
            response = client.post(f"/petitions/{petition.slug}/sign/", data, REMOTE_ADDR=ip)
            assert response.status_code == 302
            cookies.append(response.cookies["messages"].value)
    assert Signature.objects.count() == 3
    assert len(set(cookies)) == 1 and encode.call_count <= 1
    # The remembered cookie still carries the thanks, as Django reads it.
    page = client.get(f"/petitions/{petition.slug}/")
    assert "Check your e-mail" in page.content.decode() or "почту" in page.content.decode()


def test_a_remembered_cookie_belongs_to_its_messages_alone() -> None:
    storage: Any = RememberingCookieStorage(mock.Mock(COOKIES={}))
    one = storage._encode([Message(constants.SUCCESS, "one")])
    two = storage._encode([Message(constants.SUCCESS, "two")])
    assert one != two and storage._encode([Message(constants.SUCCESS, "one")]) == one
    assert [m.message for m in storage._decode(one)] == ["one"]
    assert [m.message for m in storage._decode(two)] == ["two"]


@pytest.mark.django_db
def test_a_signature_resolves_at_the_first_pattern_and_no_page_moved(petition: Petition) -> None:
    match = resolve(f"/petitions/{petition.slug}/sign/")
    assert match.view_name == "petitions:sign" and match.kwargs == {"slug": petition.slug}
    with translation.override("en"):
        assert resolve(f"/en/petitions/{petition.slug}/sign/").view_name == "petitions:sign"
        assert resolve("/en/").view_name == "core:home"
    for path, name in (
        ("/", "core:home"), ("/petitions/", "petitions:index"),
        ("/petitions/my-data/", "petitions:my_data_request"),
        ("/petitions/my-data/abc:def/", "petitions:my_data"),
        ("/petitions/confirm/abc:def/", "petitions:confirm"),
        (f"/petitions/{petition.slug}/", "petitions:detail"),
        (f"/petitions/{petition.slug}/count/", "petitions:count"),
    ):  # fmt: skip
        assert resolve(path).view_name == name, path
    with mock.patch.object(URLPattern, "resolve", autospec=True, wraps=URLPattern.resolve) as tried:
        resolve(f"/petitions/{petition.slug}/sign/")
    # /health/ at the root, then the signing pattern itself.
    assert tried.call_count == 2


@pytest.mark.django_db
def test_a_petitions_address_is_reversed_once_per_language(petition: Petition) -> None:
    reversing._reverse.cache_clear()
    with mock.patch.object(reversing, "reverse", wraps=reversing.reverse) as reverse:
        with translation.override("ru"):
            assert [petition.get_absolute_url() for _ in range(3)] == [
                f"/petitions/{petition.slug}/"
            ] * 3
        with translation.override("en"):
            assert petition.get_absolute_url() == f"/en/petitions/{petition.slug}/"
    assert reverse.call_count == 2


def test_each_signing_form_labels_its_own_consent() -> None:
    one = SignForm(consent_text=mock.Mock(text="First wording", version=1))
    two = SignForm(consent_text=mock.Mock(text="Second wording", version=2))
    assert one.fields["consent"].label == "First wording"
    assert two.fields["consent"].label == "Second wording"
    assert SignForm.base_fields["consent"].label is None
    assert one.fields["consent"] is not two.fields["consent"]


@pytest.mark.parametrize(
    "ip",
    ["192.0.2.77", " 192.0.2.77 ", "0.0.0.0", "255.255.255.255", "010.0.0.1",  # noqa: S104
     "256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.04", "\u0661.2.3.4", "1.2.3.+4", "",
     "::ffff:192.0.2.9"],
)  # fmt: skip
def test_the_quick_ipv4_network_is_the_one_ipaddress_gives(ip: str) -> None:
    try:
        address: Any = ipaddress.ip_address(ip.strip())
    except ValueError:
        assert network_of(ip) == "unknown"
        return
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    expected = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    assert network_of(ip) == expected


def test_the_throttle_keeps_one_redis_client() -> None:
    if not throttle.uses_redis():
        pytest.skip("the embedded mode counts in the database")
    names = throttle.counters(services.THROTTLE_SCOPE, "192.0.2.1")
    first, _ = throttle._redis_keys(names, 600)
    second, _ = throttle._redis_keys(names, 600)
    assert first is second


@pytest.mark.django_db(transaction=True)
def test_with_a_batch_due_the_insert_alone_commits_the_signature(
    petition: Petition, consent: ConsentText, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not throttle.uses_redis():
        pytest.skip("the embedded mode counts in the signing transaction")
    monkeypatch.setitem(services._next_batch, "at", time.time() + 60)
    details = {"name": "Anna", "country": "Россия", "city": "Тверь", "language": "ru"}
    with mock.patch.object(transaction, "atomic", wraps=transaction.atomic) as atomic:
        signed = services.sign(
            petition, email="anna@example.org", consent_version=consent.version,
            ip="192.0.2.1", **details,
        )  # fmt: skip
        assert atomic.call_count == 0 and signed.outcome == "new"
        assert Signature.objects.get(pk=signed.signature_id).mail_due_at is not None
        # The same address again takes the transaction: same page, the mail owed again.
        again = services.sign(
            petition, email="Anna@Example.org", consent_version=consent.version,
            ip="192.0.2.2", **details,
        )  # fmt: skip
    assert (again.signature_id, again.outcome) == (signed.signature_id, "pending")
    assert atomic.call_count >= 1 and Signature.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_the_signing_transaction_runs_in_the_writers_queue(
    petition: Petition, consent: ConsentText, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the queue is for SQLite")
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "vigil.sqlite3"))
    lock = write_queue.lock_path(connection.settings_dict["NAME"])
    assert lock is not None
    held: list[bool] = []
    real = throttle.hit

    def counting(*args: Any, **kwargs: Any) -> Any:
        other = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(other)
        return real(*args, **kwargs)

    monkeypatch.setattr(throttle, "hit", counting)
    signed = services.sign(
        petition, name="Anna", email="anna@example.org", country="Россия", city="Тверь",
        consent_version=consent.version, language="ru", ip="192.0.2.1",
    )  # fmt: skip
    assert signed.outcome == "new" and held == [True]
