"""The canary: one person's unique details go through every public form, and then nothing of
them may be found in clear anywhere Vigil keeps things, nor anything keyed to them after
their erasure.

A standing guard (issue 14): a new form, table, file or log line that keeps personal data in
clear makes this test fail.  It searches every column of every table as stored, every file
under ``VIGIL_DATA_DIR``, and the log output as Vigil's logging configuration writes it.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import PASSWORD, SmtpSink
from tests.events.conftest import make_event
from tests.petitions.conftest import form_data
from vigil.accounts.models import User
from vigil.accounts.services import create_user
from vigil.cases.countries import country_choices
from vigil.core.crypto import blind_index, normalise_email
from vigil.core.fields import BlindIndexField, EncryptedTextField
from vigil.directory.models import Organisation, Region
from vigil.groups.models import Group
from vigil.petitions import services as petition_services
from vigil.petitions.models import ConsentText, Petition, Signature

from .logs import TEST_SMTP_LOGGER, vigils_lines, written_logs

pytestmark = pytest.mark.django_db(transaction=True)

_tag = secrets.token_hex(3)
EMAIL = f"kanareyka.{_tag}@example.org"
NAME = f"Канарейка Пернатая{_tag}"
PHONE = f"+7 912 {secrets.randbelow(900) + 100} {secrets.randbelow(9000) + 1000}"
CITY = f"Птичинск{_tag}"
IP = f"203.0.113.{secrets.randbelow(200) + 20}"
AGENT = f"CanaryAgent/{_tag} (X11; canary test)"


def canaries() -> dict[str, str]:
    """What must never be found in clear, in the forms it could be stored in."""
    digits = re.sub(r"\D", "", PHONE)
    return {
        "e-mail": EMAIL,
        "e-mail's mailbox": EMAIL.split("@")[0],
        "name": NAME.split()[1],
        "phone": PHONE,
        "phone digits": digits[1:],
        "city": CITY,
        "IP address": IP,
        "network": IP.rsplit(".", 1)[0] + ".",
        "user agent": AGENT.split()[0],
    }


def text_of(value: Any) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace") + value.decode("latin-1")
    return str(value)


def database_rows() -> Iterator[tuple[str, str]]:
    """(table, value) for every column of every row of every table, as stored."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if value is not None:
                        yield table, text_of(value)


def decoded_rows() -> Iterator[tuple[str, str]]:
    """What is stored encoded rather than sealed: sessions (signed, base64) and, in the
    embedded mode, the database cache (base64 pickles)."""
    import base64
    import pickle

    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        yield "django_session (decoded)", repr(session.get_decoded())
    if "vigil_cache" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM vigil_cache")
            for (value,) in cursor.fetchall():
                yield "vigil_cache (decoded)", repr(pickle.loads(base64.b64decode(value)))  # noqa: S301
    if settings.USES_POSTGRES:  # the scale-out mode's cache is Redis
        from django.core.cache import cache

        client = cache._cache.get_client(None)  # type: ignore[attr-defined]
        for key in client.scan_iter(f"{settings.CACHE_KEY_PREFIX}:*"):
            raw = client.get(key)
            try:
                value = repr(pickle.loads(raw))  # noqa: S301
            except Exception:
                value = text_of(raw)
            yield "redis", f"{text_of(key)} {value}"


def data_files() -> Iterator[tuple[str, str]]:
    for path in Path(settings.DATA_DIR).rglob("*"):
        if path.is_file() and path.stat().st_size < 50_000_000:
            yield str(path), text_of(path.read_bytes())


def found_in_clear(places: Iterator[tuple[str, str]]) -> list[str]:
    found = []
    for place, text in places:
        lowered = text.lower()
        for what, canary in canaries().items():
            at = lowered.find(canary.lower())
            if at >= 0:
                found.append(f"{what} in {place}: {text[max(0, at - 120) : at + 80]!r}")
    return found


def keyed_to_the_person() -> list[str]:
    """Rows whose blind index is one of the person's, or whose sealed values open to them."""
    indexes = {blind_index(normalise_email(EMAIL), purpose="axes.username")}
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, BlindIndexField):
                for value in (EMAIL, NAME, PHONE, CITY):
                    index = f.index_for(value)
                    if index is not None:
                        indexes.add(index)
    indexes |= {index[:32] for index in indexes}
    found = [f"blind index in {table}" for table, text in database_rows() if text in indexes]
    for model in apps.get_models():
        sealed = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not sealed:
            continue
        for row in model._default_manager.values_list(*sealed):
            found += [
                f"{what} sealed in {model._meta.label}"
                for what, canary in canaries().items()
                for value in row
                if value and canary.lower() in str(value).lower()
            ]
    return found


@pytest.fixture
def visitor() -> Client:
    """The person's browser, seen through one trusted proxy."""
    return Client(HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=IP)


def test_nothing_of_the_person_is_kept_in_clear_and_erasure_leaves_nothing(
    visitor: Client,
    settings: Any,
    petition: Petition,
    consent: ConsentText,
    kazan: Group,
    kazan_coordinator: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from tests.directory.factories import seed_000

    settings.AXES_IPWARE_PROXY_COUNT = 1
    caplog.set_level(logging.DEBUG)
    entry: Organisation = seed_000()
    event = make_event(kazan_coordinator, [kazan])
    person = create_user(email=EMAIL, password=PASSWORD, name=NAME)
    kazan_region = Region.objects.get(slug="kazan")

    with written_logs() as logs:
        # Every public form.
        visitor.post(
            f"/petitions/{petition.slug}/sign/",
            form_data(consent, name=NAME, email=EMAIL, city=CITY, phone=PHONE),
        )
        visitor.post(
            "/groups/join/",
            {
                "name": NAME,
                "email": EMAIL,
                "city": CITY,
                "region": kazan_region.pk,
                "languages": "русский",
                "consent": "on",
            },
        )
        visitor.post(f"/events/{event.pk}/rsvp/", {"name": NAME, "email": EMAIL})
        visitor.post(
            f"/directory/{entry.slug}/suggest/",
            {"text": "The office has moved.", "contact_email": EMAIL},
        )
        visitor.post("/petitions/my-data/", {"email": EMAIL})
        visitor.post(
            "/supporters/",
            {"name": NAME, "email": EMAIL, "country": country_choices()[0][0], "language": "ru"},
        )
        # A failed sign-in, a sign-in, a password reset.
        visitor.post("/account/login/", {"username": EMAIL, "password": "not the password"})
        assert (
            visitor.post("/account/login/", {"username": EMAIL, "password": PASSWORD}).status_code
            == 302
        )
        visitor.post("/account/logout/")
        visitor.post("/account/password/reset/", {"email": EMAIL})
        run_tasks()
        assert smtp_server.messages, "the forms sent no mail: they did not go through"

        leaks = found_in_clear(database_rows()) + found_in_clear(decoded_rows())
        leaks += found_in_clear(data_files())
        leaks += found_in_clear(iter([("the log", vigils_lines(logs.getvalue()))]))
        records = "\n".join(
            r.getMessage() for r in caplog.records if not r.name.startswith(TEST_SMTP_LOGGER)
        )
        leaks += found_in_clear(iter([("captured log records", records)]))
        assert not leaks, "\n".join(leaks)

        # Erasure: the signer's "my data" link, then the account's own erasure.
        index = Signature.objects.get().email_index
        visitor.post(f"/petitions/my-data/{petition_services.data_token(index)}/")
        visitor.post("/account/login/", {"username": EMAIL, "password": PASSWORD})
        assert visitor.post("/groups/my-data/", {"confirm": "on"}).status_code == 302
        run_tasks()

    leaks = keyed_to_the_person() + found_in_clear(database_rows())
    assert not leaks, "\n".join(leaks)
    assert not User.objects.filter(pk=person.pk, is_active=True).exists()
